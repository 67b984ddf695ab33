# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the verdict chain over result directories: no guest, a second."""

import os
import tempfile
import unittest

from . import facts, fixtures, verdict
from .fixtures import BOOT, POWER_DOWN, WARNING, KASAN, PANIC, KERNEL_BUG, RCU_STALL, RCU_STALLS

FAILED = ("fail", "the storm forked (failed: 0 > 0)")


class VerdictTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.n = 0

    def judge(self, **kw):
        self.n += 1
        directory = fixtures.make_suite_dir(os.path.join(self.tmp.name, "s%d" % self.n), **kw)
        return verdict.judge(facts.read_facts(directory))

    def assertVerdict(self, judgement, expected, reason=None):
        self.assertEqual(judgement.verdict, expected, judgement.reason)
        if reason is not None:
            self.assertIn(reason, judgement.reason)

    def runner(self, judgement):
        self.assertTrue(judgement.entries[-1].message.startswith("runner: "))
        return judgement.entries[-1]

    # --- 1. the exit status ------------------------------------------------
    def test_exit_codes_are_kselftest(self):
        self.assertEqual(verdict.EXIT_CODES, {0: "pass", 1: "fail", 2: "xfail", 3: "xpass", 4: "skip"})

    def test_pass(self):
        j = self.judge()
        self.assertVerdict(j, "pass")
        self.assertEqual(j.reason, "")
        self.assertEqual(self.runner(j).status, "pass")
        self.assertEqual(self.runner(j).message, "runner: " + verdict.RUNNER_OK)

    def test_failed_check_is_the_reason(self):
        j = self.judge(exit_code=1, checks=[("pass", "a"), FAILED, ("fail", "second")])
        self.assertVerdict(j, "fail")
        self.assertEqual(j.reason, FAILED[1])
        self.assertEqual(self.runner(j).status, "pass", "the runner adds no failure of its own")

    def test_exit_1_without_a_failed_check_is_an_error(self):
        j = self.judge(exit_code=1, checks=[("pass", "a")])
        self.assertVerdict(j, "error", "suite exited with status 1")
        self.assertEqual(self.runner(j).status, "fail")

    def test_fail_with_the_suite_reason(self):
        j = self.judge(exit_code=1, checks=[("pass", "a")], suite_verdict=("fail", "the storm never started"))
        self.assertVerdict(j, "fail", "the storm never started")
        self.assertEqual(self.runner(j).status, "fail")

    def test_unknown_exit_status(self):
        self.assertVerdict(self.judge(exit_code=255, checks=[]), "error", "status 255")

    def test_missing_runner_file(self):
        directory = fixtures.make_suite_dir(os.path.join(self.tmp.name, "x"))
        os.unlink(os.path.join(directory, "runner"))
        j = verdict.judge(facts.read_facts(directory))
        self.assertVerdict(j, "error", "status None")

    def test_xfail_reason_from_the_suite(self):
        j = self.judge(exit_code=2, suite_verdict=("xfail", "the fallback freed 3 tables"))
        self.assertVerdict(j, "xfail", "the fallback freed 3 tables")
        self.assertEqual(self.runner(j).status, "xfail")

    def test_xpass_fails(self):
        j = self.judge(exit_code=3, suite_verdict=("xpass", "no table freed"))
        self.assertVerdict(j, "xpass", "passed unexpectedly (XPASS)")
        self.assertIn("no table freed", j.reason)
        self.assertEqual(self.runner(j).status, "fail")

    def test_skip(self):
        j = self.judge(exit_code=4, checks=[], suite_verdict=("skip", "needs the KASAN kernel"))
        self.assertVerdict(j, "skip", "needs the KASAN kernel")
        self.assertEqual(self.runner(j).status, "skip")

    def test_timeout_124(self):
        self.assertVerdict(self.judge(exit_code=124, limit_s=63), "error", "timed out after 63 s (guest killed)")

    def test_timeout_137_after_kill(self):
        self.assertVerdict(self.judge(exit_code=137, limit_s=15), "error", "timed out after 15 s")

    def test_timeout_beats_failed_checks(self):
        self.assertVerdict(self.judge(exit_code=124, checks=[FAILED]), "error", "timed out")

    # --- 2. flood and power-off --------------------------------------------
    def test_flood_fails_a_pass(self):
        self.assertVerdict(self.judge(flood="console flood: over 2048 KB of output (guest killed)"),
                           "fail", "console flood")

    def test_flood_fails_a_skip(self):
        self.assertVerdict(self.judge(exit_code=4, flood="console flood: x"), "fail", "console flood")

    def test_flood_wins_over_power_off(self):
        j = self.judge(console=BOOT, flood="console flood: x")
        self.assertEqual(j.reason, "console flood: x")

    def test_no_power_off_fails_a_pass(self):
        self.assertVerdict(self.judge(console=BOOT), "fail", "did not power off cleanly")

    def test_power_off_with_crlf(self):
        self.assertVerdict(self.judge(console="appliance: ready\r\nreboot: Power down\r\n"), "pass")

    def test_no_power_off_is_not_checked_on_a_failure(self):
        j = self.judge(exit_code=1, checks=[FAILED], console=BOOT)
        self.assertEqual(j.reason, FAILED[1])

    def test_no_console_at_all_passes(self):
        # selftest-inputs boots no guest.
        self.assertVerdict(self.judge(console=None), "pass")

    # --- 3. the crash scan -------------------------------------------------
    def test_warning_fails_a_pass(self):
        j = self.judge(console=BOOT + WARNING + POWER_DOWN)
        self.assertVerdict(j, "fail", "kernel WARNING: WARNING: CPU: 0")
        self.assertEqual(self.runner(j).status, "fail")

    def test_each_pattern_has_its_label(self):
        for line, label in [(PANIC, "kernel panic"), (KASAN, "KASAN report"), (KERNEL_BUG, "kernel BUG"),
                            (WARNING, "kernel WARNING"), (RCU_STALL, "RCU stall"), (RCU_STALLS, "RCU stall")]:
            with self.subTest(label=label):
                self.assertTrue(self.judge(console=BOOT + line + POWER_DOWN).reason.startswith(label + ": "))

    def test_known_boot_deaths_name_cause_and_fix(self):
        for line, fix in [("userspace - ptrace set fp regs failed, errno = 14\r\n", "patches/0013-0015"),
                          ("put_fp_registers returned -22\r\n", "patches/0013"),
                          ("ptrace: Operation not permitted\r\n", "ptrace is allowed"),
                          ("/dev/shm must be not mounted noexec\r\n", "TMPDIR")]:
            with self.subTest(line=line):
                self.assertVerdict(self.judge(exit_code=1, checks=[FAILED], console=BOOT + line + PANIC),
                                   "fail", fix)

    def test_amx_host_boot_death_recorded(self):
        """Debian's UML 6.1 on a host whose XSTATE regset is 11008 bytes."""
        with open(os.path.join(os.path.dirname(__file__), "test_data", "amx-host-uml-6.1-boot.log"), "rb") as f:
            j = self.judge(exit_code=1, checks=[("fail", "guest exited while booting")], console=f.read())
        self.assertVerdict(j, "fail", "host FP state larger than this kernel's")
        self.assertIn("errno = 14", j.reason)

    def test_first_pattern_in_file_order_wins(self):
        j = self.judge(console=BOOT + WARNING + KERNEL_BUG + KASAN + POWER_DOWN)
        self.assertTrue(j.reason.startswith("KASAN report: "), j.reason)

    def test_crash_line_is_cut_at_160(self):
        j = self.judge(console=BOOT + "WARNING: " + "x" * 400 + "\r\n" + POWER_DOWN)
        self.assertEqual(len(j.reason), len("kernel WARNING: ") + 160)

    def test_crash_beats_a_failed_check(self):
        self.assertVerdict(self.judge(exit_code=1, checks=[FAILED], console=BOOT + PANIC), "fail", "kernel panic")

    def test_crash_beats_a_timeout(self):
        self.assertVerdict(self.judge(exit_code=124, console=BOOT + RCU_STALL), "fail", "RCU stall")

    def test_skip_ignores_a_crash(self):
        self.assertVerdict(self.judge(exit_code=4, console=BOOT + PANIC), "skip")

    def test_xfail_tolerates_warning_and_kasan(self):
        for line in (WARNING, KASAN):
            with self.subTest(line=line):
                self.assertVerdict(self.judge(exit_code=2, suite_verdict=("xfail", "r"),
                                              console=BOOT + line + POWER_DOWN), "xfail")

    def test_xfail_does_not_tolerate_panic_bug_or_stall(self):
        for line in (PANIC, KERNEL_BUG, RCU_STALL):
            with self.subTest(line=line):
                self.assertVerdict(self.judge(exit_code=2, suite_verdict=("xfail", "r"),
                                              console=BOOT + line + POWER_DOWN), "fail")

    def test_crash_text_may_be_anything(self):
        j = self.judge(console=b"BUG: \x1b[1m<&\"\xff\xfe\x00\r\n")
        self.assertVerdict(j, "fail", "kernel BUG: BUG: \x1b[1m<&\"\\xff\\xfe\x00")

    # --- 4. negative controls ----------------------------------------------
    def control(self, expected, **kw):
        return self.judge(expect_failure=expected, **kw)

    def test_control_caught(self):
        j = self.control("kernel WARNING", console=BOOT + WARNING + POWER_DOWN)
        self.assertVerdict(j, "pass", "negative control: the runner caught it (kernel WARNING: ")
        self.assertEqual(self.runner(j).status, "pass")

    def test_control_alternation(self):
        self.assertVerdict(self.control("kernel WARNING|KASAN report", console=BOOT + KASAN + POWER_DOWN), "pass")

    def test_control_not_caught(self):
        j = self.control("kernel WARNING")
        self.assertVerdict(j, "fail", "expected the runner to report 'kernel WARNING' with every other "
                                      "check of the suite passing; got pass")
        self.assertEqual(self.runner(j).status, "fail")

    def test_control_caught_for_another_reason(self):
        self.assertVerdict(self.control("kernel WARNING", console=BOOT + PANIC), "fail",
                           "got fail (kernel panic: ")

    def test_control_with_another_failed_check(self):
        j = self.control("kernel WARNING", exit_code=1, checks=[FAILED], console=BOOT + WARNING + POWER_DOWN)
        self.assertVerdict(j, "fail", "first failed check: " + FAILED[1])

    def test_control_failed_check_matching_is_expected(self):
        j = self.control("kernel WARNING", exit_code=1,
                         checks=[("pass", "a"), ("fail", "kernel WARNING seen by the suite")],
                         console=BOOT + WARNING + POWER_DOWN)
        self.assertVerdict(j, "pass")
        self.assertEqual([e.status for e in j.entries], ["pass", "xfail", "pass"])

    def test_control_timeout(self):
        # selftest-hang
        self.assertVerdict(self.control("timed out", exit_code=124, limit_s=15, console=BOOT), "pass",
                           "caught it (timed out after 15 s")

    def test_control_killed(self):
        # selftest-killed
        self.assertVerdict(self.control("did not power off", console=BOOT), "pass")

    def test_control_flood(self):
        # selftest-flood
        self.assertVerdict(self.control("console flood", flood="console flood: over 2048 KB of output (guest killed)",
                                        console=BOOT), "pass")

    def test_control_panic(self):
        # selftest-panic
        self.assertVerdict(self.control("kernel panic", console=BOOT + PANIC), "pass")

    def test_control_xpass_is_not_caught(self):
        self.assertVerdict(self.control("kernel WARNING", exit_code=3), "fail", "got xpass (passed unexpectedly")

    def test_control_crash_overrides_xpass(self):
        self.assertVerdict(self.control("kernel WARNING", exit_code=3, console=BOOT + WARNING), "pass")

    def test_control_skipped_stays_skipped(self):
        # fault-kasan without KASAN=1
        self.assertVerdict(self.control("KASAN report", exit_code=4, suite_verdict=("skip", "needs KASAN")), "skip")

    def test_control_bad_regex_never_matches(self):
        self.assertVerdict(self.control("kernel (WARNING", console=BOOT + WARNING), "fail", "negative control")

    # --- 5. survivors --------------------------------------------------------
    def test_survivor_fails_a_pass(self):
        self.assertVerdict(self.judge(survivor="UML process group 77 survived SIGKILL"), "fail", "survived SIGKILL")

    def test_survivor_fails_a_caught_control(self):
        self.assertVerdict(self.control("kernel panic", console=BOOT + PANIC,
                                        survivor="UML process group 77 survived SIGKILL"), "fail", "survived")

    def test_survivor_fails_a_skip(self):
        self.assertVerdict(self.judge(exit_code=4, survivor="UML process group 7 survived SIGKILL"), "fail")

    # --- what the suite wrote ------------------------------------------------
    def test_notes_are_kept_in_order(self):
        j = self.judge(checks=[("note", "boot: x"), ("pass", "a"), ("note", "n"), ("skip", "needs root")])
        self.assertEqual([e.status for e in j.entries], ["note", "pass", "note", "skip", "pass"])

    def test_messages_are_unescaped(self):
        j = self.judge(exit_code=1, checks=[("fail", "line1\nline2\ttab \\ back" + fixtures.HOSTILE)])
        self.assertEqual(j.reason, "line1\nline2\ttab \\ back" + fixtures.HOSTILE)

    def test_unescape(self):
        self.assertEqual(facts.unescape(r"a\\n\n\t\x1b\x00"), "a\\n\n\t\x1b\x00")


if __name__ == "__main__":
    unittest.main()
