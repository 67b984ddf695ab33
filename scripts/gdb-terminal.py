#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run gdb on a terminal of its own and relay this terminal to it, so that
Ctrl-C stops the running kernel into gdb instead of reaching the guest.

usage: gdb-terminal.py GDB [ARGS...]

While the kernel runs it owns gdb's terminal and has made it raw (UML's
console on stdin/stdout), so the terminal turns Ctrl-C into a byte for the
guest, never into a SIGINT; and a SIGINT sent to the kernel's whole process
group would also reach UML's userspace processes and kill the guest's init.
The relay sees which process group is in the foreground of gdb's terminal:
while it is the kernel's (not gdb's), a Ctrl-C becomes a SIGINT to the
kernel's main process alone, which gdb stops; `continue` goes on without
delivering it. At gdb's prompt a Ctrl-C is passed on as typed.
"""
import errno
import fcntl
import os
import pty
import select
import signal
import sys
import termios
import tty

CTRL_C = b"\x03"


def copy_window_size(src, dst):
    try:
        size = fcntl.ioctl(src, termios.TIOCGWINSZ, b"\0" * 8)
        fcntl.ioctl(dst, termios.TIOCSWINSZ, size)
    except OSError:
        pass


def forward_input(data, master, gdb_pid):
    """Write what was typed to gdb's terminal; a Ctrl-C while the kernel
    has that terminal becomes a SIGINT for the kernel's main process."""
    if CTRL_C in data:
        try:
            foreground = os.tcgetpgrp(master)
        except OSError:
            foreground = gdb_pid
        if foreground not in (gdb_pid, -1):
            # gdb made the kernel a process-group leader: its pgid is its pid.
            os.kill(foreground, signal.SIGINT)
            data = data.replace(CTRL_C, b"")
    while data:
        data = data[os.write(master, data):]


def relay(master, gdb_pid):
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    inputs = [stdin, master]
    while True:
        try:
            ready, _, _ = select.select(inputs, [], [])
        except InterruptedError:
            continue
        if master in ready:
            try:
                data = os.read(master, 65536)
            except OSError as e:
                if e.errno != errno.EIO:
                    raise
                data = b""
            if not data:
                return
            os.write(stdout, data)
        if stdin in ready:
            data = os.read(stdin, 4096)
            if data:
                forward_input(data, master, gdb_pid)
            else:
                inputs.remove(stdin)


def run_gdb(argv):
    gdb_pid, master = pty.fork()
    if gdb_pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    stdin = sys.stdin.fileno()
    saved = termios.tcgetattr(stdin) if os.isatty(stdin) else None
    if saved is not None:
        copy_window_size(stdin, master)
        signal.signal(signal.SIGWINCH, lambda *_: copy_window_size(stdin, master))
        tty.setraw(stdin)
    try:
        relay(master, gdb_pid)
    finally:
        if saved is not None:
            termios.tcsetattr(stdin, termios.TCSAFLUSH, saved)
    _, status = os.waitpid(gdb_pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        sys.exit(2)
    sys.exit(run_gdb(sys.argv[1:]))
