# SPDX-License-Identifier: GPL-2.0
"""tests/mutate/mutate.sh's save and restore, with no kernel and no guest:
a stand-in make, a small tree and a mutant that edits one file and adds
another. The tree must come back byte for byte after a run, after an
interrupt, and after a run killed with the mutant in the tree."""

import os
import signal
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
MUTATE = os.path.join(HERE, "mutate.sh")
ORIGINAL = "int tlb_flush;\n"
MUTANT = """\
Story: a stand-in mutant.
---
--- a/mm/gather.c
+++ b/mm/gather.c
@@ -1 +1 @@
-int tlb_flush;
+int tlb_flush_broken;
--- /dev/null
+++ b/mm/added.c
@@ -0,0 +1 @@
+int added;
"""
# The stand-in make: logs each call with what mm/gather.c then holds, and
# sleeps through "test" when FAKE_SLEEP says so.
FAKE_MAKE = """#!/bin/sh
echo "$* | $(cat "$KTREE/mm/gather.c")" >>"$FAKE_LOG"
case "$*" in *" test "*) sleep "${FAKE_SLEEP:-0}" ;; esac
exit 0
"""


class MutateSaveRestoreTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        root = self.tmp.name
        self.ktree = os.path.join(root, "ktree")
        os.makedirs(os.path.join(self.ktree, "mm"))
        self.write(os.path.join(self.ktree, "mm", "gather.c"), ORIGINAL)
        os.makedirs(os.path.join(root, "mutants"))
        self.write(os.path.join(root, "mutants", "m1.patch"), MUTANT)
        self.make = os.path.join(root, "make")
        self.write(self.make, FAKE_MAKE)
        os.chmod(self.make, 0o755)
        self.log = os.path.join(root, "make.log")
        self.out = os.path.join(root, "out")
        self.env = dict(os.environ, TOP=TOP, KTREE=self.ktree, MAKE=self.make, RUNS="1", MUTANTS="m1",
                        MUTANTS_DIR=os.path.join(root, "mutants"), MUTATE_OUT=self.out, MUTATE_TESTS="boot",
                        FAKE_LOG=self.log, KSRC="", FALLBACK_FIX="")

    @staticmethod
    def write(path, text):
        with open(path, "w") as f:
            f.write(text)

    def assertTreeRestored(self):
        with open(os.path.join(self.ktree, "mm", "gather.c")) as f:
            self.assertEqual(f.read(), ORIGINAL)
        self.assertFalse(os.path.exists(os.path.join(self.ktree, "mm", "added.c")))
        self.assertFalse(os.path.exists(os.path.join(self.out, "saved")))

    def calls(self):
        with open(self.log) as f:
            return f.read().splitlines()

    def calls_so_far(self):
        return self.calls() if os.path.exists(self.log) else []

    def test_a_run_builds_the_mutant_and_restores_the_tree(self):
        done = subprocess.run([MUTATE], env=self.env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        self.assertIn("RESTORE", done.stdout, done.stdout + done.stderr)
        self.assertTreeRestored()
        calls = self.calls()
        # The mutant built and tested, then the clean tree.
        self.assertTrue(calls[0].startswith("--no-print-directory -C %s rootfs | int tlb_flush_broken;" % TOP), calls)
        self.assertIn("| int tlb_flush_broken;", calls[1])
        self.assertTrue(calls[-1].endswith("| int tlb_flush;"), calls)

    def test_an_interrupt_restores_the_tree(self):
        proc = subprocess.Popen([MUTATE], env=dict(self.env, FAKE_SLEEP="30"), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(" test " in c for c in self.calls_so_far()):
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 130, out + err)
        self.assertIn("Bail out! make mutate interrupted; the tree is restored", err)
        self.assertTreeRestored()

    def test_a_killed_run_is_restored_by_the_next(self):
        saved = os.path.join(self.out, "saved")
        os.makedirs(os.path.join(saved, "files", "mm"))
        self.write(os.path.join(saved, "files", "mm", "gather.c"), ORIGINAL)
        self.write(os.path.join(saved, "manifest"), "present mm/gather.c\nabsent mm/added.c\n")
        self.write(os.path.join(saved, "applied"), "m1\n")
        subprocess.run(["patch", "-s", "-d", self.ktree, "-p1"], input=MUTANT, text=True, check=True)
        done = subprocess.run([MUTATE], env=dict(self.env, MUTANTS="m1"), capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)
        self.assertIn("an earlier make mutate was stopped with mutant m1 in the tree: restoring it", done.stdout,
                      done.stdout + done.stderr)
        self.assertTreeRestored()


if __name__ == "__main__":
    unittest.main()
