# SPDX-License-Identifier: GPL-2.0
"""Unit tests of make mutate's report: timing a crash on the console, each mutant's suites."""

import contextlib
import io
import json
import os
import tempfile
import unittest

from . import mutate_report


class CrashTimeTest(unittest.TestCase):
    def test_timed_from_the_last_walker_start(self):
        console = ('[    1.000000] table_walker: started 2 rcu walker(s)\r\n'
                   '[    2.000000] table_walker: started 2 rcu walker(s)\r\n'
                   '[    2.250000] BUG: Bad page state in process exe\r\n'
                   '[    2.260000] Kernel panic - not syncing: BUG!\r\n')
        self.assertEqual(mutate_report.crash_time(console), ('kernel BUG', 250))

    def test_before_the_walkers_started(self):
        console = '[    0.500000] BUG: Bad page state\n[    1.000000] table_walker: started\n'
        self.assertEqual(mutate_report.crash_time(console), ('kernel BUG', 0))

    def test_a_warning_is_left_to_the_walkers_counters(self):
        console = '[    1.0] table_walker: started\n[    1.2] WARNING: CPU: 0 PID: 40 at track.c\n'
        self.assertIsNone(mutate_report.crash_time(console))

    def test_the_walkers_warn_times_a_guest_that_died_later(self):
        console = ('[    0.260000] table_walker: started 2 rcu walker(s)\n'
                   '[    1.540000] WARNING: CPU: 0 PID: 48 at walker/track.c:510 tw_on_reclaim+0x18d/0x1c0 [table_walker]\n'
                   '[    6.360000] Kernel panic - not syncing: BUG!\n')
        self.assertEqual(mutate_report.crash_time(console), ('walker WARN in tw_on_reclaim', 1280))

    def test_no_timestamps_no_time(self):
        self.assertEqual(mutate_report.crash_time('table_walker: started\nKernel panic - not syncing\n'),
                         ('kernel panic', None))



class ReportTest(unittest.TestCase):
    """A mutant with a Suites: line of its own beside one judged by MUTATE_TESTS."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.out = os.path.join(self.tmp.name, 'mutate')
        self.mutants = os.path.join(self.tmp.name, 'mutants')
        os.makedirs(self.mutants)
        self.write(os.path.join(self.out, 'plan'), 'storm-bug\nfp-bug\n')
        self.write(os.path.join(self.out, 'runs'), '1\n')
        self.write(os.path.join(self.mutants, 'storm-bug.patch'), 'Story: s\nUpstream: N/A, synthetic\n')
        self.write(os.path.join(self.mutants, 'fp-bug.patch'), 'Story: f\nUpstream: N/A, synthetic\nSuites: fpstate\n')
        self.profile = os.path.join(self.tmp.name, 'quick-profile')
        self.write(self.profile, 'storm-overflow\nfpstate\n')

    @staticmethod
    def write(path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)

    def result(self, run, suite, verdict):
        self.write(os.path.join(self.out, run, suite, 'result.json'), '{"result": "%s"}' % verdict)

    def report(self):
        with contextlib.redirect_stdout(io.StringIO()):
            status = mutate_report.report(self.out, self.mutants, ['storm-overflow'], self.profile)
        with open(os.path.join(self.out, 'results.json')) as f:
            return status, json.load(f)

    def test_each_mutant_is_judged_by_its_own_suites(self):
        self.result('storm-bug/run1', 'storm-overflow', 'fail')
        self.result('fp-bug/run1', 'fpstate', 'fail')
        for suite in ('storm-overflow', 'fpstate'):
            self.result('clean/run1', suite, 'pass')
        status, results = self.report()
        self.assertEqual([m['result'] for m in results['mutants']], ['caught', 'caught'])
        self.assertEqual(results['suites'], ['fpstate', 'storm-overflow'])
        self.assertEqual(status, 0)

    def test_a_quick_profile_that_misses_a_caught_mutant_fails(self):
        self.write(self.profile, 'storm-overflow\n')
        self.result('storm-bug/run1', 'storm-overflow', 'fail')
        self.result('fp-bug/run1', 'fpstate', 'fail')
        for suite in ('storm-overflow', 'fpstate'):
            self.result('clean/run1', suite, 'pass')
        status, results = self.report()
        self.assertEqual([m['result'] for m in results['mutants']], ['caught', 'caught'])
        self.assertEqual(status, 1)

    def test_the_clean_run_covers_only_this_runs_mutants(self):
        self.write(os.path.join(self.out, 'plan'), 'fp-bug\n')
        self.result('fp-bug/run1', 'fpstate', 'fail')
        self.result('clean/run1', 'fpstate', 'pass')
        status, results = self.report()
        self.assertEqual(results['suites'], ['fpstate'])
        self.assertTrue(results['clean']['passed'])

    def test_the_clean_run_must_cover_every_mutants_suites(self):
        self.result('storm-bug/run1', 'storm-overflow', 'fail')
        self.result('fp-bug/run1', 'fpstate', 'fail')
        self.result('clean/run1', 'storm-overflow', 'pass')
        status, results = self.report()
        self.assertFalse(results['clean']['passed'])
        self.assertEqual(status, 1)


if __name__ == '__main__':
    unittest.main()
