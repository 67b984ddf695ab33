#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Console stage: command round trips through the console (the suite
# tests/suites/console-roundtrip.exp: plain echo, then each printing 3000 lines)
# and an idle guest's host CPU and wakeups (console-idle.exp), on the
# appliance kernel and on the same kernel without patches/0011, whose idle
# wait is what the figures price. The kernel without 0011 is built by
# kernel-without.sh, first, so that no build runs between the two kernels'
# figures; COLD=0 (BENCH_QUICK=1) builds it only if an earlier run did.
#
# usage: console.sh RAW BENCH COLD
#   (environment: TOP BUILD KTREE FRAGMENTS LINUX INITRAMFS MEM)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
raw=$1 bench=$2 cold=$3
plain_roundtrips=1000
lines_roundtrips=200
lines=3000
idle_s=20
patch=$(echo "$TOP"/patches/0011-*.patch)
peer=$bench/kernel-without-0011

roundtrips() { # roundtrips NAME: the round trips of the kernel $LINUX, in RAW/console-NAME-*
	# (the timed ones only: not the suite's round trips while the kernel prints)
	ROUNDTRIPS=$plain_roundtrips ROUNDTRIP_LINES=0 NOISY_ROUNDTRIPS=0 \
		"$here/run-guest.sh" "$TOP/tests/suites/console-roundtrip.exp" "$raw" "console-$1-plain"
	ROUNDTRIPS=$lines_roundtrips ROUNDTRIP_LINES=$lines NOISY_ROUNDTRIPS=0 \
		"$here/run-guest.sh" "$TOP/tests/suites/console-roundtrip.exp" "$raw" "console-$1-lines"
}

idle() { # idle NAME KERNEL: an idle guest of KERNEL, in RAW/console-NAME-idle
	LINUX=$2 "$here/run-guest.sh" "$here/console-idle.exp" "$raw" "console-$1-idle" "$idle_s"
}

if [ "$cold" = 0 ] && [ ! -e "$peer/.config" ]; then
	echo "bench: no kernel without 0011 to compare with, and BENCH_QUICK=1 builds none from scratch: run make bench BENCH_STAGES=console once." >&2
	echo "console_peer_skipped 1" >>"$raw/meta.txt"
	peer=
else
	"$here/kernel-without.sh" "$patch" "$BUILD/linux-source-6.12-without-0011" "$peer"
fi
roundtrips with-0011
[ -z "$peer" ] || LINUX=$peer/linux roundtrips without-0011
# Both idle guests at once, so that the other loads of the machine, which
# come and go, weigh on both alike: each takes under 1% of a CPU.
idle with-0011 "$LINUX" &
[ -z "$peer" ] || idle without-0011 "$peer/linux"
wait
