"""Regular expressions: matching, searching, findall and sub over log lines (patterns compiled once)."""

import re

LOG = "\n".join(
    f'10.0.{i % 256}.{i % 97} - - [21/Nov/2026:20:{i % 60:02d}:{i % 60:02d} +0000] "GET /api/items/{i}?page={i % 9} HTTP/1.1" '
    f'{200 if i % 11 else 404} {i * 37 % 5000} "-" "Mozilla/5.0 (X11; Linux x86_64)"'
    for i in range(10_000)
)
LINE = re.compile(r'^(\S+) \S+ \S+ \[([^\]]+)\] "(\w+) (\S+) [^"]*" (\d{3}) (\d+)', re.MULTILINE)
NUMBER = re.compile(r"\d+")
EMAILISH = re.compile(r"[\w.]+@[\w.]+\.\w+|/api/(\w+)/(\d+)")


def run():
    total = 0
    for match in LINE.finditer(LOG):
        total += int(match.group(5)) + len(match.group(4))
    total += len(NUMBER.findall(LOG))
    total += len(EMAILISH.findall(LOG))
    total += len(NUMBER.sub("#", LOG))
    total += sum(1 for line in LOG.splitlines() if re.search(r'" 404 ', line))
    return total


if __name__ == "__main__":
    print(run())
