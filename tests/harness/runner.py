# SPDX-License-Identifier: GPL-2.0
"""Run suites, one guest each, JOBS at a time; judge each as it ends and print
KTAP in the listed order; write summary.json and junit.xml: make test.

Each suite is an expect process in a process group of its own, so that a
time-out stops it and everything it started; its guest is UML's own process
group (DIR/guest.pid), which scripts/kill-guest.sh kills when the suite ends.
One loop watches every running suite: its exit, its time limit, its console.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import IO, Callable, Iterable, Sequence

from . import facts, ktap, paths, results, shard, suite_list, verdict

# A suite's status when the runner stopped it (verdict.TIMEOUT_CODES, as
# timeout(1) has them): by SIGTERM at its limit, or by SIGKILL KILL_AFTER_S later.
TIMED_OUT, KILLED = verdict.TIMEOUT_CODES
KILL_AFTER_S = 5
POLL_S = 0.1
INTERRUPTED = 130
# Ctrl-C, kill, and a terminal that closes.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class UsageError(ValueError):
    """Bad input the user must fix: exit status 2."""


class Interrupted(Exception):
    pass


def select(tests_dir: str, names: Sequence[str], shard_spec: str = "", duration: str = "") -> list[str]:
    """The suites to run, in order: NAMES (every suite if none), then SHARD's
    share; each one's headers and DURATION (make soak) checked before any
    guest boots."""
    known = suite_list.suite_names(tests_dir)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError("make test: unknown test '%s'. Known tests (make list says what each "
                         "shows): %s" % (unknown[0], " ".join(known)))
    twice = sorted({n for n in names if list(names).count(n) > 1})
    if twice:
        raise UsageError("make test: TESTS names %s twice: each suite runs once, in a directory "
                         "of its own" % " ".join(twice))
    if duration and not duration.isdigit():
        raise UsageError("DURATION=%s: use the seconds each storm runs, e.g. DURATION=600" % duration)
    chosen = list(names) or known
    if shard_spec:
        try:
            chosen = shard.select(shard_spec, chosen)
        except shard.ShardError as e:
            raise UsageError(str(e)) from None
    for name in chosen:
        try:
            suite_list.load(tests_dir, name)
        except ValueError as e:
            raise UsageError("%s: a header is not what docs/writing-a-suite.md says: %s" %
                             (os.path.join(tests_dir, name + ".exp"), e)) from None
    return chosen


def last_duration(results_dir: str, name: str) -> float | None:
    runner = facts.read_pairs(os.path.join(results_dir, name, "runner"))
    try:
        return float(runner["duration_s"])
    except (KeyError, ValueError):
        return None


def start_order(results_dir: str, names: Sequence[str]) -> list[str]:
    """The suites longest first, by the duration each took in the last run
    under RESULTS (as CTest orders by its cost data), so that no long suite
    starts last while the other jobs sit idle; a suite with no last run goes
    first, and ties keep the listed order."""
    def cost(name: str) -> float:
        d = last_duration(results_dir, name)
        return float("inf") if d is None else d
    return sorted(names, key=cost, reverse=True)


def kill_guest(directory: str) -> str:
    """Kill the suite's UML process group; what survived SIGKILL, or ""."""
    # A session of its own: a Ctrl-C must not stop it halfway through.
    out = subprocess.run([paths.KILL_GUEST, directory], stdout=subprocess.PIPE, text=True, check=False,
                         start_new_session=True)
    return out.stdout.strip()


@dataclass
class Running:
    suite: suite_list.Suite
    number: int
    dir: str
    limit_s: int
    proc: subprocess.Popen
    log: IO[str]
    started: float
    term_at: float | None = None
    flood: str = ""


