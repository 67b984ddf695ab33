# SPDX-License-Identifier: GPL-2.0
"""Unit test of tests/run.sh's start_order: the longest suites start first."""

import os
import subprocess
import tempfile
import unittest

RUN_SH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "run.sh")


def start_order(results, *suites):
    env = dict(os.environ, RESULTS=results, LINUX="linux", INITRAMFS="initramfs.cpio")
    out = subprocess.run(["bash", "-c", '. "$1"; shift; start_order "$@"', "bash", RUN_SH, *suites],
                         env=env, capture_output=True, text=True, check=True)
    return out.stdout.split()


class StartOrderTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.results = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def last_run(self, name, duration_s):
        os.makedirs(os.path.join(self.results, name))
        with open(os.path.join(self.results, name, "runner"), "w") as f:
            f.write("exit_code 0\nlimit_s 60\nduration_s %s\n" % duration_s)

    def test_longest_first_and_new_suites_before_all(self):
        self.last_run("boot", "2.31")
        self.last_run("storm-munmap", "5.79")
        self.last_run("selftest-panic", "0.34")
        self.last_run("storm-exit", "12.5")
        self.assertEqual(start_order(self.results, "boot", "selftest-panic", "storm-exit",
                                     "storm-munmap", "storm-fork"),
                         ["storm-fork", "storm-exit", "storm-munmap", "boot", "selftest-panic"])

    def test_no_last_run_keeps_the_listed_order(self):
        self.assertEqual(start_order(self.results, "b", "a", "c"), ["b", "a", "c"])

    def test_equal_durations_keep_the_listed_order(self):
        for name in ("x", "y", "z"):
            self.last_run(name, "1.0")
        self.assertEqual(start_order(self.results, "z", "x", "y"), ["z", "x", "y"])
