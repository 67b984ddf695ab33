# SPDX-License-Identifier: GPL-2.0
"""The harness's verbs, one per step tests/run.sh takes: judge, report, finish; and shard, merge, list, quick, coverage.

usage: PYTHONPATH=tests python3 -m harness VERB ...   (tests/README.md)
Exit status: 0 done (finish, merge: every suite passed), 1 a suite failed
(coverage: a negative control failed), 2 bad usage.
"""

import argparse
import json
import os
import re
import sys

from . import coverage, facts, ktap, lcov, merge, quick, results, shard, suite_list, verdict, workflow


def print_lines(lines):
    sys.stdout.write("".join(line + "\n" for line in lines))
    sys.stdout.flush()


def cmd_judge(args):
    """Judge, and write the suite's KTAP lines next to its record: the report
    then costs the runner a cat, not one more python3 per suite."""
    judgement = verdict.judge(facts.read_facts(args.dir))
    record = results.make_record(args.name, args.dir, judgement, os.environ)
    results.write_record(args.dir, record)
    lines = ktap.suite_lines(args.number, args.name, record, record["result"] in verdict.FAILING)
    with open(os.path.join(args.dir, "ktap.tmp"), "w") as f:
        f.write("".join(line + "\n" for line in lines))
    os.replace(os.path.join(args.dir, "ktap.tmp"), os.path.join(args.dir, "ktap"))
    return 0


def cmd_ktap_header(args):
    print_lines(ktap.header(args.count, results.host_facts()))
    return 0


def finish_lines(out, records):
    totals = results.count(records)
    print_lines(["# results: %s %s" % (os.path.join(out, "summary.json"), os.path.join(out, "junit.xml"))]
                + ktap.totals_lines(totals))
    return 1 if any(totals[v] for v in verdict.FAILING) else 0


def cmd_finish(args):
    records = {name: results.read_record(name, os.path.join(args.results, name)) for name in args.names}
    results.write_summary(os.path.join(args.results, "summary.json"), records, os.environ.get("SHARD", ""))
    results.write_junit(os.path.join(args.results, "junit.xml"), records)
    return finish_lines(args.results, records)


def cmd_shard(args):
    try:
        print_lines(shard.select(args.spec, args.names))
    except shard.ShardError as e:
        print(e, file=sys.stderr)
        return 2
    return 0


def cmd_merge(args):
    for directory in args.dirs:
        if not os.path.exists(os.path.join(directory, "summary.json")):
            print("merge: %s holds no summary.json: name results directories that a "
                  "finished make test wrote" % directory, file=sys.stderr)
            return 2
    return finish_lines(args.out, merge.write(args.out, args.dirs))


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


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="harness", description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    p = verbs.add_parser("judge", help="judge one finished suite: write DIR/result.json "
                         "and DIR/ktap, its KTAP lines as test NUMBER")
    p.add_argument("number", type=int)
    p.add_argument("name")
    p.add_argument("dir")
    p.set_defaults(run=cmd_judge)
    p = verbs.add_parser("ktap-header", help="print the KTAP version line and plan")
    p.add_argument("count", type=int)
    p.set_defaults(run=cmd_ktap_header)
    p = verbs.add_parser("finish", help="write summary.json and junit.xml, print the totals")
    p.add_argument("results")
    p.add_argument("names", nargs="*")
    p.set_defaults(run=cmd_finish)
    p = verbs.add_parser("shard", help="print the suites of shard SPEC (I/N)")
    p.add_argument("spec")
    p.add_argument("names", nargs="*")
    p.set_defaults(run=cmd_shard)
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
