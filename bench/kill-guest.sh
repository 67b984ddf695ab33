#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Kill the UML process group that a guest's script left behind, if it is
# still alive: every guest powers itself off, this is for one that did not.
#
# usage: kill-guest.sh TEST_DIR   (TEST_DIR/guest.pid, written by tests/lib.tcl)
set -u

[ -f "$1/guest.pid" ] || exit 0
pid=$(cat "$1/guest.pid")
kill -0 -- "-$pid" 2>/dev/null || exit 0
echo "bench: a guest outlived its script: killing UML process group $pid" >&2
kill -KILL -- "-$pid" 2>/dev/null
for _ in $(seq 50); do
	kill -0 -- "-$pid" 2>/dev/null || exit 0
	sleep 0.1
done
echo "bench: UML process group $pid survived SIGKILL" >&2
exit 1
