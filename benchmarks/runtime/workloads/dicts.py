"""Dict updates: word counts with str keys, int-keyed tables, merges, comprehensions, deletes."""

WORDS = [f"word{i % 997}" for i in range(300_000)]


def run():
    counts = {}
    for word in WORDS:
        counts[word] = counts.get(word, 0) + 1
    groups = {}
    for i, word in enumerate(WORDS):
        groups.setdefault(i % 101, []).append(word)
    table = {i: i * i for i in range(300_000)}
    for i in range(0, 300_000, 3):
        table[i] += 1
    for i in range(0, 300_000, 7):
        del table[i]
    merged = {**counts, **{word: 0 for word in WORDS[:500]}}
    merged.update((k, v * 2) for k, v in counts.items() if v > 20)
    inverted = {v: k for k, v in table.items()}
    return len(counts) + len(groups) + len(table) + len(merged) + len(inverted) + sum(table.values()) % 1_000_003


if __name__ == "__main__":
    print(run())
