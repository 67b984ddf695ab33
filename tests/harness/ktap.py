# SPDX-License-Identifier: GPL-2.0
"""Render suite records as KTAP version 1 (Documentation/dev-tools/ktap.rst).

Each suite is a test whose checks are nested subtests, in kunit's layout
(KTAP version line, "# Subtest: NAME", plan), the runner's own check last.
Text from the guest is made safe for a terminal and for KTAP parsers:
control characters become \\xNN, and a '#' in a description becomes \\x23,
since a '#' there starts a directive (a check message holding "# SKIP" would
otherwise skip it).
"""

import re

from .verdict import FAILING, VERDICTS

INDENT = "    "
CONTROL = re.compile("[\x00-\x1f\x7f]")
# What kunit_parser.py reads as structure even inside a diagnostic line: a
# subtest header, and the lines that end KTAP output (searched anywhere).
PARSER_PHRASES = re.compile(r"^Subtest:|List of all partitions:|Kernel panic - not syncing: VFS:"
                            r"|reboot: System halted")
DIRECTIVES = {"xfail": "XFAIL", "skip": "SKIP"}
LOG_TAIL = 15


def printable(text):
    return CONTROL.sub(lambda m: "\\x%02x" % ord(m.group()), str(text))


def defuse(match):
    return match.group().replace(":", " :", 1)


def safe(text):
    return PARSER_PHRASES.sub(defuse, printable(text))


def description(text):
    """A result line's description: never empty (the parser needs one), no '#'."""
    return safe(text).replace("#", "\\x23").strip() or "(no message)"


def diagnostic(text, indent=""):
    return ("%s# %s" % (indent, safe(text))).rstrip()


def result_line(number, status, text, reason="", indent=""):
    ok = "ok" if status in ("pass", "xfail", "skip") else "not ok"
    line = "%s%s %d %s" % (indent, ok, number, description(text))
    if status in DIRECTIVES:
        line += " # " + DIRECTIVES[status] + (" " + description(reason) if reason else "")
    elif reason:
        line += " # " + description(reason)
    return line.rstrip()


def header(count, host=None):
    """The version line, the host facts as a diagnostic line, the plan."""
    facts = ["# host: %s; XSAVE %s bytes%s; kernel %s" % (
        host["cpu"], host["xsave_bytes"], " (simulated)" if host.get("xsave_simulated") else "",
        host["host_kernel"])] if host else []
    return ["KTAP version 1"] + facts + ["1..%d" % count]


def check_lines(name, checks):
    lines, number = [], 0
    for check in checks:
        if check["status"] == "note":
            lines.append(diagnostic(check["message"], INDENT))
            continue
        number += 1
        text = check["message"]
        # kunit ends a subtest early at a line named like the subtest itself.
        if description(text) == description(name):
            text += " (check)"
        lines.append(result_line(number, check["status"], text, indent=INDENT))
    return number, lines


def suite_lines(number, name, record, failing):
    count, body = check_lines(name, record["checks"])
    lines = [INDENT + "KTAP version 1", "%s# Subtest: %s" % (INDENT, description(name)),
             "%s1..%d" % (INDENT, count)] + body
    if failing:
        lines.append(diagnostic("reason: " + record["reason"]))
        if record["suite_log"]:
            lines.append(diagnostic("suite log (last lines follow):"))
            lines += [diagnostic("  " + line) for line in record["suite_log"][-LOG_TAIL:]]
        lines.append(diagnostic("console log: %s (last lines follow)" % record["console_log"]))
        lines += [diagnostic("  " + line) for line in record["console_tail"][-LOG_TAIL:]]
        lines.append(diagnostic("replay: " + record["replay"]))
        lines.append(result_line(number, "fail", name))
    else:
        lines.append(result_line(number, record["result"], name, record["reason"]))
    return lines


def totals_lines(totals):
    passed = totals["pass"] + totals["xfail"]
    failed = sum(totals[v] for v in FAILING)
    return ["# Totals: " + " ".join("%s:%d" % (k, totals[k]) for k in VERDICTS),
            "%d passed, %d failed, %d skipped" % (passed, failed, totals["skip"])]
