# SPDX-License-Identifier: GPL-2.0
"""Unit tests of tests/lib/walker.tcl's storm_until_window: when a storm that
opened no rcu window runs again, and for how long (no guest: the storm and
the checks are stand-ins, tests/harness/suites/storm-until-window.exp)."""

import os
import shutil
import subprocess
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'suites', 'storm-until-window.exp')


@unittest.skipUnless(shutil.which('expect'), 'expect is not installed')
class StormUntilWindowTest(unittest.TestCase):
    def run_it(self, hits, walker_opts='mode=rcu target=all', fail_at=0, duration='', key=''):
        with tempfile.TemporaryDirectory() as test_dir:
            env = dict(os.environ, TEST_DIR=test_dir, HITS=' '.join(map(str, hits)),
                       FAIL_AT=str(fail_at), DURATION=duration, KEY=key)
            out = subprocess.run(['expect', SCRIPT, walker_opts], env=env, check=True,
                                 capture_output=True, text=True, timeout=60).stdout
            with open(os.path.join(test_dir, 'checks')) as f:
                notes = [line for line in f if line.startswith('note\t')]
        storms = [line.split(' ', 1)[1] for line in out.splitlines() if line.startswith('storm ')]
        returned = [line for line in out.splitlines() if line.startswith('returned ')]
        return storms, returned, notes

    def test_a_window_at_once_runs_once(self):
        storms, returned, notes = self.run_it([5])
        self.assertEqual(storms, ['fork_storm -d 6'])
        self.assertEqual(returned, ['returned 5 checked 1'])
        self.assertEqual(notes, [])

    def test_no_window_runs_again_twice_as_long_up_to_three_times(self):
        storms, returned, notes = self.run_it([0, 0, 0])
        self.assertEqual(storms, ['fork_storm -d 6', 'fork_storm -d 12', 'fork_storm -d 24'])
        self.assertEqual(returned, ['returned 0 checked 3'])
        self.assertEqual(len(notes), 2)
        self.assertIn('window_hits_rcu stayed 0 in 6 s', notes[0])

    def test_the_second_run_that_opens_a_window_is_the_last(self):
        storms, returned, _ = self.run_it([0, 7])
        self.assertEqual(storms, ['fork_storm -d 6', 'fork_storm -d 12'])
        self.assertEqual(returned, ['returned 7 checked 2'])

    def test_a_negative_control_waits_for_its_own_counter_unchecked(self):
        storms, returned, notes = self.run_it([0, 3], key='oracle_violations')
        self.assertEqual(storms, ['fork_storm -d 6', 'fork_storm -d 12'])
        self.assertEqual(returned, ['returned 3 checked 0'])
        self.assertIn('oracle_violations stayed 0 in 6 s', notes[0])

    def test_a_failed_check_is_never_retried_away(self):
        storms, _, _ = self.run_it([0, 0, 0], fail_at=1)
        self.assertEqual(storms, ['fork_storm -d 6'])

    def test_irq_walkers_run_once(self):
        storms, _, _ = self.run_it([0, 0, 0], walker_opts='mode=irq target=all')
        self.assertEqual(storms, ['fork_storm -d 6'])

    def test_a_soak_runs_once_for_its_duration(self):
        storms, _, _ = self.run_it([0, 0, 0], duration='30')
        self.assertEqual(storms, ['fork_storm -d 30'])


if __name__ == '__main__':
    unittest.main()
