#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot stage: hyperfine boots the appliance kernel and Debian's prebuilt
# user-mode-linux on the same initramfs to the batch shell and powers them
# off; boot-once.exp keeps each run's milliseconds to the prompt.
#
# usage: boot.sh RAW RUNS   (environment: LINUX INITRAMFS MEM DEBIAN_UML)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
raw=$1 runs=$2
warmup=2
export TEST_DIR="$raw/boot" ARGS='' BOOT_GUEST="$here/../scripts/boot-guest.sh"
mkdir -p "$TEST_DIR"
# hyperfine stops at a failed boot: its guest must not outlive the stage.
trap '"$here/../scripts/kill-guest.sh" "$TEST_DIR" >&2' EXIT

# Debian's UML (6.1) sets a fixed 2696 bytes of XSTATE: a bigger host
# (AMX, real or HOST_SIM) kills it at the first exec of /init.
peers="appliance:$LINUX debian-uml:$DEBIAN_UML"
xsave=$("$here/../scripts/host-fact.sh" xsave_bytes)
rm -f "$raw/boot-debian-uml.cannot-run"
if [ "${xsave:-0}" -gt 2696 ]; then
	echo "Debian's user-mode-linux cannot boot on this host (XSAVE state $xsave bytes, over the 2696 its UML sets: no 3f17fed21491); the boot ratio has no peer" >"$raw/boot-debian-uml.cannot-run"
	peers="appliance:$LINUX"
fi

set --
for kernel in $peers; do
	name=${kernel%%:*}
	rm -f "$raw/boot-$name.times"
	set -- "$@" -n "$name" "expect $here/boot-once.exp ${kernel#*:} $raw/boot-$name.times"
done
echo "  BENCH   hyperfine -N --warmup $warmup --runs $runs $*" >&2
hyperfine -N --style basic --warmup "$warmup" --runs "$runs" \
	--export-json "$raw/boot.json" "$@"
# The warm-up boots wrote their times too: keep the timed runs only.
for kernel in $peers; do
	name=${kernel%%:*}
	tail -n "$runs" "$raw/boot-$name.times" >"$raw/boot-$name.times.tmp"
	mv "$raw/boot-$name.times.tmp" "$raw/boot-$name.times"
done
