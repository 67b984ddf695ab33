# SPDX-License-Identifier: GPL-2.0
"""The judge and the writers on recorded results directories of real runs
(test_data/results/: make test on this appliance, and one make mutate run):
a pass, a storm's counters, a failed check, a skip, and each way the
runner catches a failure: a panic, a WARNING, the walker's WARN, a
time-out, a guest killed, a console stall, a flood."""

import dataclasses
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

from . import facts, ktap, results, verdict

RECORDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_data", "results")
# What each recorded suite is, judged as a plain suite (its expect-failure
# header dropped): (verdict, how its reason starts).
PLAIN = {
    "boot": ("pass", ""),
    "storm-fork": ("pass", ""),
    "fpstate-mutant": ("fail", "fpstate_check signal-raise: after 50 signals"),
    "fault-kasan": ("skip", "needs the KASAN kernel"),
    "selftest-panic": ("fail", "kernel panic: "),
    "selftest-warning": ("fail", "kernel WARNING: "),
    "fault-skip-grace-period": ("fail", "kernel WARNING: "),
    "selftest-hang": ("error", "timed out after 5 s (guest killed)"),
    "selftest-killed": ("fail", "the guest did not power off cleanly"),
    "selftest-stall": ("fail", "console stall: the answer to 'read -r line'"),
    "selftest-flood": ("fail", "console flood: over 256 KB of output"),
}


def recorded(name):
    with open(os.path.join(RECORDED, name, "result.json"), encoding="utf-8") as f:
        return json.load(f)


class RecordedResultsTest(unittest.TestCase):
    def test_every_recorded_directory_is_listed(self):
        self.assertEqual(sorted(os.listdir(RECORDED)), sorted(PLAIN))

    def test_judged_again_as_the_run_judged_it(self):
        for name in PLAIN:
            with self.subTest(name):
                judgement = verdict.judge(facts.read_facts(os.path.join(RECORDED, name)))
                record = recorded(name)
                self.assertEqual((judgement.verdict, judgement.reason), (record["result"], record["reason"]))
                self.assertEqual([{"status": e.status, "message": e.message} for e in judgement.entries],
                                 record["checks"])

    def test_each_failure_kind_judged_as_a_plain_suite(self):
        for name, (want, reason) in PLAIN.items():
            with self.subTest(name):
                plain = dataclasses.replace(facts.read_facts(os.path.join(RECORDED, name)), expect_failure="")
                judgement = verdict.judge(plain)
                self.assertEqual(judgement.verdict, want, judgement.reason)
                self.assertTrue(judgement.reason.startswith(reason), judgement.reason)

    def test_the_writers_on_every_recorded_suite(self):
        records = {}
        for name in sorted(PLAIN):
            directory = os.path.join(RECORDED, name)
            judgement = verdict.judge(facts.read_facts(directory))
            records[name] = results.make_record(name, directory, judgement, {"REPLAY_VARS": "MEM", "MEM": "256M"})
            failed = records[name]["result"] in verdict.FAILING
            lines = ktap.suite_lines(1, name, records[name], failed)
            self.assertEqual(lines[-1].split(" # ")[0], ("not ok 1 " if failed else "ok 1 ") + name)
            if failed:
                self.assertIn("# replay: make test TESTS=%s SEED=%s MEM=256M" % (name, records[name]["seed"]), lines)
        self.assertEqual(records["storm-fork"]["runs"]["storm"][0]["forks"],
                         recorded("storm-fork")["runs"]["storm"][0]["forks"])
        with tempfile.TemporaryDirectory() as out:
            results.write_summary(os.path.join(out, "summary.json"), records)
            results.write_junit(os.path.join(out, "junit.xml"), records)
            with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
                # Every negative control and both passing suites pass; the mutant's run fails.
                self.assertEqual(json.load(f)["totals"], {"pass": 9, "fail": 1, "xfail": 0, "xpass": 0,
                                                          "skip": 1, "error": 0})
            suites = ET.parse(os.path.join(out, "junit.xml")).getroot()
            failed_checks = sum(c["status"] == "fail" for r in records.values() for c in r["checks"])
            self.assertEqual(suites.get("failures"), str(failed_checks))
            self.assertGreater(failed_checks, 0)
            self.assertEqual(suites.get("skipped"), str(sum(c["status"] == "skip" for r in records.values()
                                                            for c in r["checks"])))
            if shutil.which("xmllint"):
                subprocess.run(["xmllint", "--noout", os.path.join(out, "junit.xml")], check=True)


if __name__ == "__main__":
    unittest.main()
