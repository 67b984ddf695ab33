# SPDX-License-Identifier: GPL-2.0
"""The runner (python3 -m harness run) at the command line, with stand-in
suites in place of guests: every exit status, the time-out, the console
flood kill, Ctrl-C and SIGTERM, JOBS and the start order."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from . import fixtures, paths, runner, suite_list
from .fixtures import alive

LIB = os.path.join(paths.TESTS, "lib", "suite.tcl")
# A stand-in's "guest": a process group of its own, named in guest.pid as
# boot_guest names UML's, which the runner must kill.
PROLOGUE = r'''source {%s}
proc fake_guest {script} {
	set pid [exec setsid sh -c $script &]
	set fd [open $::test_dir/guest.pid w]; puts $fd $pid; close $fd
	return $pid
}
proc wait_gone {pid} {
	while {![catch {open /proc/$pid/stat} fd]} {
		set state [lindex [read $fd] 2]; close $fd
		if {$state eq "Z"} return
		after 20
	}
}
proc log_time {what} {
	set fd [open $::env(STANDIN_LOG) a]
	puts $fd "[file tail $::test_dir] $what [clock milliseconds]"; close $fd
}
''' % LIB
STANDINS = {
    "passes": 'check {1 == 1} "the stand-in passes"\nfinish\n',
    "fails": 'fail "the stand-in fails"\nfinish\n',
    "hangs": '# timeout: 1\nfake_guest "sleep 300"\nafter 60000 {set ::forever 1}\nvwait ::forever\nfinish\n',
    "floods": ('# console-limit-kb: 16\n'
               'wait_gone [fake_guest "while :; do echo flooding; done >$::test_dir/console.log"]\n'
               'finish\n'),
    "waits": '# timeout: 60\nfake_guest "sleep 300"\nafter 60000 {set ::forever 1}\nvwait ::forever\nfinish\n',
    # Passes once the test creates STANDIN_LOG.go.
    "gated": 'while {![file exists $::env(STANDIN_LOG).go]} { after 20 }\nfinish\n',
}


def timed(ms, header=""):
    """A stand-in that logs when it starts and ends, MS apart."""
    return '%slog_time start\nafter %d\nlog_time end\nfinish\n' % (header, ms)


def read_pid(path):
    with open(path) as f:
        return int(f.read())


class RunnerTest(unittest.TestCase):
    """Each test judges one run of the runner. The runs start together, in
    setUpClass, so that the whole class takes about as long as its longest run."""

    # key: (suites, JOBS, environment); each run has its own results folder.
    RUNS = {
        "passes": (("passes",), 1, {}),
        "fails": (("passes", "fails"), 1, {}),
        "unknown": (("nosuch",), 1, {}),
        "bad-shard": (("passes",), 1, {"SHARD": "3/2"}),
        "bad-jobs": (("passes",), 0, {}),
        "twice": (("passes", "passes"), 1, {}),
        "bad-duration": (("passes",), 1, {"DURATION": "soon"}),
        "hangs": (("hangs",), 1, {}),
        "floods": (("floods",), 1, {}),
        "idle": (("idle", "busy"), 1, {}),
        "order": (("short", "middle", "long"), 2, {}),
        "interrupt-SIGINT": (("passes", "waits", "waits2"), 3, {}),
        "interrupt-SIGTERM": (("passes", "waits", "waits2"), 3, {}),
        "interrupt-SIGHUP": (("passes", "waits", "waits2"), 3, {}),
        "broken-pipe": (("gated", "waits"), 2, {}),
    }

    @classmethod
    def setUpClass(cls):
        if not shutil.which("expect"):
            raise unittest.SkipTest("expect is not installed")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.tests = os.path.join(cls.tmp.name, "tests")
        os.makedirs(cls.tests)
        standins = dict(STANDINS, idle=timed(1000, "# cpu: idle\n"), busy=timed(1000), waits2=STANDINS["waits"],
                        short=timed(100), middle=timed(300), long=timed(600))
        for name, body in standins.items():
            with open(os.path.join(cls.tests, name + ".exp"), "w") as f:
                f.write("# summary: a stand-in\n" + PROLOGUE + body)
        cls.started = {key: cls.start(key, *run) for key, run in cls.RUNS.items()}
        cls.done = {}

    @classmethod
    def tearDownClass(cls):
        for proc in cls.started.values():
            proc.kill()
            proc.communicate()
        cls.tmp.cleanup()

    @classmethod
    def start(cls, key, names, jobs, env):
        return fixtures.harness("run", "--tests", cls.tests, "--results", cls.results(key),
                                "--jobs", str(jobs), *names, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=dict(env, STANDIN_LOG=cls.results(key) + ".times", HOST_FACTS=""))

    @classmethod
    def results(cls, key):
        return os.path.join(cls.tmp.name, key)

    def finished(self, key):
        """(exit status, stdout lines, stderr) of run KEY."""
        if key not in self.done:
            out, err = self.started[key].communicate(timeout=60)
            self.done[key] = (self.started[key].returncode, out.splitlines(), err)
        return self.done[key]

    def record(self, key, name):
        with open(os.path.join(self.results(key), name, "result.json")) as f:
            return json.load(f)

    def guest_pid(self, key, name):
        return read_pid(os.path.join(self.results(key), name, "guest.pid"))

    def times(self, key):
        """{suite: (start ms, end ms)} from the stand-ins' log."""
        seen = {}
        with open(self.results(key) + ".times") as f:
            for line in f:
                name, what, ms = line.split()
                seen.setdefault(name, {})[what] = int(ms)
        os.unlink(self.results(key) + ".times")
        return {n: (t["start"], t["end"]) for n, t in seen.items()}

    def test_every_suite_passed_exits_0(self):
        code, out, err = self.finished("passes")
        self.assertEqual(code, 0, out + [err])
        self.assertEqual(out[:3], ["KTAP version 1", "1..1", "    KTAP version 1"])
        self.assertEqual(out[-1], "1 passed, 0 failed, 0 skipped")
        for report in ("summary.json", "junit.xml"):
            self.assertTrue(os.path.exists(os.path.join(self.results("passes"), report)))

    def test_a_failed_suite_exits_1(self):
        code, out, err = self.finished("fails")
        self.assertEqual(code, 1, out + [err])
        self.assertIn("not ok 2 fails", out)
        self.assertEqual(out[-1], "1 passed, 1 failed, 0 skipped")

    def test_bad_usage_exits_2_and_names_the_fix(self):
        for key, said in (("unknown", "unknown test 'nosuch'. Known tests"),
                          ("bad-shard", "SHARD=3/2: use SHARD=I/N"),
                          ("bad-jobs", "JOBS=0: use a number"),
                          ("twice", "TESTS names passes twice"),
                          ("bad-duration", "DURATION=soon: use the seconds")):
            with self.subTest(key):
                code, out, err = self.finished(key)
                self.assertEqual(code, 2)
                self.assertIn(said, err)
                self.assertEqual(out, [])

    def test_time_out_kills_the_suite_and_its_guest(self):
        code, out, err = self.finished("hangs")
        self.assertEqual(code, 1, out + [err])
        self.assertEqual(self.record("hangs", "hangs")["reason"], "timed out after 1 s (guest killed)")
        self.assertLess(self.record("hangs", "hangs")["duration_s"], 1 + runner.KILL_AFTER_S)
        self.assertFalse(alive(self.guest_pid("hangs", "hangs")))

    def test_console_flood_kills_the_guest(self):
        code, out, err = self.finished("floods")
        self.assertEqual(code, 1, out + [err])
        self.assertEqual(self.record("floods", "floods")["reason"],
                         "console flood: over 16 KB of output (guest killed)")
        self.assertFalse(alive(self.guest_pid("floods", "floods")))

    def test_an_idle_suite_takes_no_slot(self):
        code, out, err = self.finished("idle")
        self.assertEqual(code, 0, out + [err])
        t = self.times("idle")
        self.assertLess(t["busy"][0], t["idle"][1])

    def test_jobs_and_start_order(self):
        code, out, err = self.finished("order")
        self.assertEqual(code, 0, out + [err])
        self.assertEqual([line.split()[2] for line in out if line.startswith("ok ")], ["short", "middle", "long"])
        t = self.times("order")
        # No last run: the listed order, two at once, the third once one ended.
        self.assertGreaterEqual(t["long"][0], t["short"][1])
        # The last run says which take longest: they start first, and KTAP
        # keeps the listed order.
        proc = self.start("order", *self.RUNS["order"])
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, out + err)
        self.assertEqual([line.split()[2] for line in out.splitlines() if line.startswith("ok ")],
                         ["short", "middle", "long"])
        t = self.times("order")
        self.assertGreaterEqual(t["short"][0], t["middle"][1])

    def wait_for(self, paths_):
        deadline = time.monotonic() + 30
        while not all(os.path.exists(p) for p in paths_) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.1)

    def test_interrupt_bails_out_and_kills_every_guest(self):
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            with self.subTest(signal=sig.name):
                key = "interrupt-" + sig.name
                proc = self.started[key]
                pids = [os.path.join(self.results(key), n, "guest.pid") for n in ("waits", "waits2")]
                self.wait_for(pids)
                proc.send_signal(sig)
                out, err = proc.communicate(timeout=20)
                self.assertEqual(proc.returncode, 130, out + err)
                self.assertTrue(out.splitlines()[-1].startswith("Bail out! interrupted; the console logs"), out)
                self.assertFalse(os.path.exists(os.path.join(self.results(key), "summary.json")))
                for p in pids:
                    self.assertFalse(alive(read_pid(p)), p)

    def test_a_runner_that_fails_kills_every_guest(self):
        """Its stdout gone (make test | head), the runner fails: no guest outlives it."""
        key = "broken-pipe"
        proc = self.started[key]
        pid_file = os.path.join(self.results(key), "waits", "guest.pid")
        self.wait_for([pid_file])
        proc.stdout.close()
        open(self.results(key) + ".times.go", "w").close()
        proc.wait(timeout=20)
        proc.stderr.close()
        self.assertNotEqual(proc.returncode, 0)
        self.assertFalse(alive(read_pid(pid_file)))


