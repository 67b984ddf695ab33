# SPDX-License-Identifier: GPL-2.0
"""The harness's verbs: run (make test), and select, shard, merge, list, quick, coverage.

usage: PYTHONPATH=tests python3 -m harness VERB ...   (tests/README.md)
Exit status: 0 done (finish, merge: every suite passed), 1 a suite failed
(coverage: a negative control failed), 2 bad usage.
"""

import argparse
import json
import os
import re
import sys

from . import coverage, lcov, merge, quick, results, runner, suite_list, workflow


def print_lines(lines):
    sys.stdout.write("".join(line + "\n" for line in lines))
    sys.stdout.flush()


def cmd_run(args):
    return runner.main(args.tests, args.results, args.names, args.jobs, os.environ.get("SHARD", ""))


def cmd_select(args):
    """The suites a run of NAMES would run under SHARD: make's early check
    of TESTS and SHARD, by the runner's own rules."""
    try:
        print_lines(runner.select(args.tests, args.names, os.environ.get("SHARD", "")))
    except runner.UsageError as e:
        print(e, file=sys.stderr)
        return 2
    return 0


def cmd_merge(args):
    for directory in args.dirs:
        if not os.path.exists(os.path.join(directory, "summary.json")):
            print("merge: %s holds no summary.json: name results directories that a "
                  "finished make test wrote" % directory, file=sys.stderr)
            return 2
    lines, status = results.closing(args.out, merge.write(args.out, args.dirs))
    print_lines(lines)
    return status


def cmd_list(args):
    if args.markdown:
        print_lines(suite_list.markdown(args.tests))
    else:
        pairs = suite_list.summaries(args.tests)
        width = max(len(n) for n, _ in pairs)
        print_lines(["%-*s  %s" % (width, n, re.sub(r"`|\*\*", "", s or "").replace("\\|", "|")) for n, s in pairs])
    return 0


def cmd_list_check(args):
    problems = suite_list.doc_problems(args.tests, args.doc)
    for p in problems:
        print("list: " + p, file=sys.stderr)
    return 1 if problems else 0


def cmd_workflow_check(args):
    with open(args.workflow, encoding="utf-8") as w, open(args.makefile, encoding="utf-8") as m:
        problems = workflow.problems(w.read(), m.read(), args.workflow)
    for p in problems:
        print("workflow: " + p, file=sys.stderr)
    return 1 if problems else 0


def cmd_quick_check(args):
    profile = quick.read_profile(args.profile)
    problems = quick.static_problems(args.tests, profile)
    if args.mutate_results:
        problems += quick.mutant_problems(quick.load_results(args.mutate_results), profile)
    for p in problems:
        print("quick profile: " + p, file=sys.stderr)
    return 1 if problems else 0


def cmd_quick_derive(args):
    results_ = quick.load_results(args.mutate_results)
    seconds = quick.suite_seconds(results_)
    for suite, why in quick.derive(results_, args.tests):
        print("%s\t# %s s; %s" % (suite, "%.0f" % seconds[suite] if suite in seconds else "?", ", ".join(why)))
    return 0


def cmd_coverage(args):
    try:
        merged = coverage.by_relative_path(lcov.read(args.merged), args.tree)
        suite_files = {}
        for name in sorted(os.listdir(args.suite_dir)):
            if name.endswith(".info"):
                suite_files[name[:-5]] = coverage.by_relative_path(
                    lcov.read(os.path.join(args.suite_dir, name)), args.tree)
        patches = []
        for path in args.patches:
            with open(path, encoding="utf-8", errors="replace") as f:
                patches.append((os.path.basename(path), f.read()))
        with open(os.path.join(args.results, "summary.json"), encoding="utf-8") as f:
            run = json.load(f)["suites"]
        suites = {name: {"result": run[name]["result"],
                         "tracefile": coverage.wrote_counters(args.results, name)}
                  for name in run}
        summary = coverage.summarise(args.tree, merged, suite_files, patches, suites,
                                     coverage.read_facts(coverage.CONTROLS, 4),
                                     coverage.read_facts(coverage.REASONS, 3), args.html)
    except (coverage.CoverageError, OSError, ValueError, KeyError) as e:
        print("coverage: %s" % e, file=sys.stderr)
        return 2
    coverage.write(args.out, summary)
    print_lines(coverage.text_lines(summary) + ["  summary: %s" % args.out])
    return 1 if any(c["result"] == "fail" for c in summary["controls"]) else 0


