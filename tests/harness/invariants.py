# SPDX-License-Identifier: GPL-2.0
"""One numbering of the walker's invariants, TW_INVARIANTS' order
(walker/table_walker.h): walker/README.md lists them in it, and every
"invariant N" that names its counter in the docs, the walker and the
suites must name the N-th."""

import os
import re

# X(NAME) lines of the TW_INVARIANTS list.
LIST = re.compile(r'#define TW_INVARIANTS\(X\)(.*?)\n\n', re.S)
# "invariant 9 (grace_period_violations)", "Invariant 9, grace period**
# (`grace_period_violations`": a number, then its counter within a line.
MENTION = re.compile(r'[Ii]nvariant (\d+)\b[^(\n]{0,40}\(`?([a-z_]+)')
README_ITEM = re.compile(r'^(\d+)\. `([a-z_]+)`', re.M)
BEGIN, END = '<!-- TW_INVARIANTS: begin -->', '<!-- TW_INVARIANTS: end -->'


def invariants(header_text: str) -> list[str]:
    m = LIST.search(header_text)
    if not m:
        raise ValueError('no TW_INVARIANTS(X) list')
    return [name.lower() for name in re.findall(r'X\(([A-Z_]+)\)', m.group(1))]


def problems(header_text: str, readme_text: str, others: dict[str, str]) -> list[str]:
    """What disagrees with TW_INVARIANTS: the README's list, and any mention
    in README or OTHERS ({path: text}) whose number names another counter."""
    names = invariants(header_text)
    found = []
    start, end = readme_text.find(BEGIN), readme_text.find(END)
    listed = README_ITEM.findall(readme_text[start:end]) if 0 <= start < end else []
    if [(int(n), name) for n, name in listed] != list(enumerate(names, 1)):
        found.append('walker/README.md: the list between %s and %s is not TW_INVARIANTS in order '
                     '(1. `%s` ... %d. `%s`)' % (BEGIN, END, names[0], len(names), names[-1]))
    for path, text in dict(others, **{'walker/README.md': readme_text}).items():
        for m in MENTION.finditer(text):
            number, name = int(m.group(1)), m.group(2)
            if name in names and names.index(name) + 1 != number:
                found.append('%s: "%s" names %s, which is invariant %d of TW_INVARIANTS' %
                             (path, m.group(0), name, names.index(name) + 1))
            elif name not in names and not 1 <= number <= len(names):
                found.append('%s: "%s": TW_INVARIANTS has %d' % (path, m.group(0), len(names)))
    return found


def read_tree(top: str, folders: tuple[str, ...] = ('docs', 'walker', 'tests/suites')) -> dict[str, str]:
    """The text of every file in FOLDERS of TOP, and README.md."""
    texts = {}
    for folder in folders:
        for name in sorted(os.listdir(os.path.join(top, folder))):
            path = os.path.join(top, folder, name)
            if os.path.isfile(path):
                with open(path, encoding='utf-8', errors='replace') as f:
                    texts[os.path.join(folder, name)] = f.read()
    with open(os.path.join(top, 'README.md'), encoding='utf-8') as f:
        texts['README.md'] = f.read()
    return texts
