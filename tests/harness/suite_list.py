# SPDX-License-Identifier: GPL-2.0
"""The suites as their headers describe them: the record the runner schedules
by, make list, and the suites table of docs/how-a-test-flows.md, which make
check keeps in step."""

import os
import re
from dataclasses import dataclass

HEADER = re.compile(r'^# ([a-z-]+): (.*)$', re.M)
# The limits of a suite whose header names none.
DEFAULT_TIMEOUT_S = 120
DEFAULT_CONSOLE_LIMIT_KB = 20480
BEGIN = '<!-- make list: begin -->'
END = '<!-- make list: end -->'


def suite_names(tests_dir):
    return sorted(f[:-4] for f in os.listdir(tests_dir) if f.endswith('.exp'))


def parse_headers(text):
    """A suite's "# key: value" lines (timeout, summary, needs, ...): the first of each."""
    found = {}
    for key, value in HEADER.findall(text):
        found.setdefault(key, value.strip())
    return found


def headers(path):
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


def load(tests_dir, name):
    path = os.path.join(tests_dir, name + '.exp')
    found = headers(path)
    return Suite(name, path,
                 timeout_s=int(found.get('timeout') or DEFAULT_TIMEOUT_S),
                 console_limit_kb=int(found.get('console-limit-kb') or DEFAULT_CONSOLE_LIMIT_KB),
                 expect_failure=found.get('expect-failure', ''),
                 idle=found.get('cpu') == 'idle')


def summaries(tests_dir):
    """[(suite, its summary header or None)], by name."""
    return [(n, headers(os.path.join(tests_dir, n + '.exp')).get('summary')) for n in suite_names(tests_dir)]


def markdown(tests_dir):
    return ['| suite | what it shows |', '|---|---|'] + \
        ['| `%s` | %s |' % (n, s or '') for n, s in summaries(tests_dir)]


def doc_problems(tests_dir, doc):
    """Suites without a summary, and a table in DOC that is not make list's."""
    problems = ['tests/%s.exp has no "# summary:" header' % n for n, s in summaries(tests_dir) if not s]
    with open(doc, encoding='utf-8') as f:
        text = f.read()
    m = re.search(re.escape(BEGIN) + r'\n(.*?)\n' + re.escape(END), text, re.S)
    if not m:
        problems.append('%s has no %s ... %s block' % (doc, BEGIN, END))
    elif m.group(1).splitlines() != markdown(tests_dir):
        problems.append('the suites table of %s is not what the suites\' headers say: regenerate it with '
                        'PYTHONPATH=tests python3 -m harness list --markdown tests' % doc)
    return problems
