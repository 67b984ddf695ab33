# SPDX-License-Identifier: GPL-2.0
"""The suites as their headers describe them: the record the runner schedules
by, make list, and the suites table of docs/how-a-test-flows.md, which make
check keeps in step."""

import fnmatch
import os
import re
from dataclasses import dataclass

HEADER = re.compile(r'^# ([a-z-]+): (.*)$', re.M)
# The limits of a suite whose header names none.
DEFAULT_TIMEOUT_S = 120
DEFAULT_CONSOLE_LIMIT_KB = 20480
BEGIN = '<!-- make list: begin -->'
END = '<!-- make list: end -->'


def suite_names(tests_dir: str) -> list[str]:
    return sorted(f[:-4] for f in os.listdir(tests_dir) if f.endswith('.exp'))


def parse_headers(text: str) -> dict[str, str]:
    """A suite's "# key: value" lines (timeout, summary, needs, ...): the first of each."""
    found: dict[str, str] = {}
    for key, value in HEADER.findall(text):
        found.setdefault(key, value.strip())
    return found


def headers(path: str) -> dict[str, str]:
    with open(path, encoding='utf-8') as f:
        return parse_headers(f.read())


@dataclass(frozen=True)
class Suite:
    """One suite as its headers describe it (docs/writing-a-suite.md)."""
    name: str
    path: str
    timeout_s: int = DEFAULT_TIMEOUT_S
    console_limit_kb: int = DEFAULT_CONSOLE_LIMIT_KB
    # A negative control: passes only if it failed for this (verdict.py).
    expect_failure: str = ''
    # "# cpu: idle": it waits out most of its time and takes no JOBS slot.
    idle: bool = False


def load(tests_dir: str, name: str) -> Suite:
    path = os.path.join(tests_dir, name + '.exp')
    found = headers(path)
    return Suite(name, path,
                 timeout_s=int(found.get('timeout') or DEFAULT_TIMEOUT_S),
                 console_limit_kb=int(found.get('console-limit-kb') or DEFAULT_CONSOLE_LIMIT_KB),
                 expect_failure=found.get('expect-failure', ''),
                 idle=found.get('cpu') == 'idle')


class GroupError(ValueError):
    pass


def read_groups(path: str) -> dict[str, list[str]]:
    """{group: [word, ...]} from a groups file (tests/suites/groups)."""
    groups = {}
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if not line.strip() or line.startswith('#'):
                continue
            name, colon, words = line.partition(':')
            if not colon or not name.strip() or name.strip() in groups:
                raise GroupError('%s:%d: not "GROUP: WORD...", or a group named twice' % (path, number))
            groups[name.strip()] = words.split()
    return groups


def group(tests_dir: str, name: str) -> list[str]:
    """The suites of group NAME (TESTS_DIR/groups), by name; a word that
    matches no suite is an error."""
    path = os.path.join(tests_dir, 'groups')
    groups = read_groups(path)
    if name not in groups:
        raise GroupError('no suite group %s: %s has %s' % (name, path, ' '.join(sorted(groups))))
    known = suite_names(tests_dir)
    chosen: set[str] = set()
    for word in groups[name]:
        matched = fnmatch.filter(known, word.lstrip('!'))
        if not matched:
            raise GroupError('%s: group %s names %s, which matches no suite' % (path, name, word))
        if word.startswith('!'):
            chosen -= set(matched)
        else:
            chosen |= set(matched)
    return sorted(chosen)


def summaries(tests_dir: str) -> list[tuple[str, str | None]]:
    """[(suite, its summary header or None)], by name."""
    return [(n, headers(os.path.join(tests_dir, n + '.exp')).get('summary')) for n in suite_names(tests_dir)]


def markdown(tests_dir: str) -> list[str]:
    return ['| suite | what it shows |', '|---|---|'] + \
        ['| `%s` | %s |' % (n, s or '') for n, s in summaries(tests_dir)]


def doc_problems(tests_dir: str, doc: str) -> list[str]:
    """Suites without a summary, and a table in DOC that is not make list's."""
    problems = ['%s has no "# summary:" header' % os.path.join(tests_dir, n + '.exp')
                for n, s in summaries(tests_dir) if not s]
    with open(doc, encoding='utf-8') as f:
        text = f.read()
    m = re.search(re.escape(BEGIN) + r'\n(.*?)\n' + re.escape(END), text, re.S)
    if not m:
        problems.append('%s has no %s ... %s block' % (doc, BEGIN, END))
    elif m.group(1).splitlines() != markdown(tests_dir):
        problems.append('the suites table of %s is not what the suites\' headers say: regenerate it with '
                        'tests/harness.sh list --markdown tests/suites' % doc)
    return problems
