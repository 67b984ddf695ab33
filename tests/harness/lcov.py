# SPDX-License-Identifier: GPL-2.0
"""Read lcov tracefiles (geninfo(1)'s format) into line and branch counts per source file."""


class FileCounts:
    """Execution counts of one source file: line -> count, and
    (line, block, branch) -> times taken (0 where lcov writes '-')."""

    def __init__(self):
        self.lines = {}
        self.branches = {}

    def add(self, other):
        for line, count in other.lines.items():
            self.lines[line] = self.lines.get(line, 0) + count
        for key, taken in other.branches.items():
            self.branches[key] = self.branches.get(key, 0) + taken


def parse(text):
    """Map each SF: path of TEXT to its FileCounts, a file that appears in
    several records (several tests) summed."""
    files: dict = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("SF:"):
            current = FileCounts()
            path = line[3:]
        elif line.startswith("DA:") and current is not None:
            number, count = line[3:].split(",")[:2]
            current.lines[int(number)] = current.lines.get(int(number), 0) + int(count)
        elif line.startswith("BRDA:") and current is not None:
            number, block, branch, taken = line[5:].split(",")
            key = (int(number), int(block), int(branch))
            current.branches[key] = current.branches.get(key, 0) + (0 if taken == "-" else int(taken))
        elif line == "end_of_record" and current is not None:
            files.setdefault(path, FileCounts()).add(current)
            current = None
    return files


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return parse(f.read())
