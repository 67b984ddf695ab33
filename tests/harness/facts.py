# SPDX-License-Identifier: GPL-2.0
"""Read what one suite left in its result directory into the facts verdict.judge() weighs.

The directory holds what three parties wrote: the suite (tests/lib/results.tcl:
checks, suite-verdict, counters, suite.log), the guest (console.log) and the
runner (runner.py: runner, flood). Nothing here decides anything.
"""

import os
import re
from dataclasses import dataclass, field

from .suite_list import DEFAULT_TIMEOUT_S

HERE = os.path.dirname(os.path.abspath(__file__))
# The line UML prints when the guest powers itself off.
POWER_DOWN = "reboot: Power down"


@dataclass(frozen=True)
class Entry:
    """One line of the suite's checks file: a check (pass, fail) or a note;
    after judging also xfail (a failure a negative control expects) or skip."""
    status: str
    message: str


@dataclass(frozen=True)
class Crash:
    label: str
    tolerated_by_xfail: bool
    line: str

    def __str__(self) -> str:
        return "%s: %s" % (self.label, self.line[:160])


@dataclass
class Facts:
    exit_code: int | None = None
    limit_s: int = DEFAULT_TIMEOUT_S
    expect_failure: str = ""
    survivor: str = ""
    flood: str = ""
    entries: list[Entry] = field(default_factory=list)
    suite_verdict: str = ""
    suite_reason: str = ""
    console_seen: bool = False
    powered_off: bool = False
    crash: Crash | None = None


def read_text(path: str) -> str | None:
    """A file as text whatever its bytes: invalid UTF-8 becomes \\xNN."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "backslashreplace")
    except FileNotFoundError:
        return None


def read_pairs(path: str) -> dict[str, str]:
    """"key value" lines into a dict; the first of a repeated key is kept."""
    pairs = {}
    for line in (read_text(path) or "").splitlines():
        key, _, value = line.partition(" ")
        if key and key not in pairs:
            pairs[key] = value.strip()
    return pairs


_ESCAPE = re.compile(r"\\(\\|t|n|r|x[0-9a-fA-F]{2})")


def unescape(text: str) -> str:
    """Undo tests/lib/results.tcl's escaping of a checks-file message."""
    def one(m: re.Match) -> str:
        c = m.group(1)
        return {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}.get(c) or chr(int(c[1:], 16))
    return _ESCAPE.sub(one, text)


def read_entries(path: str) -> list[Entry]:
    entries = []
    for line in (read_text(path) or "").splitlines():
        status, _, message = line.partition("\t")
        entries.append(Entry(status, unescape(message)))
    return entries


def load_crash_patterns(path: str = os.path.join(HERE, "crash-patterns")) -> list[tuple[str, bool, re.Pattern]]:
    """(label, tolerated_by_xfail, compiled regex) in file order."""
    patterns = []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        label, xfail, regex = line.split("\t", 2)
        patterns.append((label, xfail == "tolerated", re.compile(regex)))
    return patterns


CRASH_PATTERNS = load_crash_patterns()


def scan_console(text: str) -> Crash | None:
    """The first crash pattern (in file order) found anywhere in the console."""
    lines = text.replace("\r", "").splitlines()
    for label, tolerated, regex in CRASH_PATTERNS:
        for line in lines:
            if regex.search(line):
                return Crash(label, tolerated, line)
    return None


def console_tail(directory: str, lines: int = 30) -> list[str]:
    text = read_text(os.path.join(directory, "console.log")) or ""
    return text.replace("\r", "").splitlines()[-lines:]


def read_facts(directory: str) -> Facts:
    runner = read_pairs(os.path.join(directory, "runner"))
    verdict_line = read_text(os.path.join(directory, "suite-verdict")) or ""
    suite_verdict, _, suite_reason = verdict_line.rstrip("\n").partition("\t")
    console = read_text(os.path.join(directory, "console.log"))
    code = runner.get("exit_code", "")
    return Facts(
        exit_code=int(code) if code.lstrip("-").isdigit() else None,
        limit_s=int(runner.get("limit_s") or DEFAULT_TIMEOUT_S),
        expect_failure=runner.get("expect_failure", ""),
        survivor=runner.get("survivor", ""),
        flood=(read_text(os.path.join(directory, "flood")) or "").strip(),
        entries=read_entries(os.path.join(directory, "checks")),
        suite_verdict=suite_verdict,
        suite_reason=unescape(suite_reason),
        console_seen=console is not None,
        powered_off=console is not None and POWER_DOWN in console,
        crash=scan_console(console) if console else None,
    )
