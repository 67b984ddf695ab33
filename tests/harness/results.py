# SPDX-License-Identifier: GPL-2.0
"""Write the run's results: each suite's record, summary.json and junit.xml.

A suite's record (result.json in its directory) holds everything both files
need, so that merge.py can rebuild them from summary.json files alone. The
schema is in tests/README.md. Text from the guest may hold anything: JSON
escapes it itself (ensure_ascii); for XML 1.0 the characters it cannot carry
at all are written as \\xNN (ElementTree escapes < > & " only).
"""

import json
import os
import re
import shlex
import xml.etree.ElementTree as ET

from . import facts as facts_mod
from . import ktap
from .verdict import FAILING, VERDICTS

SUITE_NAME = "rcu-table-free-appliance"
# One storm's or walker's counters: PREFIX.RUN.key (tests/lib/results.tcl record_counters).
RUN_KEY = re.compile(r"^([A-Za-z0-9_-]+)\.([0-9]+)\.(.+)$")
NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
# Characters XML 1.0 does not allow, even escaped.
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def number_or_text(value):
    if NUMBER.match(value):
        return float(value) if "." in value else int(value)
    return value


def read_counters(path):
    """(seed, runs, other counters) from a suite's "key value" counters file.

    runs: {"storm": [{...first run...}, {...}], "walker": [...]}; a key seen
    twice keeps its first value.
    """
    runs: dict[str, list[dict]] = {}
    other: dict = {}
    for key, value in facts_mod.read_pairs(path).items():
        value = number_or_text(value)
        m = RUN_KEY.match(key)
        if m:
            prefix, run, name = m.group(1), int(m.group(2)), m.group(3)
            series = runs.setdefault(prefix, [])
            while len(series) < run:
                series.append({})
            series[run - 1].setdefault(name, value)
        else:
            other.setdefault(key, value)
    seed = other.pop("seed", None)
    return seed, runs, other


def replay_line(name, seed, environ):
    """make test TESTS=NAME SEED=N and every variable the Makefile named in
    REPLAY_VARS that was set for this run."""
    words = ["make", "test", "TESTS=" + name]
    if seed is not None:
        words.append("SEED=%s" % seed)
    for var in environ.get("REPLAY_VARS", "").split():
        if environ.get(var):
            words.append(var + "=" + shlex.quote(environ[var]))
    return " ".join(words)


def make_record(name, directory, judgement, environ):
    seed, runs, other = read_counters(os.path.join(directory, "counters"))
    runner = facts_mod.read_pairs(os.path.join(directory, "runner"))
    return {
        "result": judgement.verdict,
        "reason": judgement.reason,
        "duration_s": float(runner.get("duration_s") or 0),
        "seed": seed,
        "checks": [{"status": e.status, "message": e.message} for e in judgement.entries],
        "runs": runs,
        "counters": other,
        "console_log": os.path.join(os.path.abspath(directory), "console.log"),
        "console_tail": facts_mod.console_tail(directory),
        "suite_log": (facts_mod.read_text(os.path.join(directory, "suite.log")) or "").splitlines(),
        "replay": replay_line(name, seed, environ),
    }


def write_atomically(path, text):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def write_record(directory, record):
    write_atomically(os.path.join(directory, "result.json"), json.dumps(record, indent=2) + "\n")


def count(records):
    totals = dict.fromkeys(VERDICTS, 0)
    for record in records.values():
        totals[record["result"]] += 1
    return totals


def closing(out_dir, records):
    """The run's last lines (where its files are, the totals) and its exit
    status: 1 if a suite failed, else 0."""
    totals = count(records)
    lines = ["# results: %s %s" % (os.path.join(out_dir, "summary.json"), os.path.join(out_dir, "junit.xml"))]
    return lines + ktap.totals_lines(totals), 1 if any(totals[v] for v in FAILING) else 0


def host_facts():
    """What make doctor found of the host (HOST_FACTS), or None."""
    try:
        with open(os.environ.get("HOST_FACTS", ""), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def write_summary(path, records, shard=""):
    summary = {"schema": 1, "shard": shard, "host": host_facts(), "totals": count(records), "suites": records}
    write_atomically(path, json.dumps(summary, indent=2) + "\n")


def xml_text(text):
    return XML_INVALID.sub(lambda m: "\\x%02x" % ord(m.group()) if ord(m.group()) < 256
                           else "\\u%04x" % ord(m.group()), str(text))


def add_testcase(suite, name, entry):
    case = ET.SubElement(suite, "testcase", classname=xml_text(name), name=xml_text(entry["message"]))
    if entry["status"] == "fail":
        ET.SubElement(case, "failure", message=xml_text(entry["message"])).text = xml_text(entry["message"])
    elif entry["status"] == "skip":
        ET.SubElement(case, "skipped", message=xml_text(entry["message"]))
    return case


def add_testsuite(root, name, record):
    checks = [c for c in record["checks"] if c["status"] != "note"]
    suite = ET.SubElement(root, "testsuite", name=xml_text(name), tests=str(len(checks)),
                          failures=str(sum(c["status"] == "fail" for c in checks)),
                          errors="0", skipped=str(sum(c["status"] == "skip" for c in checks)),
                          time="%.3f" % record["duration_s"])
    props = ET.SubElement(suite, "properties")
    for key in ("result", "reason", "seed", "replay", "console_log"):
        ET.SubElement(props, "property", name=key, value=xml_text("" if record[key] is None else record[key]))
    case = None
    for entry in checks:
        case = add_testcase(suite, name, entry)
    # The last testcase is the runner's: the console's tail goes with it.
    if case is not None:
        ET.SubElement(case, "system-out").text = xml_text(
            "console log: %s (last lines follow)\n%s\n" % (record["console_log"], "\n".join(record["console_tail"])))


def write_junit(path, records):
    root = ET.Element("testsuites", name=SUITE_NAME)
    for name, record in records.items():
        add_testsuite(root, name, record)
    for key in ("tests", "failures", "skipped"):
        root.set(key, str(sum(int(suite.get(key) or 0) for suite in root)))
    ET.indent(root)
    write_atomically(path, ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n")
