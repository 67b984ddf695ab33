# SPDX-License-Identifier: GPL-2.0
"""kernel-config/merge.sh with a stand-in kernel tree, whose
scripts/kconfig/merge_config.sh writes the log the real one writes: a
requested value that did not survive olddefconfig stops the build and is
named; one requested off and left out by Kconfig is not."""

import os
import subprocess
import tempfile
import unittest

MERGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "merge.sh")
# What merge_config.sh prints for a value olddefconfig changed.
LOST = """Value requested for CONFIG_MMU_GATHER_RCU_TABLE_FREE not in final .config
Requested value:  CONFIG_MMU_GATHER_RCU_TABLE_FREE=y
Actual value:     
"""
LEFT_OUT = """Value requested for CONFIG_MODULE_UNLOAD not in final .config
Requested value:  # CONFIG_MODULE_UNLOAD is not set
Actual value:     
"""
STAND_IN = """#!/bin/sh
# merge_config.sh -O KOBJ FRAGMENT...: the fragments, concatenated, and LOG
set -e
[ "$1" = -O ] || exit 2
out=$2
shift 2
cat "$@" >"$out/.config"
printf '%s' "$MERGE_LOG"
"""


class MergeTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.ksrc = os.path.join(self.tmp.name, "ksrc")
        os.makedirs(os.path.join(self.ksrc, "scripts", "kconfig"))
        tool = os.path.join(self.ksrc, "scripts", "kconfig", "merge_config.sh")
        with open(tool, "w") as f:
            f.write(STAND_IN)
        os.chmod(tool, 0o755)
        self.fragment = os.path.join(self.tmp.name, "10-rcu-table-free.config")
        with open(self.fragment, "w") as f:
            f.write("CONFIG_MMU_GATHER_RCU_TABLE_FREE=y\n")
        self.kobj = os.path.join(self.tmp.name, "kobj")

    def merge(self, log):
        return subprocess.run([MERGE, self.ksrc, self.kobj, self.fragment], env=dict(os.environ, MERGE_LOG=log),
                              capture_output=True, text=True)

    def test_every_value_kept(self):
        done = self.merge("")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.kobj, ".config")))

    def test_a_lost_value_stops_and_is_named(self):
        done = self.merge(LOST)
        self.assertEqual(done.returncode, 1)
        self.assertIn("Value requested for CONFIG_MMU_GATHER_RCU_TABLE_FREE not in final .config", done.stderr)
        self.assertIn("the options above were requested by a fragment in kernel-config/", done.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.kobj, ".config")))

    def test_a_value_requested_off_and_left_out_is_off(self):
        done = self.merge(LEFT_OUT)
        self.assertEqual(done.returncode, 0, done.stderr)

    def test_a_failed_merge_shows_its_log(self):
        done = subprocess.run([MERGE, self.ksrc, self.kobj, os.path.join(self.tmp.name, "missing.config")],
                              env=dict(os.environ, MERGE_LOG=""), capture_output=True, text=True)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("missing.config", done.stderr)
        self.assertIn("kernel-config: merge_config.sh failed (log: ", done.stderr)


if __name__ == "__main__":
    unittest.main()
