# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the CI workflow check (tests/harness/workflow.py)."""

import unittest

from . import workflow

MAKEFILE = '''## SHARD=: I/N
SHARD ?=
## DIRS=: results
DIRS ?=
.PHONY: test
test:
.PHONY: merge-results check
'''

GOOD = '''      - run: make test SHARD=${{ matrix.shard }}/4 </dev/null
      - run: make merge-results DIRS="a/results b/results"
'''


class WorkflowTest(unittest.TestCase):
    def test_the_calls_are_read_whole(self):
        self.assertEqual(workflow.make_calls(GOOD), [(['test'], ['SHARD']), (['merge-results'], ['DIRS'])])

    def test_a_good_workflow_passes(self):
        self.assertEqual(workflow.problems(GOOD, MAKEFILE), [])

    def test_an_unknown_target_fails(self):
        self.assertEqual(workflow.problems('      - run: make tests\n', MAKEFILE),
                         ['the workflow runs make tests: no such target'])

    def test_an_unknown_variable_fails(self):
        self.assertEqual(workflow.problems('      - run: make test SHARDS=1/4\n', MAKEFILE),
                         ['the workflow sets SHARDS: make has no such variable (make help)'])

    def test_no_make_at_all_fails(self):
        self.assertEqual(workflow.problems('      - run: echo hi\n', MAKEFILE), ['the workflow runs no make command'])

    def test_make_after_a_shell_operator_counts(self):
        self.assertEqual(workflow.make_calls('      - run: cd x && make check\n'), [(['check'], [])])



class HelpCheckTest(unittest.TestCase):
    def test_a_variable_without_its_help_line(self):
        self.assertEqual(workflow.undocumented_variables(MAKEFILE), [])
        self.assertEqual(workflow.undocumented_variables(MAKEFILE + 'QUIET ?= 1\n'), ['QUIET'])


if __name__ == '__main__':
    unittest.main()
