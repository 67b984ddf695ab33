# SPDX-License-Identifier: GPL-2.0
"""make coverage's summary on small lcov fixtures: the region, the patched
files, the walker, and that a negative control fails when it should."""

import os
import tempfile
import unittest

from harness import coverage, lcov

TREE = "/k"
# A miniature mm/mmu_gather.c: the RCU table-free part is lines 3-12, with
# a nested #ifdef, and the overflow line is line 10.
MMU_GATHER = """\
void tlb_flush_mmu(void) { }
/* outside */
#ifdef CONFIG_MMU_GATHER_TABLE_FREE
#ifdef CONFIG_MMU_GATHER_TABLE_PROBE
int tlb_table_probe_register(void) { return -EBUSY; }
#endif
void tlb_remove_table(void)
{
	if (nr == MAX_TABLE_BATCH)
		__tlb_table_flush(tlb, true);
}
#endif /* CONFIG_MMU_GATHER_TABLE_FREE */
void tlb_finish_mmu(void) { }
"""


def tracefile(name, overflow_hits):
    """A tracefile as geninfo writes it for one suite."""
    return """TN:%s
SF:/k/mm/mmu_gather.c
DA:1,4
DA:5,0
DA:9,7
DA:10,%d
BRDA:9,0,0,%s
BRDA:9,0,1,7
DA:13,2
end_of_record
SF:/k/mm/table_walker/main.c
DA:3,1
DA:4,0
BRDA:4,0,0,-
BRDA:4,0,1,-
end_of_record
SF:/k/include/asm-generic/tlb.h
DA:20,9
end_of_record
""" % (name, overflow_hits, overflow_hits or "-")


PATCH = """Subject: [PATCH] mm: a change
diff --git a/mm/mmu_gather.c b/mm/mmu_gather.c
--- a/mm/mmu_gather.c
diff --git a/include/asm-generic/tlb.h b/include/asm-generic/tlb.h
diff --git a/mm/Kconfig b/mm/Kconfig
"""

CONTROLS = [
    ["storm-overflow", "executed", "mm/mmu_gather.c", r"__tlb_table_flush\(tlb, true\);"],
    ["storm-fork", "not-executed", "mm/mmu_gather.c", r"__tlb_table_flush\(tlb, true\);"],
    ["storm-exit", "executed", "mm/mmu_gather.c", r"__tlb_table_flush\(tlb, true\);"],
]
REASONS = [["mm/mmu_gather.c", "tlb_table_probe_register", "one walker registers, once"]]


def by_path(text):
    return coverage.by_relative_path(lcov.parse(text), TREE, "mm/table_walker")


class CoverageTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        os.makedirs(os.path.join(self.tmp.name, "mm"))
        with open(os.path.join(self.tmp.name, "mm/mmu_gather.c"), "w") as f:
            f.write(MMU_GATHER)

    def tearDown(self):
        self.tmp.cleanup()

    def summarise(self, suite_files):
        merged = {}
        for files in suite_files.values():
            for path, counts in files.items():
                merged.setdefault(path, lcov.FileCounts()).add(counts)
        suites = {name: {"result": "pass", "tracefile": True} for name in suite_files}
        return coverage.summarise(self.tmp.name, merged, suite_files, [("0001.patch", PATCH)],
                                  suites, CONTROLS, REASONS, "index.html")

    def test_parse_sums_records_and_maps_the_walker(self):
        files = by_path(tracefile("a", 3) + tracefile("b", 0))
        self.assertEqual(files["mm/mmu_gather.c"].lines[10], 3)
        self.assertEqual(files["mm/mmu_gather.c"].lines[9], 14)
        self.assertEqual(files["mm/mmu_gather.c"].branches[(9, 0, 0)], 3)
        self.assertIn("walker/main.c", files)

    def test_region_is_the_ifdef_to_its_own_endif(self):
        self.assertEqual(coverage.ifdef_region(MMU_GATHER.splitlines()), (3, 12))
        with self.assertRaises(coverage.CoverageError):
            coverage.ifdef_region(["int x;", "#endif"])

    def test_region_counts_and_names_each_line_not_executed(self):
        summary = self.summarise({"storm-fork": by_path(tracefile("storm_fork", 0))})
        region = summary["rcu_table_free"]
        self.assertEqual((region["first_line"], region["last_line"]), (3, 12))
        self.assertEqual(region["lines"], {"found": 3, "hit": 1, "percent": 33.3})
        self.assertEqual(region["branches"], {"found": 2, "hit": 1, "percent": 50.0})
        self.assertEqual([(n["line"], n["function"], n["reason"]) for n in region["not_executed"]],
                         [(5, "tlb_table_probe_register", "one walker registers, once"),
                          (10, "tlb_remove_table", None)])

    def test_negative_control_on_a_run_that_skips_the_overflow_path(self):
        summary = self.summarise({"storm-fork": by_path(tracefile("storm_fork", 0))})
        results = {c["suite"]: c["result"] for c in summary["controls"]}
        self.assertEqual(results, {"storm-fork": "pass", "storm-overflow": "not run",
                                   "storm-exit": "not run"})

    def test_controls_fail_when_a_suite_does_other_than_expected(self):
        summary = self.summarise({"storm-fork": by_path(tracefile("storm_fork", 2)),
                                  "storm-overflow": by_path(tracefile("storm_overflow", 5)),
                                  "storm-exit": by_path(tracefile("storm_exit", 0))})
        controls = {c["suite"]: c for c in summary["controls"]}
        self.assertEqual(controls["storm-overflow"]["result"], "pass")
        self.assertEqual(controls["storm-overflow"]["lines"], [10])
        self.assertEqual(controls["storm-fork"]["result"], "fail")
        self.assertIn("expected not executed", controls["storm-fork"]["reason"])
        self.assertEqual(controls["storm-exit"]["result"], "fail")

    def test_a_control_naming_no_line_fails(self):
        record = coverage.judge_control(["s", "executed", "mm/mmu_gather.c", "no such line"],
                                        {"s": by_path(tracefile("s", 1))},
                                        {"mm/mmu_gather.c": MMU_GATHER.splitlines()})
        self.assertEqual(record["result"], "fail")
        self.assertIn("update tests/coverage/controls", record["reason"])

    def test_patched_files_and_walker(self):
        summary = self.summarise({"storm-fork": by_path(tracefile("storm_fork", 0))})
        touched = {e["file"]: e for e in summary["patched_files"]}
        self.assertEqual(sorted(touched), ["include/asm-generic/tlb.h", "mm/Kconfig", "mm/mmu_gather.c"])
        self.assertFalse(touched["mm/Kconfig"]["instrumented"])
        self.assertEqual(touched["include/asm-generic/tlb.h"]["lines"]["hit"], 1)
        self.assertEqual(summary["walker"]["lines"], {"found": 2, "hit": 1, "percent": 50.0})
        self.assertEqual(summary["walker"]["branches"]["hit"], 0)
        self.assertIn("walker/main.c", summary["walker"]["files"])

    def test_text_summary_says_unexplained(self):
        lines = coverage.text_lines(self.summarise({"storm-fork": by_path(tracefile("storm_fork", 0))}))
        self.assertTrue(any("not executed: 10" in line and "UNEXPLAINED" in line for line in lines))
        self.assertTrue(any("negative controls: 1 passed, 0 failed, 2 not run" in line for line in lines))

    def test_each_control_suite_captures_the_files_its_controls_name(self):
        controls = CONTROLS + [["storm-fork", "executed", "mm/mmu_gather.c", "x"],
                               ["storm-fork", "executed", "include/asm-generic/tlb.h", "y"]]
        self.assertEqual(coverage.control_files(controls),
                         [("storm-exit", ["mm/mmu_gather.c"]),
                          ("storm-fork", ["mm/mmu_gather.c", "include/asm-generic/tlb.h"]),
                          ("storm-overflow", ["mm/mmu_gather.c"])])

    def test_a_suite_wrote_counters_when_a_gcda_is_under_its_gcov(self):
        deep = os.path.join(self.tmp.name, "storm-fork/gcov/k/build/mm")
        os.makedirs(deep)
        os.makedirs(os.path.join(self.tmp.name, "boot/gcov/k/build/mm"))
        open(os.path.join(deep, "mmu_gather.gcda"), "w").close()
        self.assertTrue(coverage.wrote_counters(self.tmp.name, "storm-fork"))
        self.assertFalse(coverage.wrote_counters(self.tmp.name, "boot"))
        self.assertFalse(coverage.wrote_counters(self.tmp.name, "storm-exit"))

    def test_the_project_fact_files_parse(self):
        controls = coverage.read_facts(coverage.CONTROLS, 4)
        self.assertIn("storm-fork", [c[0] for c in controls])
        coverage.read_facts(coverage.REASONS, 3)


if __name__ == "__main__":
    unittest.main()
