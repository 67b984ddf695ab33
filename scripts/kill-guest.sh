#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kill the UML process group of a guest (its kernel, its userspace
# processes, its helpers) and wait until none of it lives. Zombies do not
# count: once the guest's parent is gone they are init's to reap, which
# some containers' init does only seconds later.
#
# usage: kill-guest.sh DIR [SECONDS]   (DIR/guest.pid, written by
#   tests/lib/console.tcl; SECONDS to wait for the group to go, default 5)
# Exit status: 0 gone (or never started), 1 it survived SIGKILL (said on stdout).
set -u

[ -f "$1/guest.pid" ] || exit 0
pid=$(cat "$1/guest.pid")

alive() {
	ps -e -o pgid=,stat= | awk -v g="$pid" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

kill -KILL -- "-$pid" 2>/dev/null
for _ in $(seq $((${2:-5} * 10))); do
	alive || exit 0
	sleep 0.1
done
echo "UML process group $pid survived SIGKILL"
exit 1
