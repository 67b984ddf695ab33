# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the KTAP output, read back by the kernel's own parser (kunit.py parse).

The kernel tree is KUNIT_TREE (make check sets it), else the Debian tree the
build unpacks; without one the parser tests are skipped, saying why.
"""

import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

from . import facts, fixtures, ktap, results, verdict
from .fixtures import BOOT, POWER_DOWN, WARNING, PANIC

HERE = os.path.dirname(os.path.abspath(__file__))
KUNIT_TREE = os.environ.get("KUNIT_TREE") or os.path.join(HERE, "..", "..", "build", "linux-source-6.12")
KUNIT_DIR = os.path.join(KUNIT_TREE, "tools", "testing", "kunit")
TAIL_TRAPS = ("reboot: System halted\r\nList of all partitions:\r\n"
              "Kernel panic - not syncing: VFS: Unable to mount root fs\r\n")

# name: the suite's result directory, as fixtures.make_suite_dir() takes it
SUITES = {
    "boot": dict(checks=[("note", "boot: scripts/boot-guest.sh ..."), ("pass", "proc is mounted")]),
    "storm-fork": dict(exit_code=1, checks=[("pass", "violations is 0"), ("fail", "window hits > 0 # SKIP me"),
                                            ("note", "Subtest: storm-fork"), ("fail", "storm-fork")],
                       console=BOOT + TAIL_TRAPS, suite_log="List of all partitions:\n  KTAP version 1\n"),
    "storm-fallback-rcu": dict(exit_code=2, checks=[("pass", "tables took the fallback (12)")],
                               suite_verdict=("xfail", "the fallback freed 3 tables # 6.12"),
                               console=BOOT + WARNING + POWER_DOWN),
    "fault-kasan": dict(exit_code=4, checks=[], suite_verdict=("skip", "needs the KASAN kernel"),
                        expect_failure="KASAN report"),
    "fault-skip-grace-period": dict(exit_code=1, checks=[("pass", "violations > 0"),
                                                         ("fail", "kernel WARNING seen")],
                                    console=BOOT + WARNING + POWER_DOWN, expect_failure="kernel WARNING"),
    "selftest-hang": dict(exit_code=124, checks=[], console=BOOT, expect_failure="timed out"),
    "walker-irq": dict(exit_code=124, checks=[("pass", "")], console=BOOT),
    "kernel-config": dict(console=BOOT + PANIC),
    "storm-overflow": dict(exit_code=3, suite_verdict=("xpass", "")),
    "selftest-inputs": dict(checks=[("pass", "unknown test: exits non-zero (2)"),
                                    ("skip", "missing package: user nobody cannot run it")], console=None),
    "hostile": dict(exit_code=1, checks=[("note", fixtures.HOSTILE), ("fail", fixtures.HOSTILE)],
                    console=fixtures.HOSTILE + "\r\n"),
}
STATUS_OF = {"pass": "SUCCESS", "xfail": "SUCCESS", "skip": "SKIPPED",
             "fail": "FAILURE", "xpass": "FAILURE", "error": "FAILURE"}


def make_records(tmp):
    records = {}
    for name, kw in SUITES.items():
        directory = fixtures.make_suite_dir(os.path.join(tmp, name), **kw)
        records[name] = results.make_record(name, directory, verdict.judge(facts.read_facts(directory)), {})
    return records


def render(records):
    """The whole run as the runner prints it."""
    lines = ktap.header(len(records))
    for number, (name, record) in enumerate(records.items(), 1):
        lines += ktap.suite_lines(number, name, record, record["result"] in verdict.FAILING)
    return lines + ["# results: summary.json junit.xml"] + ktap.totals_lines(results.count(records))


class KtapTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.records = make_records(cls.tmp)
        cls.lines = render(cls.records)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_header_and_plan(self):
        self.assertEqual(self.lines[:2], ["KTAP version 1", "1..%d" % len(SUITES)])

    def test_header_names_the_host_and_a_simulated_xsave_size(self):
        host = {"cpu": "AMD EPYC", "xsave_bytes": 2432, "host_kernel": "6.18"}
        self.assertEqual(ktap.header(3, host)[1], "# host: AMD EPYC; XSAVE 2432 bytes; kernel 6.18")
        host.update(xsave_bytes=11008, xsave_simulated=True)
        self.assertEqual(ktap.header(3, host)[1],
                         "# host: AMD EPYC; XSAVE 11008 bytes (simulated); kernel 6.18")

    def test_closing_lines(self):
        self.assertEqual(self.lines[-2:], ["# Totals: pass:4 fail:3 xfail:1 xpass:1 skip:1 error:1",
                                           "5 passed, 5 failed, 1 skipped"])

    def test_nested_subtest_layout(self):
        start = self.lines.index("    # Subtest: boot")
        self.assertEqual(self.lines[start - 1:start + 5],
                         ["    KTAP version 1", "    # Subtest: boot", "    1..2",
                          "    # boot: scripts/boot-guest.sh ...", "    ok 1 proc is mounted",
                          "    ok 2 runner: " + verdict.RUNNER_OK])
        self.assertEqual(self.lines[start + 5], "ok 1 boot")

    def test_directives(self):
        self.assertIn("ok 3 storm-fallback-rcu # XFAIL the fallback freed 3 tables \\x23 6.12", self.lines)
        self.assertIn("ok 4 fault-kasan # SKIP needs the KASAN kernel", self.lines)
        self.assertIn("    ok 1 runner: needs the KASAN kernel # SKIP", self.lines)
        self.assertIn("    ok 2 missing package: user nobody cannot run it # SKIP", self.lines)
        self.assertIn("    ok 2 kernel WARNING seen # XFAIL", self.lines)

    def test_hash_in_a_message_is_no_directive(self):
        self.assertIn("    not ok 2 window hits > 0 \\x23 SKIP me", self.lines)
        skips = [line for line in self.lines if line.lstrip().startswith(("ok ", "not ok ")) and "# SKIP" in line]
        self.assertEqual(skips, ["    ok 1 runner: needs the KASAN kernel # SKIP",
                                 "ok 4 fault-kasan # SKIP needs the KASAN kernel",
                                 "    ok 2 missing package: user nobody cannot run it # SKIP"])

    def test_failure_shows_reason_console_and_replay(self):
        end = self.lines.index("not ok 2 storm-fork")
        block = "\n".join(self.lines[end - 12:end])
        self.assertIn("# reason: kernel panic: Kernel panic - not syncing : VFS", block)
        self.assertIn("# console log: ", block)
        self.assertIn("# replay: make test TESTS=storm-fork", block)

    def test_parser_traps_are_defused(self):
        text = "\n".join(self.lines)
        self.assertNotIn("reboot: System halted", text)
        self.assertNotIn("List of all partitions:", text)
        self.assertIn("    # Subtest : storm-fork", self.lines)
        self.assertIn("    not ok 3 storm-fork (check)", self.lines)

    def test_no_control_characters(self):
        for line in self.lines:
            self.assertTrue(line.isprintable(), repr(line))


@unittest.skipUnless(os.path.exists(os.path.join(KUNIT_DIR, "kunit_parser.py")),
                     "no kernel tree with tools/testing/kunit at %s: run make source first" % KUNIT_TREE)
class KunitParseTest(unittest.TestCase):
    """The kernel's KTAP parser reads the output with no error and the same counts."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.records = make_records(cls.tmp)
        cls.path = os.path.join(cls.tmp, "ktap.txt")
        with open(cls.path, "w") as f:
            f.write("  KBUILD  make output before the run is not KTAP\n")
            f.write("\n".join(render(cls.records)) + "\n")
        # kunit's printer keeps the stdout it found at import: hide both.
        sys.path.insert(0, KUNIT_DIR)
        with open(cls.path) as f, redirect_stdout(io.StringIO()):
            try:
                import kunit_parser
            finally:
                sys.path.remove(KUNIT_DIR)
            cls.test = kunit_parser.parse_run_tests(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_no_parse_error(self):
        def errors(test):
            return [(test.name, test.counts.errors)] * bool(test.counts.errors) + \
                [e for t in test.subtests for e in errors(t)]
        self.assertEqual(self.test.counts.errors, 0, errors(self.test))

    def test_suites_and_statuses(self):
        self.assertEqual([t.name for t in self.test.subtests], list(self.records))
        self.assertEqual({t.name: t.status.name for t in self.test.subtests},
                         {name: STATUS_OF[r["result"]] for name, r in self.records.items()})

    def test_check_counts(self):
        checks = [c["status"] for r in self.records.values() for c in r["checks"] if c["status"] != "note"]
        counts = self.test.counts
        self.assertEqual((counts.passed, counts.failed, counts.skipped, counts.crashed),
                         (checks.count("pass") + checks.count("xfail"), checks.count("fail"),
                          checks.count("skip"), 0))

    def test_closing_line_matches_the_parser(self):
        statuses = [t.status.name for t in self.test.subtests]
        self.assertEqual("%d passed, %d failed, %d skipped" % (
            statuses.count("SUCCESS"), statuses.count("FAILURE"), statuses.count("SKIPPED")),
            render(self.records)[-1])

    def test_kunit_py_parse(self):
        run = subprocess.run([sys.executable, os.path.join(KUNIT_DIR, "kunit.py"), "parse", self.path],
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 1, "a suite failed: kunit.py must say so\n" + run.stdout + run.stderr)
        last = [line for line in run.stdout.splitlines() if "Testing complete." in line][-1]
        c = self.test.counts
        self.assertTrue(last.endswith("Ran %d tests: passed: %d, failed: %d, skipped: %d" % (
            c.total(), c.passed, c.failed, c.skipped)), last)
        self.assertNotIn("error", run.stdout.lower().replace("# reason", ""))


if __name__ == "__main__":
    unittest.main()
