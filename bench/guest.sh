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

i=1
while [ "$i" -le "$rounds" ]; do
	"$here/native.sh" "$STORM_BIN" "$raw/native-$i.tsv"
	"$here/run-guest.sh" "$here/guest.exp" "$raw" "guest-$i" "$raw/guest-$i.tsv"
	i=$((i + 1))
done
i=1
while [ "$i" -le "$violation_boots" ]; do
	"$here/run-guest.sh" "$here/violation.exp" "$raw" "violation-$i" "$raw/violation-$i.tsv"
	i=$((i + 1))
done
