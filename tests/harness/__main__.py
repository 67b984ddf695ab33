# SPDX-License-Identifier: GPL-2.0
"""The harness's verbs: run (make test), and select, merge, list, group, quick, mutate, coverage.

usage: tests/harness.sh VERB ...   (python3 -m harness, tests/README.md)
Exit status: 0 done (run, merge: every suite passed), 1 a suite failed
(coverage: a negative control failed), 2 bad usage, 130 run interrupted.
"""

import argparse
import json
import os
import re
import sys

# Before the modules, whose syntax and calls need it.
if sys.version_info < (3, 11):
    print("harness: python3 is %d.%d; the harness needs 3.11 or later (Debian 12's): install "
          "Debian 12's python3, or set PYTHON to such an interpreter" % sys.version_info[:2], file=sys.stderr)
    sys.exit(2)

from . import coverage, invariants, lcov, merge, mutate_report, quick, results, runner, suite_list, workflow


def print_lines(lines):
    sys.stdout.write("".join(line + "\n" for line in lines))
    sys.stdout.flush()


def cmd_run(args):
    return runner.main(args.tests, args.results, args.names, args.jobs, os.environ.get("SHARD", ""))


def cmd_select(args):
    """The suites a run of NAMES would run under SHARD: make's early check
    of TESTS, SHARD and DURATION, by the runner's own rules."""
    try:
        print_lines(runner.select(args.tests, args.names, os.environ.get("SHARD", ""),
                                  os.environ.get("DURATION", "")))
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


def cmd_group(args):
    try:
        print(" ".join(suite_list.group(args.tests, args.name)))
    except (suite_list.GroupError, OSError) as e:
        print("group: %s" % e, file=sys.stderr)
        return 2
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


def cmd_invariants_check(args):
    texts = invariants.read_tree(args.top)
    problems = invariants.problems(texts.pop("walker/table_walker.h"), texts.pop("walker/README.md"), texts)
    for p in problems:
        print("invariants: " + p, file=sys.stderr)
    return 1 if problems else 0


def cmd_help_check(args):
    with open(args.makefile, encoding="utf-8") as m:
        undocumented = workflow.undocumented_variables(m.read())
    if undocumented:
        print("make check: no '## VAR=DEFAULT: meaning' line (make help) above: " + " ".join(undocumented),
              file=sys.stderr)
    return 1 if undocumented else 0


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


def cmd_mutate_suites(args):
    union = set().union(*(mutate_report.mutant_suites(args.mutants_dir, n, args.default.split())
                          for n in args.names))
    print_lines(sorted(union))
    return 0


def cmd_mutate_run(args):
    print_lines(["  RESULT  " + mutate_report.describe_run(mutate_report.summarize_run(args.run_dir, args.suites))])
    return 0


def cmd_mutate_report(args):
    return mutate_report.report(args.out, args.mutants_dir, args.suites)


def cmd_coverage(args):
    try:
        merged = coverage.by_relative_path(lcov.read(args.merged), args.tree, args.walker_in_tree)
        suite_files = {}
        for name in sorted(os.listdir(args.suite_dir)):
            if name.endswith(".info"):
                suite_files[name[:-5]] = coverage.by_relative_path(
                    lcov.read(os.path.join(args.suite_dir, name)), args.tree, args.walker_in_tree)
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


def add_verb(verbs, name, run, help_text, *arguments):
    """A verb and its arguments: "--opt" (required), "name", "name?",
    "name*" or "name+" (nargs)."""
    p = verbs.add_parser(name, help=help_text)
    for a in arguments:
        if a.startswith("--"):
            p.add_argument(a, required=True)
        elif a[-1] in "?*+":
            p.add_argument(a[:-1], nargs=a[-1])
        else:
            p.add_argument(a)
    p.set_defaults(run=run)
    return p


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="harness", description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    p = add_verb(verbs, "run", cmd_run, "run suites NAMES (default: every one), one guest each: KTAP on "
                 "stdout, results under RESULTS (make test; environment: LINUX INITRAMFS MEM ARGS SHARD ...)",
                 "--tests", "--results", "names*")
    p.add_argument("--jobs", type=jobs, default=1, help="suites at once (default 1)")
    add_verb(verbs, "select", cmd_select, "print the suites run would run of NAMES under SHARD; "
             "exit 2 if either is bad", "--tests", "names*")
    add_verb(verbs, "merge", cmd_merge, "merge results directories into OUT", "out", "dirs+")
    p = add_verb(verbs, "list", cmd_list, "print each suite and its summary header (make list)", "tests")
    p.add_argument("--markdown", action="store_true", help="as the table of docs/how-a-test-flows.md")
    add_verb(verbs, "group", cmd_group, "print the suites of group NAME (tests/suites/groups), one line",
             "--tests", "name")
    add_verb(verbs, "list-check", cmd_list_check, "check DOC's suites table against the suites' headers",
             "tests", "doc")
    add_verb(verbs, "workflow-check", cmd_workflow_check, "check that a CI workflow's make commands name "
             "targets and variables the Makefile has", "workflow", "makefile")
    add_verb(verbs, "invariants-check", cmd_invariants_check, "check that walker/README.md lists "
             "TW_INVARIANTS in order and every 'invariant N' of TOP's docs, walker and suites names the N-th",
             "top")
    add_verb(verbs, "help-check", cmd_help_check, "check that every variable a user may set has its "
             "## line, which make help prints", "makefile")
    add_verb(verbs, "quick-check", cmd_quick_check, "check that PROFILE catches every fault knob (and "
             "every mutant of MUTATE_RESULTS) the full suite catches", "tests", "profile", "mutate_results?")
    add_verb(verbs, "quick-derive", cmd_quick_derive, "print a small profile that catches what make "
             "mutate's MUTATE_RESULTS caught, and every fault knob", "tests", "mutate_results")
    add_verb(verbs, "mutate-suites", cmd_mutate_suites, "the suites that judge mutants NAMES: each one's "
             "Suites: line, else DEFAULT (MUTATE_TESTS); their union", "mutants_dir", "default", "names+")
    add_verb(verbs, "mutate-run", cmd_mutate_run, "one line on one run of the suites under make mutate",
             "run_dir", "suites*")
    add_verb(verbs, "mutate-report", cmd_mutate_report, "make mutate's table, OUT/results.json and exit "
             "status", "out", "mutants_dir", "suites*")
    add_verb(verbs, "coverage", cmd_coverage, "write make coverage's summary.json (OUT) from lcov "
             "tracefiles: MERGED, every suite's; SUITE_DIR, a SUITE.info per suite a negative control "
             "names; PATCHES, the series whose files are reported; TREE, the coverage kernel's source, "
             "with the walker linked in at WALKER_IN_TREE; RESULTS, the suites' run; HTML, genhtml's "
             "index.html", "--tree", "--walker-in-tree", "--results", "--html", "--out", "merged", "suite_dir", "patches*")
    add_verb(verbs, "coverage-controls", cmd_coverage_controls, "print SUITE<TAB>FILE... for each suite "
             "of tests/coverage/controls: its tracefile's files")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
