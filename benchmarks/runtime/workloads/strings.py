"""String operations: formatting, split and join, replace, case, search, slicing, encoding."""

LINE = "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs"


def run():
    total = 0
    for i in range(30_000):
        text = f"{i:05d}: {LINE} ({i * 3.5:.2f})"
        words = text.split()
        joined = "-".join(word.capitalize() for word in words)
        total += len(joined.replace("-", "").lower())
        total += text.find("lazy") + text.count("o") + ("jugs" in text)
        total += len(text[::-1][5:40].upper().strip())
        total += len(("%s|%d|%r" % (words[1], i, words[-1])).encode("utf-8"))  # noqa: UP031 - %-formatting is part of the workload
        total += text.startswith("0") + text.endswith(")")
    return total


if __name__ == "__main__":
    print(run())
