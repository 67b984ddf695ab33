# SPDX-License-Identifier: GPL-2.0
"""Unit tests of make list and of the suites table make check keeps in step with it."""

import os
import tempfile
import unittest

from . import suite_list


class SuiteListTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.tests = self.tmp.name
        self.suite('boot', 'the guest boots')
        self.suite('storm-fork', 'fork storm under two rcu walkers')
        self.doc = os.path.join(self.tmp.name, 'doc.md')

    def suite(self, name, summary):
        with open(os.path.join(self.tests, name + '.exp'), 'w') as f:
            f.write('# SPDX-License-Identifier: GPL-2.0\n# Prose.\n%s# timeout: 60\nsource suite.tcl\n'
                    % ('# summary: %s\n' % summary if summary else ''))

    def write_doc(self, table):
        with open(self.doc, 'w') as f:
            f.write('# Suites\n\n%s\n%s\n%s\n\nMore.\n' % (suite_list.BEGIN, '\n'.join(table), suite_list.END))

    def test_the_table_in_step_passes(self):
        self.write_doc(suite_list.markdown(self.tests))
        self.assertEqual(suite_list.doc_problems(self.tests, self.doc), [])

    def test_a_new_suite_makes_the_table_stale(self):
        self.write_doc(suite_list.markdown(self.tests))
        self.suite('storm-exit', 'exit storm')
        self.assertIn('regenerate it', suite_list.doc_problems(self.tests, self.doc)[0])

    def test_a_suite_without_summary_is_named(self):
        self.suite('storm-exit', None)
        self.write_doc(suite_list.markdown(self.tests))
        self.assertEqual(suite_list.doc_problems(self.tests, self.doc),
                         ['%s has no "# summary:" header' % os.path.join(self.tests, 'storm-exit.exp')])
