#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the storms on the host, with the line guest.exp runs in the guest,
# and append "native.STORM.key value" lines to OUT: the peer of the guest's
# ops_per_sec, so that their ratio is UML's cost.
#
# usage: native.sh STORM_BIN_DIR OUT
set -eu

bin=$1 out=$2
for storm in fork exit munmap overflow madvise; do
	echo "  STORM   $bin/${storm}_storm -d 3 --policy other (host)" >&2
	"$bin/${storm}_storm" -d 3 --policy other |
		sed -n "s/^\([a-z_]*\): *\([0-9.-]*\)\$/native.$storm.\1 \2/p" >>"$out"
done
