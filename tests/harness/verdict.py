# SPDX-License-Identifier: GPL-2.0
"""The verdict on one suite: a pure function of its facts (facts.read_facts()).

The chain, each step overriding the one before:
  1. the suite's exit status (kselftest codes: tests/harness/exit-codes), or a
     time-out (the runner's 124, or 137 when TERM was not enough), with the
     suite's own reason;
  2. a console flood; a passing guest that did not power off cleanly;
  3. a crash report in the console (crash-patterns), unless the suite was
     skipped, or it failed as expected (XFAIL) and the report is one an
     expected failure may print (the walker's WARN, KASAN);
  4. a negative control (# expect-failure: REGEX) is inverted: it passes only
     if it failed for REGEX and every failed check of its own matches REGEX;
  5. a UML process group that survived SIGKILL fails any suite.
"""

import os
import re
from dataclasses import dataclass

from .facts import Entry, Facts

HERE = os.path.dirname(os.path.abspath(__file__))
# The runner's status for a suite it stopped at its limit, and for one that
# TERM did not stop and KILL did: timeout(1)'s two.
TIMEOUT_CODES = (124, 137)
# Every verdict, in the order the totals list them (KTAP, summary.json).
VERDICTS = ("pass", "fail", "xfail", "xpass", "skip", "error")
# Verdicts that fail a run; "error": the suite could not finish (timed out,
# or exited with no failed check to say why).
FAILING = ("fail", "xpass", "error")
XPASS_REASON = "passed unexpectedly (XPASS): the known failure is gone, update the suite"
RUNNER_OK = "the guest powered off cleanly with no crash report"


def load_exit_codes(path: str = os.path.join(HERE, "exit-codes")) -> dict[int, str]:
    codes = {}
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, code = line.split()
                codes[int(code)] = name
    return codes


EXIT_CODES = load_exit_codes()


@dataclass(frozen=True)
class Judgement:
    verdict: str      # pass fail xfail xpass skip error
    reason: str
    entries: tuple[Entry, ...]    # the suite's entries as judged, then the runner's own check


def failed_checks(facts: Facts) -> list[Entry]:
    return [e for e in facts.entries if e.status == "fail"]


def verdict_of_exit(facts: Facts) -> tuple[str, str]:
    """(verdict, reason) from the exit status and what the suite said."""
    name = None if facts.exit_code is None else EXIT_CODES.get(facts.exit_code)
    if name == "pass":
        return "pass", ""
    if name in ("xfail", "skip"):
        return name, facts.suite_reason
    if name == "xpass":
        return "xpass", XPASS_REASON + (": " + facts.suite_reason if facts.suite_reason else "")
    if facts.exit_code in TIMEOUT_CODES:
        return "error", "timed out after %d s (guest killed)" % facts.limit_s
    failed = failed_checks(facts)
    if failed:
        return "fail", failed[0].message
    if name == "fail" and facts.suite_reason:
        return "fail", facts.suite_reason
    return "error", "suite exited with status %s" % facts.exit_code


def matches(regex: str, text: str) -> bool:
    try:
        return re.search(regex, text) is not None
    except re.error:
        return False


def judge(facts: Facts) -> Judgement:
    verdict, reason = verdict_of_exit(facts)
    # Whether the runner, not one of the suite's own failed checks, decided:
    # then the runner's check fails, so a failed suite always has one.
    by_runner = verdict != "fail" or not failed_checks(facts)
    if facts.flood:
        verdict, reason, by_runner = "fail", facts.flood, True
    elif verdict == "pass" and facts.console_seen and not facts.powered_off:
        verdict, reason, by_runner = "fail", "the guest did not power off cleanly (killed or crashed)", True
    crash = facts.crash
    if crash and verdict != "skip" and not (verdict == "xfail" and crash.tolerated_by_xfail):
        verdict, reason, by_runner = "fail", str(crash), True
    entries = list(facts.entries)
    expected = facts.expect_failure
    if expected and verdict != "skip":
        others = [e for e in failed_checks(facts) if not matches(expected, e.message)]
        if verdict in FAILING and matches(expected, reason) and not others:
            verdict, reason = "pass", "negative control: the runner caught it (%s)" % reason
            entries = [Entry("xfail", e.message) if e.status == "fail" else e for e in entries]
        else:
            got = verdict + (" (%s)" % reason if reason else "")
            first = failed_checks(facts)
            verdict, by_runner = "fail", True
            reason = ("negative control: expected the runner to report '%s' with every other "
                      "check of the suite passing; got %s%s" %
                      (expected, got, ", first failed check: " + first[0].message if first else ""))
    if facts.survivor:
        verdict, reason, by_runner = "fail", facts.survivor, True
    entries.append(runner_entry(verdict, reason, by_runner))
    return Judgement(verdict, reason, tuple(entries))


def runner_entry(verdict: str, reason: str, by_runner: bool) -> Entry:
    """The runner's own check, last in every suite: what it observed."""
    if verdict in FAILING:
        if by_runner:
            return Entry("fail", "runner: " + reason)
        return Entry("pass", "runner: nothing to add to the suite's own failed checks")
    status = {"pass": "pass", "xfail": "xfail", "skip": "skip"}[verdict]
    return Entry(status, "runner: " + (reason or RUNNER_OK))
