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

set --
for kernel in "appliance:$LINUX" "debian-uml:$DEBIAN_UML"; do
	name=${kernel%%:*}
	rm -f "$raw/boot-$name.times"
	set -- "$@" -n "$name" "expect $here/boot-once.exp ${kernel#*:} $raw/boot-$name.times"
done
echo "  BENCH   hyperfine -N --warmup $warmup --runs $runs $*" >&2
hyperfine -N --style basic --warmup "$warmup" --runs "$runs" \
	--export-json "$raw/boot.json" "$@"
# The warm-up boots wrote their times too: keep the timed runs only.
for name in appliance debian-uml; do
	tail -n "$runs" "$raw/boot-$name.times" >"$raw/boot-$name.times.tmp"
	mv "$raw/boot-$name.times.tmp" "$raw/boot-$name.times"
done
