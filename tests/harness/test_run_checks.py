# SPDX-License-Identifier: GPL-2.0
"""tests/run_checks.py, make check's driver: checks reported in the order
given, a failed one with its command and output, and the exit status."""

import os
import subprocess
import sys
import unittest

from . import paths

RUN_CHECKS = os.path.join(paths.TESTS, "run_checks.py")


def run_checks(*args):
    return subprocess.run([sys.executable, RUN_CHECKS, *args], capture_output=True, text=True)


class RunChecksTest(unittest.TestCase):
    def test_all_pass_in_order(self):
        done = run_checks("slow", "sleep 0.3", "fast", "true")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertEqual([line.split()[1] for line in done.stdout.splitlines()], ["slow", "fast"])

    def test_a_failure_shows_its_command_and_output(self):
        done = run_checks("good", "true", "bad", "echo why it failed; exit 3")
        self.assertEqual(done.returncode, 1)
        self.assertIn("  $ echo why it failed; exit 3\n  > why it failed", done.stdout)
        self.assertIn("bad", [line.split()[1] for line in done.stdout.splitlines() if "FAILED" in line])
        self.assertIn("1 of 2 checks failed", done.stderr)

    def test_bad_usage(self):
        self.assertEqual(run_checks("name without a command").returncode, 2)


if __name__ == "__main__":
    unittest.main()
