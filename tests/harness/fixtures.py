# SPDX-License-Identifier: GPL-2.0
"""Write a suite's result directory as tests/lib/, the guest and the runner would, for the unit tests."""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Console lines of real guests (build/results/*/console.log).
POWER_DOWN = "reboot: Power down\r\n"
WARNING = ("WARNING: CPU: 0 PID: 61 at walker/track.c:212 tw_table_freed+0x1a/0x90 "
           "[table_walker]\r\n")
KASAN = "BUG: KASAN: use-after-free in tw_walk_once+0x2f1/0x5a0 [table_walker]\r\n"
PANIC = "Kernel panic - not syncing: dumped by LKDTM\r\n"
KERNEL_BUG = "BUG: kernel NULL pointer dereference, address: 0000000000000008\r\n"
RCU_STALL = "rcu: INFO: rcu_preempt self-detected stall on CPU\r\n"
RCU_STALLS = "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\r\n"
BOOT = "Linux version 6.12.57 (root@appliance) #1 PREEMPT\r\nappliance: ready\r\n"
# What a hostile guest or suite may say: XML and JSON specials, ESC, NUL.
HOSTILE = 'a<b & c>"d" \'e\' \x1b[31mred\x1b[0m nul\x00 bell\x07 # SKIP not a directive'


def escape(text):
    """As tests/lib/results.tcl's record_line escapes a field."""
    def one(m):
        c = m.group()
        return {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(c) or "\\x%02x" % ord(c)
    return re.sub(r"[\\\x00-\x1f\x7f]", one, text)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def make_suite_dir(directory, exit_code=0, checks=(("pass", "the guest booted"),),
                   suite_verdict=None, console=BOOT + POWER_DOWN, expect_failure="",
                   survivor="", flood="", limit_s=120, counters="seed 42\n", suite_log="boot: ...\n"):
    """One suite's result directory; console None: the guest never started."""
    os.makedirs(directory, exist_ok=True)
    write(os.path.join(directory, "checks"),
          "".join("%s\t%s\n" % (status, escape(message)) for status, message in checks))
    if suite_verdict is not None:
        verdict, reason = suite_verdict
        write(os.path.join(directory, "suite-verdict"), "%s\t%s\n" % (verdict, escape(reason)))
    if console is not None:
        write(os.path.join(directory, "console.log"), console)
    if flood:
        write(os.path.join(directory, "flood"), flood + "\n")
    write(os.path.join(directory, "counters"), counters)
    write(os.path.join(directory, "suite.log"), suite_log)
    write(os.path.join(directory, "runner"),
          "exit_code %d\nlimit_s %d\nduration_s 1.500\nexpect_failure %s\nsurvivor %s\n" %
          (exit_code, limit_s, expect_failure, survivor))
    return directory


def alive(pid):
    """Whether PID lives (a zombie does not)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def harness(*args, env=None, **popen):
    """python3 -m harness ARGS, as make runs it; run to its end, or started
    (Popen) when popen arguments are given."""
    command = [sys.executable, "-m", "harness"] + list(args)
    environ = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", **(env or {}))
    if popen:
        return subprocess.Popen(command, cwd=os.path.dirname(HERE), env=environ, text=True, **popen)
    return subprocess.run(command, cwd=os.path.dirname(HERE), env=environ, capture_output=True, text=True)