@dataclass
class Run:
    """One make test: what is left to start, what runs, what is judged."""
    tests_dir: str
    results_dir: str
    names: list[str]
    jobs: int = 1
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    out: IO[str] = sys.stdout
    clock: Callable[[], float] = time.monotonic
    running: list[Running] = field(default_factory=list)
    lines: dict[str, list[str]] = field(default_factory=dict)
    records: dict[str, dict] = field(default_factory=dict)
    reported: int = 0
    # Set by Ctrl-C or TERM, acted on between two polls: never halfway
    # through starting or judging a suite.
    interrupted: bool = False

    def print_lines(self, lines: Iterable[str]) -> None:
        self.out.write("".join(line + "\n" for line in lines))
        self.out.flush()

    def busy(self) -> int:
        return sum(not r.suite.idle for r in self.running)

    def start(self, name: str) -> None:
        suite = suite_list.load(self.tests_dir, name)
        directory = os.path.join(self.results_dir, name)
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        limit = suite.timeout_s + 3 * int(self.environ.get("DURATION") or 0)  # checked by select()
        # A coverage kernel (make coverage) writes its gcov counters under
        # GCOV_PREFIX when it powers off, so that guests never share a file;
        # any other kernel ignores it.
        env = dict(self.environ, TEST_DIR=directory, GCOV_PREFIX=os.path.join(directory, "gcov"))
        env.setdefault("BOOT_GUEST", paths.BOOT_GUEST)
        log = open(os.path.join(directory, "suite.log"), "w")
        proc = subprocess.Popen(["expect", "-f", suite.path], stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, env=env, process_group=0)
        self.running.append(Running(suite, self.names.index(name) + 1, directory, limit, proc, log,
                                    self.clock()))

    def watch(self, r: Running) -> int | None:
        """Enforce the suite's limits; its exit status once it has ended, else None."""
        code = r.proc.poll()
        now = self.clock()
        if code is not None:
            if r.term_at is not None:
                return KILLED if code == -signal.SIGKILL else TIMED_OUT
            return code if code >= 0 else 128 - code
        if r.term_at is None and now - r.started > r.limit_s:
            r.term_at = now
            signal_group(r.proc, signal.SIGTERM)
        elif r.term_at is not None and now - r.term_at > KILL_AFTER_S:
            signal_group(r.proc, signal.SIGKILL)
        if not r.flood and console_bytes(r.dir) > r.suite.console_limit_kb * 1024:
            r.flood = "console flood: over %d KB of output (guest killed)" % r.suite.console_limit_kb
            with open(os.path.join(r.dir, "flood"), "w") as f:
                f.write(r.flood + "\n")
            kill_guest(r.dir)
        return None

    def finish(self, r: Running, code: int) -> None:
        """Record what the runner saw, judge the suite, keep its KTAP lines."""
        r.log.close()
        # What the suite left in its own group, then its guest.
        signal_group(r.proc, signal.SIGKILL)
        survivor = kill_guest(r.dir)
        with open(os.path.join(r.dir, "runner"), "w") as f:
            f.write("exit_code %d\nlimit_s %d\nduration_s %.3f\nexpect_failure %s\nsurvivor %s\n" %
                    (code, r.limit_s, self.clock() - r.started, r.suite.expect_failure, survivor))
        judgement = verdict.judge(facts.read_facts(r.dir))
        record = results.make_record(r.suite.name, r.dir, judgement, self.environ)
        results.write_record(r.dir, record)
        self.records[r.suite.name] = record
        self.lines[r.suite.name] = ktap.suite_lines(r.number, r.suite.name, record,
                                                    record["result"] in verdict.FAILING)

    def poll(self) -> None:
        if self.interrupted:
            raise Interrupted()
        for r in list(self.running):
            code = self.watch(r)
            if code is not None:
                self.running.remove(r)
                self.finish(r, code)
        while self.reported < len(self.names) and self.names[self.reported] in self.lines:
            self.print_lines(self.lines[self.names[self.reported]])
            self.reported += 1

    def run(self) -> dict[str, dict]:
        self.print_lines(ktap.header(len(self.names), results.host_facts()))
        for name in start_order(self.results_dir, self.names):
            while self.busy() >= self.jobs:
                self.poll()
                time.sleep(POLL_S)
            self.start(name)
        while self.reported < len(self.names):
            self.poll()
            time.sleep(POLL_S)
        records = {n: self.records[n] for n in self.names}
        results.write_summary(os.path.join(self.results_dir, "summary.json"), records,
                              self.environ.get("SHARD", ""))
        results.write_junit(os.path.join(self.results_dir, "junit.xml"), records)
        return records

    def stop(self) -> None:
        """Ctrl-C, TERM or HUP (or the runner's own failure): stop every
        running suite and its guest, and keep what finished. An interrupt
        is acted on between two polls, so no results file is half-written."""
        for r in self.running:
            signal_group(r.proc, signal.SIGKILL)
        for r in self.running:
            r.proc.wait()
            r.log.close()
            kill_guest(r.dir)
        self.running = []


def signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def console_bytes(directory: str) -> int:
    try:
        return os.stat(os.path.join(directory, "console.log")).st_size
    except FileNotFoundError:
        return 0


def main(tests_dir: str, results_dir: str, names: Sequence[str], jobs: int, shard_spec: str,
         out: IO[str] = sys.stdout) -> int:
    """make test's exit status: 0 every suite passed, 1 one failed, 2 bad
    usage, 130 interrupted."""
    try:
        chosen = select(tests_dir, names, shard_spec, os.environ.get("DURATION", ""))
    except UsageError as e:
        print(e, file=sys.stderr)
        return 2
    os.makedirs(results_dir, exist_ok=True)
    run = Run(tests_dir, results_dir, chosen, jobs=jobs, out=out)
    for sig in STOP_SIGNALS:
        signal.signal(sig, lambda signum, frame: setattr(run, "interrupted", True))
    try:
        records = run.run()
    except Interrupted:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        run.stop()
        run.print_lines(["Bail out! interrupted; the console logs of every suite are in %s" % results_dir])
        return INTERRUPTED
    except BaseException:
        # A broken pipe, a full disk: no suite or guest outlives the runner.
        run.stop()
        raise
    lines, status = results.closing(results_dir, records)
    run.print_lines(lines)
    return status
