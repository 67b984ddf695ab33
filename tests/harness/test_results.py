# SPDX-License-Identifier: GPL-2.0
"""Unit tests of summary.json and junit.xml: structure, and validity for hostile text."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

from . import facts, fixtures, results, verdict

HERE = os.path.dirname(os.path.abspath(__file__))
TWO_STORMS = ("seed 1234\nstorm.1.forks 10\nstorm.1.ops_per_sec 3.25\nwalker.1.violations 0\n"
              "walker.1.first_violation_ms -1\nstorm.2.forks 20\nstorm.2.ops_per_sec 4.5\n"
              "walker.2.violations 0\nwalker.2.first_violation_ms -1\nstorm.1.forks 99\n")


def reject_duplicates(pairs):
    keys = [k for k, _ in pairs]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise ValueError("duplicate keys: %s" % sorted(dup))
    return dict(pairs)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=reject_duplicates)


class ResultsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def suite(self, name, environ=None, **kw):
        directory = fixtures.make_suite_dir(os.path.join(self.tmp, name), **kw)
        judgement = verdict.judge(facts.read_facts(directory))
        record = results.make_record(name, directory, judgement, environ or {})
        results.write_record(directory, record)
        return record

    def write_both(self, records):
        summary, junit = os.path.join(self.tmp, "summary.json"), os.path.join(self.tmp, "junit.xml")
        results.write_summary(summary, records)
        results.write_junit(junit, records)
        return summary, junit

    def assertXmllintAccepts(self, path):
        if not shutil.which("xmllint"):
            self.skipTest("xmllint is not installed (Debian: libxml2-utils)")
        run = subprocess.run(["xmllint", "--noout", path], capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)

    def test_counters_per_run_first_value_kept(self):
        seed, runs, other = results.read_counters(self.write_counters(TWO_STORMS + "extra word\n"))
        self.assertEqual(seed, 1234)
        self.assertEqual(runs["storm"], [{"forks": 10, "ops_per_sec": 3.25}, {"forks": 20, "ops_per_sec": 4.5}])
        self.assertEqual(runs["walker"][1], {"violations": 0, "first_violation_ms": -1})
        self.assertEqual(other, {"extra": "word"})

    def write_counters(self, text):
        path = os.path.join(self.tmp, "counters")
        fixtures.write(path, text)
        return path

    def test_summary_schema(self):
        records = {"storm-munmap": self.suite("storm-munmap", counters=TWO_STORMS),
                   "boot": self.suite("boot")}
        summary, _ = self.write_both(records)
        data = load_json(summary)
        self.assertEqual(list(data["suites"]), ["storm-munmap", "boot"])
        self.assertEqual(data["totals"]["pass"], 2)
        s = data["suites"]["storm-munmap"]
        self.assertEqual(set(s), {"result", "reason", "duration_s", "seed", "checks", "runs", "counters",
                                  "console_log", "console_tail", "suite_log", "replay"})
        self.assertEqual(len(s["runs"]["storm"]), 2)
        self.assertEqual(s["seed"], 1234)
        self.assertEqual(s["duration_s"], 1.5)
        self.assertEqual(s["checks"][-1]["message"], "runner: " + verdict.RUNNER_OK)

    def test_junit_structure(self):
        records = {"storm-fork": self.suite("storm-fork", exit_code=1, counters=TWO_STORMS,
                                            checks=[("note", "boot: x"), ("pass", "a"), ("fail", "b is 0")],
                                            console=fixtures.BOOT + "last console line\r\n"),
                   "fault-kasan": self.suite("fault-kasan", exit_code=4, checks=[],
                                             suite_verdict=("skip", "needs the KASAN kernel"))}
        _, junit = self.write_both(records)
        root = ET.parse(junit).getroot()
        self.assertEqual(root.tag, "testsuites")
        fork, kasan = root.findall("testsuite")
        self.assertEqual([c.get("name") for c in fork.findall("testcase")],
                         ["a", "b is 0", "runner: nothing to add to the suite's own failed checks"])
        self.assertEqual({c.get("classname") for c in fork.findall("testcase")}, {"storm-fork"})
        self.assertEqual(fork.find("testcase/failure").get("message"), "b is 0")
        self.assertEqual((fork.get("tests"), fork.get("failures")), ("3", "1"))
        props = {p.get("name"): p.get("value") for p in fork.iter("property")}
        self.assertEqual(props["seed"], "1234")
        self.assertEqual(props["result"], "fail")
        self.assertIn("make test TESTS=storm-fork SEED=1234", props["replay"])
        self.assertIn("last console line", fork.findall("testcase")[-1].find("system-out").text)
        self.assertEqual(kasan.find("testcase/skipped").get("message"), "runner: needs the KASAN kernel")
        self.assertEqual((root.get("tests"), root.get("failures"), root.get("skipped")), ("4", "1", "1"))
        self.assertXmllintAccepts(junit)

    def test_hostile_text_stays_valid(self):
        bad = fixtures.HOSTILE
        records = {"hostile": self.suite(
            "hostile", exit_code=1, checks=[("note", bad), ("fail", bad + "\n" + bad)],
            console=b"BUG: <&\"'\x1b[31m\x00\xff\xfe\xc3(\r\n" + bad.encode(),
            counters="seed 7\nstorm.1.text " + bad.replace("\x00", "") + "\n",
            suite_log=b"FAIL: \xff\x1b\x00 <&\n")}
        summary, junit = self.write_both(records)
        data = load_json(summary)
        self.assertIn(bad, data["suites"]["hostile"]["checks"][1]["message"])
        self.assertIn("\\xff", data["suites"]["hostile"]["reason"])
        root = ET.parse(junit).getroot()
        failure = root.find("testsuite/testcase/failure")
        self.assertIn('a<b & c>"d"', failure.get("message"))
        self.assertIn("\\x1b[31mred", failure.get("message"))
        self.assertXmllintAccepts(junit)

    def test_replay_sets_the_make_variables(self):
        environ = {"REPLAY_VARS": "KSRC KASAN FALLBACK_FIX DURATION MEM ARGS", "KASAN": "1", "MEM": "512M",
                   "ARGS": "loglevel=8 x='y z'", "KSRC": "/src/my linux", "DURATION": "", "FALLBACK_FIX": ""}
        record = self.suite("fault-kasan", environ=environ, counters="seed 99\n")
        self.assertEqual(record["replay"], "make test TESTS=fault-kasan SEED=99 KSRC='/src/my linux' KASAN=1 "
                                           "MEM=512M ARGS='loglevel=8 x='\"'\"'y z'\"'\"''")

    def test_replay_without_make(self):
        self.assertEqual(self.suite("boot", counters="")["replay"], "make test TESTS=boot")

    def test_failing_suite_end_to_end(self):
        """A real suite on tests/lib/ (no guest) fails with a hostile reason; the
        runner judges it and writes both files, which stay valid."""
        if not shutil.which("expect"):
            self.skipTest("expect is not installed")
        results_dir = os.path.join(self.tmp, "results")
        directory = os.path.join(results_dir, "hostile")
        done = fixtures.harness("run", "--tests", os.path.join(HERE, "suites"), "--results", results_dir,
                                "hostile", env={"SEED": "5"})
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        lines = done.stdout.splitlines()
        self.assertIn("not ok 1 hostile", [line.split(" # ")[0] for line in lines])
        self.assertEqual(lines[-1], "0 passed, 1 failed, 0 skipped")
        data = load_json(os.path.join(results_dir, "summary.json"))
        hostile = data["suites"]["hostile"]
        self.assertEqual(hostile["reason"], "reason <&\" 'q' \x1b[31mred\x1b[0m nul\x00 tab\t newline\n # SKIP")
        self.assertEqual(hostile["seed"], 5)
        self.assertEqual(hostile["runs"]["storm"], [{"forks": 3, "ops_per_sec": 1.5}, {"forks": 4, "ops_per_sec": 2.5}])
        self.assertEqual(hostile["runs"]["walker"], [{"first_violation_ms": 70, "violations": 0}])
        self.assertEqual([c["status"] for c in hostile["checks"]], ["note", "pass", "fail", "pass"])
        self.assertIn("walker.1.first_violation_ms 70",
                      facts.read_text(os.path.join(directory, "counters")).splitlines())
        junit = os.path.join(results_dir, "junit.xml")
        ET.parse(junit)
        self.assertXmllintAccepts(junit)


if __name__ == "__main__":
    unittest.main()
