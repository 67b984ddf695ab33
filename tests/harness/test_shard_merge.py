# SPDX-License-Identifier: GPL-2.0
"""Unit tests of SHARD=I/N and of merging results directories."""

import os
import shutil
import tempfile
import unittest

from . import facts, fixtures, merge, paths, results, shard, verdict
from .fixtures import harness
from .test_results import load_json

TESTS = paths.SUITES

SUITES = ["boot", "kernel-config", "selftest-warning", "storm-exit", "storm-fork", "storm-munmap", "walker-irq"]


class ShardTest(unittest.TestCase):
    def test_shards_cover_every_suite_once(self):
        for n in range(1, 9):
            shares = [shard.select("%d/%d" % (i, n), SUITES) for i in range(1, n + 1)]
            self.assertEqual(sorted(sum(shares, [])), sorted(SUITES), n)

    def test_deterministic_and_in_order(self):
        self.assertEqual(shard.select("2/3", SUITES), ["kernel-config", "storm-fork"])
        self.assertEqual(shard.select("1/1", SUITES), SUITES)

    def test_more_shards_than_suites(self):
        self.assertEqual(shard.select("9/9", SUITES), [])

    def test_bad_values(self):
        for spec in ["", "0/3", "4/3", "1/0", "a/b", "1", "1/2/3", "-1/2", " 1/2", "1/2 "]:
            with self.subTest(spec=spec):
                self.assertRaises(shard.ShardError, shard.parse, spec)

    def test_cli_usage_and_status(self):
        bad = harness("select", "--tests", TESTS, "boot", env={"SHARD": "3/2"})
        self.assertEqual(bad.returncode, 2)
        self.assertIn("SHARD=3/2: use SHARD=I/N", bad.stderr)
        good = harness("select", "--tests", TESTS, "boot", "storm-fork", "walker-irq", env={"SHARD": "1/2"})
        self.assertEqual((good.returncode, good.stdout), (0, "boot\nwalker-irq\n"))


class MergeTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def run_dir(self, label, suites):
        """A results directory as the runner leaves it."""
        out = os.path.join(self.tmp, label)
        records = {}
        for name, kw in suites.items():
            directory = fixtures.make_suite_dir(os.path.join(out, name), **kw)
            records[name] = results.make_record(name, directory, verdict.judge(facts.read_facts(directory)), {})
        results.write_summary(os.path.join(out, "summary.json"), records)
        return out

    def test_merge_two_shards(self):
        a = self.run_dir("a", {"boot": {}, "storm-fork": dict(exit_code=1, checks=[("fail", "x")])})
        b = self.run_dir("b", {"kernel-config": {}, "boot": {}})
        out = os.path.join(self.tmp, "merged")
        done = harness("merge", out, a, b)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertEqual(done.stdout.splitlines()[-1], "3 passed, 1 failed, 0 skipped")
        data = load_json(os.path.join(out, "summary.json"))
        self.assertEqual(list(data["suites"]), ["boot", "storm-fork", "kernel-config", "boot~2"])
        self.assertEqual(data["totals"]["fail"], 1)
        with open(os.path.join(out, "junit.xml")) as f:
            self.assertEqual(f.read().count("<testsuite "), 4)

    def test_merge_reads_summaries_only(self):
        a = self.run_dir("a", {"boot": {}})
        shutil.rmtree(os.path.join(a, "boot"))
        self.assertEqual(list(merge.merge([a])), ["boot"])

    def test_missing_summary(self):
        self.assertRaises(FileNotFoundError, merge.merge, [self.tmp])


if __name__ == "__main__":
    unittest.main()
