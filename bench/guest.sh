#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Storm stage: ROUNDS host runs of the storms (native.sh) and ROUNDS guests
# running them alone and under the walkers (guest.exp), then VIOLATION_BOOTS
# negative-control guests timing the first violation (violation.exp).
#
# usage: guest.sh RAW ROUNDS VIOLATION_BOOTS
#   (environment: LINUX INITRAMFS MEM STORM_BIN)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
raw=$1 rounds=$2 violation_boots=$3
export ARGS='' BOOT_GUEST="$here/../scripts/boot-guest.sh"

run_guest() { # run_guest SCRIPT NAME: one guest, console kept in RAW/NAME/
	export TEST_DIR="$raw/$2"
	mkdir -p "$TEST_DIR"
	echo "  GUEST   $1 -> $TEST_DIR/console.log" >&2
	expect "$here/$1" "$raw/$2.tsv" >"$TEST_DIR/suite.log" 2>&1 ||
		echo "bench: $1 failed (exit $?): see $TEST_DIR/suite.log and console.log" >&2
	# A guest left running loses only its own figures.
	"$here/kill-guest.sh" "$TEST_DIR" || true
}

i=1
while [ "$i" -le "$rounds" ]; do
	"$here/native.sh" "$STORM_BIN" "$raw/native-$i.tsv"
	run_guest guest.exp "guest-$i"
	i=$((i + 1))
done
i=1
while [ "$i" -le "$violation_boots" ]; do
	run_guest violation.exp "violation-$i"
	i=$((i + 1))
done