class WatchTest(unittest.TestCase):
    """Run.watch against a clock the test moves: TERM at the limit, KILL
    KILL_AFTER_S later, and timeout(1)'s statuses for each."""

    def test_term_then_kill(self):
        now = [0.0]
        run = runner.Run("tests", "results", ["stubborn"], clock=lambda: now[0])
        proc = subprocess.Popen(["sh", "-c", "trap '' TERM; while :; do sleep 1; done"], process_group=0)
        self.addCleanup(proc.wait)
        self.addCleanup(runner.signal_group, proc, signal.SIGKILL)
        r = runner.Running(suite_list.Suite("stubborn", "stubborn.exp", timeout_s=10), 1, "/nonexistent",
                           10, proc, open(os.devnull, "w"), 0.0)
        self.addCleanup(r.log.close)
        time.sleep(0.3)  # until the shell ignores TERM
        now[0] = 10.5
        self.assertIsNone(run.watch(r))
        self.assertEqual(r.term_at, 10.5)
        time.sleep(0.2)
        now[0] = 10.5 + runner.KILL_AFTER_S + 0.1
        self.assertIsNone(proc.poll())
        run.watch(r)
        proc.wait(timeout=5)
        self.assertEqual(run.watch(r), runner.KILLED)


if __name__ == "__main__":
    unittest.main()