def cmd_coverage_controls(args):
    try:
        controls = coverage.read_facts(coverage.CONTROLS, 4)
    except (coverage.CoverageError, OSError) as e:
        print("coverage: %s" % e, file=sys.stderr)
        return 2
    print_lines("%s\t%s" % (suite, " ".join(files))
                for suite, files in coverage.control_files(controls))
    return 0


def jobs(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("JOBS=%s: use a number of suites at once, 1 or more" % text)
    return int(text)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="harness", description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    p = verbs.add_parser("run", help="run suites, one guest each: KTAP on stdout, results under "
                         "RESULTS (make test; environment: LINUX INITRAMFS MEM ARGS SHARD ...)")
    p.add_argument("--tests", required=True, help="the folder of the suites (NAME.exp)")
    p.add_argument("--results", required=True, help="where each suite's directory and the reports go")
    p.add_argument("--jobs", type=jobs, default=1, help="suites at once (default 1)")
    p.add_argument("names", nargs="*", help="the suites to run (default: every one)")
    p.set_defaults(run=cmd_run)
    p = verbs.add_parser("select", help="print the suites run would run of NAMES under SHARD; exit 2 if either is bad")
    p.add_argument("--tests", required=True)
    p.add_argument("names", nargs="*")
    p.set_defaults(run=cmd_select)
    p = verbs.add_parser("merge", help="merge results directories into OUT")
    p.add_argument("out")
    p.add_argument("dirs", nargs="+")
    p.set_defaults(run=cmd_merge)
    p = verbs.add_parser("list", help="print each suite and its summary header (make list)")
    p.add_argument("tests")
    p.add_argument("--markdown", action="store_true", help="as the table of docs/how-a-test-flows.md")
    p.set_defaults(run=cmd_list)
    p = verbs.add_parser("list-check", help="check DOC's suites table against the suites' headers")
    p.add_argument("tests")
    p.add_argument("doc")
    p.set_defaults(run=cmd_list_check)
    p = verbs.add_parser("workflow-check", help="check that a CI workflow's make commands name "
                         "targets and variables the Makefile has")
    p.add_argument("workflow")
    p.add_argument("makefile")
    p.set_defaults(run=cmd_workflow_check)
    p = verbs.add_parser("quick-check", help="check that PROFILE catches every fault knob "
                         "(and every mutant of MUTATE_RESULTS) the full suite catches")
    p.add_argument("tests")
    p.add_argument("profile")
    p.add_argument("mutate_results", nargs="?")
    p.set_defaults(run=cmd_quick_check)
    p = verbs.add_parser("quick-derive", help="print a small profile that catches what "
                         "make mutate's MUTATE_RESULTS caught, and every fault knob")
    p.add_argument("tests")
    p.add_argument("mutate_results")
    p.set_defaults(run=cmd_quick_derive)


    p = verbs.add_parser("coverage", help="write make coverage's summary.json from lcov tracefiles")
    p.add_argument("--tree", required=True, help="the coverage kernel's source tree")
    p.add_argument("--results", required=True, help="the results directory of the suites' run")
    p.add_argument("--html", required=True, help="genhtml's index.html, for the summary")
    p.add_argument("--out", required=True, help="the summary.json to write")
    p.add_argument("merged", help="the tracefile of every suite merged")
    p.add_argument("suite_dir", help="a directory of SUITE.info tracefiles, one per suite "
                   "that a negative control names")
    p.add_argument("patches", nargs="*", help="the patch series, whose files are reported")
    p.set_defaults(run=cmd_coverage)
    p = verbs.add_parser("coverage-controls", help="print SUITE<TAB>FILE... for each suite "
                         "of tests/harness/coverage-controls: its tracefile's files")
    p.set_defaults(run=cmd_coverage_controls)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
