# SPDX-License-Identifier: GPL-2.0
"""tests/coverage/coverage-merge.sh on a real gcov program: counters summed by
gcov-tool then read by lcov once give the same line and branch counts as
lcov reading each run and adding the tracefiles (what make coverage did
before), a .gcda that one run lacks included."""

import os
import shutil
import subprocess
import tempfile
import unittest

from . import lcov, paths

MERGE = os.path.join(paths.TESTS, "coverage", "coverage-merge.sh")
LCOV = ["lcov", "--quiet", "--rc", "lcov_branch_coverage=1"]
MAIN = """\
int step(int n);
int main(int argc, char **argv)
{
	int i, sum = 0;

	for (i = 0; i < argc * 3; i++)
		sum += step(i);
	if (argc > 2)
		return sum & 1;
	return 0;
}
"""
STEP = """\
int step(int n)
{
	if (n % 2)
		return n;
	return -n;
}
"""


@unittest.skipUnless(all(shutil.which(t) for t in ("gcc", "gcov-tool", "lcov")),
                     "needs gcc, gcov-tool and lcov (Debian's gcc and lcov)")
class CoverageMergeTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.obj = os.path.join(self.tmp.name, "obj")
        os.makedirs(self.obj)
        for name, text in (("main.c", MAIN), ("step.c", STEP)):
            with open(os.path.join(self.obj, name), "w") as f:
                f.write(text)
        # Compiled apart, so that the counters are main.gcda and step.gcda.
        subprocess.run(["gcc", "--coverage", "-O0", "-c", "main.c", "step.c"], cwd=self.obj, check=True)
        subprocess.run(["gcc", "--coverage", "-o", "prog", "main.o", "step.o"], cwd=self.obj, check=True)

    def tearDown(self):
        self.tmp.cleanup()

    def run_prog(self, name, *args):
        """The .gcda tree one run writes under GCOV_PREFIX, as a guest's."""
        prefix = os.path.join(self.tmp.name, name)
        env = dict(os.environ, GCOV_PREFIX=prefix)
        subprocess.run([os.path.join(self.obj, "prog"), *args], env=env, check=False)
        return prefix + self.obj

    def capture(self, tree, name):
        for f in os.listdir(tree):
            if f.endswith(".gcda"):
                os.symlink(os.path.join(self.obj, f[:-5] + ".gcno"),
                           os.path.join(tree, f[:-5] + ".gcno"))
        info = os.path.join(self.tmp.name, name + ".info")
        subprocess.run(LCOV + ["--capture", "--directory", tree, "--test-name", name,
                               "--output-file", info], check=True, capture_output=True)
        return info

    def test_merged_counters_read_once_equal_the_tracefiles_added(self):
        trees = [self.run_prog("a"), self.run_prog("b", "x", "y"), self.run_prog("c", "x")]
        os.remove(os.path.join(trees[2], "step.gcda"))
        merged = os.path.join(self.tmp.name, "merged")
        subprocess.run([MERGE, merged] + trees, check=True)
        once = lcov.read(self.capture(merged, "merged"))

        added = os.path.join(self.tmp.name, "added.info")
        args = []
        for n, tree in enumerate(trees):
            args += ["--add-tracefile", self.capture(tree, "t%d" % n)]
        subprocess.run(LCOV + args + ["--output-file", added], check=True, capture_output=True)
        each = lcov.read(added)

        self.assertEqual(sorted(once), sorted(each))
        for path in once:
            self.assertEqual(once[path].lines, each[path].lines, path)
            self.assertEqual(once[path].branches, each[path].branches, path)
        step = once[os.path.join(self.obj, "step.c")]
        self.assertEqual(step.lines[3], 3 + 9)

    def test_one_tree_is_copied(self):
        merged = os.path.join(self.tmp.name, "merged")
        subprocess.run([MERGE, merged, self.run_prog("a")], check=True)
        self.assertTrue(os.path.exists(os.path.join(merged, "step.gcda")))


if __name__ == "__main__":
    unittest.main()
