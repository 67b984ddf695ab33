# SPDX-License-Identifier: GPL-2.0
"""make coverage's summary: line and branch coverage of the RCU table-free code
of mm/mmu_gather.c, of each file the patch series touches and of the walker,
and the negative controls, read from lcov tracefiles (tests/README.md)."""

import json
import os
import re

from . import lcov, paths

CONTROLS = paths.COVERAGE_CONTROLS
REASONS = paths.COVERAGE_REASONS

TABLE_FREE_FILE = "mm/mmu_gather.c"
TABLE_FREE_START = re.compile(r"^\s*#\s*ifdef\s+CONFIG_MMU_GATHER_TABLE_FREE\b")


class CoverageError(Exception):
    """A fact file or a source does not say what the summary needs."""


def read_facts(path, fields):
    """The TAB-separated lines of a fact file, # comments and blank lines
    skipped; each must have FIELDS fields."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            row = line.split("\t")
            if len(row) != fields:
                raise CoverageError("%s:%d: %d TAB-separated fields, not %d: %r"
                                    % (path, number, fields, len(row), line))
            rows.append(row)
    return rows


def control_files(controls):
    """[(suite, [file, ...])]: the files each suite's negative controls look
    at, which its own tracefile must hold (tests/coverage/coverage.sh captures those
    only)."""
    out: dict = {}
    for suite, _, file, _ in controls:
        out.setdefault(suite, [])
        if file not in out[suite]:
            out[suite].append(file)
    return sorted(out.items())


def wrote_counters(results, suite):
    """Whether a guest of SUITE wrote gcov counters: a .gcda file under
    RESULTS/SUITE/gcov (GCOV_PREFIX)."""
    for _, _, names in os.walk(os.path.join(results, suite, "gcov")):
        if any(name.endswith(".gcda") for name in names):
            return True
    return False


def relative_path(path, tree, walker_in_tree):
    """A tracefile's source path as the project names it: relative to the
    kernel tree, the built-in walker (linked into the tree at
    WALKER_IN_TREE, the Makefile's) as walker/FILE."""
    prefix = tree.rstrip("/") + "/"
    if path.startswith(prefix):
        path = path[len(prefix):]
    walker = walker_in_tree.rstrip("/") + "/"
    if path.startswith(walker):
        path = "walker/" + path[len(walker):]
    return path


def by_relative_path(files, tree, walker_in_tree):
    out: dict = {}
    for path, counts in files.items():
        out.setdefault(relative_path(path, tree, walker_in_tree), lcov.FileCounts()).add(counts)
    return out


def ifdef_region(source_lines, start=TABLE_FREE_START):
    """(first, last) line numbers, from 1, of the first line matching START
    to its own #endif, nested #if blocks skipped."""
    first = None
    depth = 0
    for number, line in enumerate(source_lines, 1):
        if first is None:
            if start.search(line):
                first, depth = number, 1
            continue
        if re.match(r"^\s*#\s*if", line):
            depth += 1
        elif re.match(r"^\s*#\s*endif\b", line):
            depth -= 1
            if depth == 0:
                return first, number
    if first is None:
        raise CoverageError("no line matching %r: the RCU table-free code moved; "
                            "update TABLE_FREE_START in tests/harness/coverage.py" % start.pattern)
    raise CoverageError("no #endif closes the #ifdef at line %d" % first)


def percent(hit, found):
    return round(100.0 * hit / found, 1) if found else None


def counts(file_counts, first=1, last=None):
    """Lines and branches found and hit in FILE_COUNTS, within [FIRST, LAST]."""
    def inside(line):
        return line >= first and (last is None or line <= last)
    lines = [c for n, c in file_counts.lines.items() if inside(n)]
    branches = [t for (n, _, _), t in file_counts.branches.items() if inside(n)]
    line_hit = sum(1 for c in lines if c > 0)
    branch_hit = sum(1 for t in branches if t > 0)
    return {"lines": {"found": len(lines), "hit": line_hit, "percent": percent(line_hit, len(lines))},
            "branches": {"found": len(branches), "hit": branch_hit,
                         "percent": percent(branch_hit, len(branches))}}


def add_counts(a, b):
    out = {}
    for kind in ("lines", "branches"):
        found = a[kind]["found"] + b[kind]["found"]
        hit = a[kind]["hit"] + b[kind]["hit"]
        out[kind] = {"found": found, "hit": hit, "percent": percent(hit, found)}
    return out


def patched_files(patch_texts):
    """{file: [patch, ...]} from the 'diff --git a/X b/Y' lines of each patch."""
    files: dict[str, list[str]] = {}
    for name, text in patch_texts:
        for m in re.finditer(r"^diff --git a/\S+ b/(\S+)$", text, re.M):
            files.setdefault(m.group(1), [])
            if name not in files[m.group(1)]:
                files[m.group(1)].append(name)
    return dict(sorted(files.items()))


def enclosing_function(source_lines, number):
    """The name of the C function whose definition starts at or above line
    NUMBER: the nearest line opening at column 0 with NAME( and no ';'."""
    for line in reversed(source_lines[:number]):
        m = re.match(r"^[A-Za-z_][\w \t*]*?\b(\w+)\s*\(", line)
        if m and not line.rstrip().endswith(";"):
            return m.group(1)
    return None


def reason_for(file, function, reasons):
    for reason_file, reason_function, reason in reasons:
        if reason_file == file and reason_function == function:
            return reason
    return None


def not_executed(file_counts, first, last, source_lines, file, reasons):
    """Each instrumented line of [FIRST, LAST] that never ran, with its
    function and the reason tests/coverage/reasons gives for that function
    (None: unexplained)."""
    out = []
    for number in sorted(file_counts.lines):
        if first <= number <= last and file_counts.lines[number] == 0:
            source = source_lines[number - 1].strip() if number <= len(source_lines) else ""
            function = enclosing_function(source_lines, number)
            out.append({"line": number, "source": source, "function": function,
                        "reason": reason_for(file, function, reasons)})
    return out


def judge_control(control, suite_files, sources):
    """One negative control: the lines of FILE matching REGEX that the
    tracefile instruments, and whether SUITE ran them as EXPECTed."""
    suite, expect, file, pattern = control
    record = {"suite": suite, "expect": expect, "file": file, "pattern": pattern,
              "lines": [], "hits": 0}
    if expect not in ("executed", "not-executed"):
        raise CoverageError("tests/coverage/controls: EXPECT %r for %s: use executed or not-executed"
                            % (expect, suite))
    if suite not in suite_files:
        record["result"] = "not run"
        return record
    file_counts = suite_files[suite].get(file)
    source = sources.get(file, [])
    matching = [n for n, text in enumerate(source, 1) if re.search(pattern, text)]
    lines = [n for n in matching if file_counts and n in file_counts.lines]
    record["lines"] = lines
    if not lines:
        record["result"] = "fail"
        record["reason"] = ("no instrumented line of %s matches %r: the code moved; "
                            "update tests/coverage/controls" % (file, pattern))
        return record
    record["hits"] = sum(file_counts.lines[n] for n in lines)
    ran = record["hits"] > 0
    record["result"] = "pass" if ran == (expect == "executed") else "fail"
    if record["result"] == "fail":
        record["reason"] = "%s ran line %s %d times, expected %s" % (
            suite, ",".join(map(str, lines)), record["hits"], expect.replace("-", " "))
    return record


def read_source(tree, file):
    path = os.path.join(tree, file)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def summarise(tree, merged, suite_files, patches, suites, controls, reasons, html):
    """The summary.json object (tests/README.md): MERGED and each of
    SUITE_FILES map relative paths to FileCounts."""
    sources = {TABLE_FREE_FILE: read_source(tree, TABLE_FREE_FILE)}
    first, last = ifdef_region(sources[TABLE_FREE_FILE])
    table_free = merged.get(TABLE_FREE_FILE, lcov.FileCounts())
    region = {"file": TABLE_FREE_FILE, "first_line": first, "last_line": last}
    region.update(counts(table_free, first, last))
    region["not_executed"] = not_executed(table_free, first, last, sources[TABLE_FREE_FILE],
                                          TABLE_FREE_FILE, reasons)
    touched = []
    for file, names in patched_files(patches).items():
        entry = {"file": file, "patches": names, "instrumented": file in merged}
        if file in merged:
            entry.update(counts(merged[file]))
        touched.append(entry)
    walker_files = {f: counts(c) for f, c in sorted(merged.items()) if f.startswith("walker/")}
    total = counts(lcov.FileCounts())
    for c in walker_files.values():
        total = add_counts(total, c)
    for control in controls:
        sources.setdefault(control[2], read_source(tree, control[2]))
    return {
        "schema": 1,
        "html": html,
        "suites": suites,
        "rcu_table_free": region,
        "patched_files": touched,
        "walker": {"files": walker_files, **total},
        "controls": [judge_control(c, suite_files, sources) for c in controls],
    }


def show(counts_):
    def one(kind):
        c = counts_[kind]
        if not c["found"]:
            return "%s -" % kind
        return "%s %5.1f%% (%d/%d)" % (kind, c["percent"], c["hit"], c["found"])
    return "%-26s %s" % (one("lines"), one("branches"))


def text_lines(summary):
    """The short text summary make coverage prints at the end."""
    region = summary["rcu_table_free"]
    out = ["coverage of %d suites: %s" % (len(summary["suites"]), summary["html"]),
           "  RCU table-free code, %s:%d-%d  %s" % (region["file"], region["first_line"],
                                                     region["last_line"], show(region))]
    for line in region["not_executed"]:
        out.append("    not executed: %d %s(): %s  -- %s" % (
            line["line"], line["function"], line["source"], line["reason"] or "UNEXPLAINED"))
    out.append("  files the patch series touches:")
    for entry in summary["patched_files"]:
        shown = show(entry) if entry["instrumented"] else "(no compiled code)"
        out.append("    %-40s %s" % (entry["file"], shown))
    out.append("  walker (%d files)%s %s" % (len(summary["walker"]["files"]), " " * 23,
                                              show(summary["walker"])))
    results = [c["result"] for c in summary["controls"]]
    out.append("  negative controls: %d passed, %d failed, %d not run" % (
        results.count("pass"), results.count("fail"), results.count("not run")))
    for c in summary["controls"]:
        where = "%s:%s" % (c["file"], ",".join(map(str, c["lines"])) or "?")
        out.append("    %-7s %s %s %s (%d hits)%s" % (
            {"pass": "ok", "fail": "not ok", "not run": "skip"}[c["result"]], c["suite"],
            c["expect"], where, c["hits"], ": " + c["reason"] if c.get("reason") else ""))
    return out


def write(path, summary):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)
