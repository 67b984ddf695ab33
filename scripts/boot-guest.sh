#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot the appliance's UML kernel on its initramfs with the console on
# this terminal; print the command first so it can be rerun by hand.
#
# usage: boot-guest.sh LINUX INITRAMFS MEM [KERNEL ARGS...]
#   BOOT_WRAPPER (environment): a command to run the kernel under (gdb --args)
#   XSTATE_SIM_SIZE, XSTATE_SHIM (environment): boot as on a host whose
#     XSTATE regset is that many bytes (tests/host-sim/README.md)
set -eu

linux=$1 initramfs=$2 mem=$3
shift 3

"$(dirname "$0")/mem-mib.sh" "$mem" >/dev/null || exit 2
for f in "$linux" "$initramfs"; do
	[ -r "$f" ] || { echo "boot-guest: $f is missing: run make first." >&2; exit 2; }
done

# UML keeps each guest's mconsole socket and pid file in UML_DIR/<umid>
# (else in ~/.uml). A guest that is killed leaves its folder: sweep those
# whose pid is gone before the next one boots.
umldir_args=
if [ -n "${UML_DIR:-}" ]; then
	mkdir -p "$UML_DIR"
	for pidfile in "$UML_DIR"/*/pid; do
		[ -e "$pidfile" ] || continue
		kill -0 "$(cat "$pidfile" 2>/dev/null || echo 0)" 2>/dev/null ||
			rm -rf "${pidfile%/pid}"
	done
	umldir_args="uml_dir=$UML_DIR"
fi

# The host simulator: the shim in UML's ptrace (and gdb's, under the
# wrapper), the guest's glibc kept to the registers that host has.
sim_env=
if [ -n "${XSTATE_SIM_SIZE:-}" ]; then
	[ -r "${XSTATE_SHIM:-}" ] || { echo "boot-guest: the host simulator ${XSTATE_SHIM:-(XSTATE_SHIM unset)} is missing: run make host-sim." >&2; exit 2; }
	tunables=$("$(dirname "$0")/../tests/host-sim/glibc-tunables.sh" "$XSTATE_SIM_SIZE") || exit 2
	[ -z "$tunables" ] || set -- "$@" "GLIBC_TUNABLES=$tunables"
	LD_PRELOAD=$XSTATE_SHIM
	export LD_PRELOAD XSTATE_SIM_SIZE
	sim_env="LD_PRELOAD=$LD_PRELOAD XSTATE_SIM_SIZE=$XSTATE_SIM_SIZE${XSTATE_SIM_LOG:+ XSTATE_SIM_LOG=$XSTATE_SIM_LOG} "
fi

# con0 on stdin/stdout and every other console discarded: UML would open
# xterms for them. Nothing of the host is shared (no hostfs, no network).
# shellcheck disable=SC2086 # empty or one word
set -- "$linux" "mem=$mem" "initrd=$initramfs" con0=fd:0,fd:1 con=null $umldir_args "$@"
echo "  BOOT    $sim_env${BOOT_WRAPPER:+$BOOT_WRAPPER }$*" >&2
if [ -z "${BOOT_WRAPPER:-}" ]; then
	# UML's main() calls setsid(): unless it leads its process group (as
	# under make it does not), it leaves the terminal's session, and its
	# winch thread cannot take the terminal back ("winch_thread :
	# TIOCSCTTY failed on fd 1 err = 1" on the first screen). On a
	# terminal it runs as a foreground job of its own instead: it keeps
	# the terminal, and its window size follows SIGWINCH. A leader (an
	# expect suite's guest) execs, so that its group stays the guest's.
	pgrp=$(sed 's/.*) //' "/proc/$$/stat" | cut -d' ' -f3)
	if [ -t 0 ] && [ -t 1 ] && [ "$pgrp" != $$ ]; then
		set -m
		"$@"
		exit
	fi
	exec "$@"
fi

# Under a wrapper (gdb) the kernel may be killed while UML's helper
# processes live on: mark them through the environment and end them.
APPLIANCE_GUEST=$$
export APPLIANCE_GUEST
status=0
# shellcheck disable=SC2086 # the wrapper is a command line
$BOOT_WRAPPER "$@" || status=$?
for environ in /proc/[0-9]*/environ; do
	pid=${environ#/proc/}
	pid=${pid%/environ}
	[ "$pid" = $$ ] && continue
	if tr '\0' '\n' <"$environ" | grep -qx "APPLIANCE_GUEST=$$"; then
		kill -KILL "$pid" || true
	fi
done 2>/dev/null
exit $status
