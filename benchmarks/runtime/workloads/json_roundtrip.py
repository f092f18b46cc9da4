"""JSON: json.dumps then json.loads of a nested document, an API response's shape."""

import json

DOCUMENT = {
    "count": 200,
    "results": [
        {"id": i, "name": f"item {i}", "price": i * 1.25, "tags": ["a", "b", f"t{i % 7}"], "active": i % 2 == 0,
         "owner": {"id": i % 13, "email": f"user{i % 13}@example.com", "bio": "lorem ipsum \u00e9\u00e8 " * 3}, "parent": None}
        for i in range(200)
    ],
}


def run():
    size = 0
    for _ in range(40):
        text = json.dumps(DOCUMENT)
        size += len(text)
        size += len(json.loads(text)["results"])
        size += len(json.dumps(DOCUMENT, indent=2, sort_keys=True))
    return size


if __name__ == "__main__":
    print(run())
