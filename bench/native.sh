#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the storms on the host, with the lines guest.exp runs in the guest
# (bench/storms), and append "native.STORM.key value" lines to OUT: the
# peer of the guest's ops_per_sec, so that their ratio is UML's cost.
#
# usage: native.sh STORM_BIN_DIR OUT
set -eu

here=$(dirname "$0")
bin=$1 out=$2
grep -v '^#' "$here/storms" | while read -r storm args; do
	echo "  STORM   $bin/${storm}_storm $args (host)" >&2
	# shellcheck disable=SC2086 # the arguments are words
	# </dev/null: the storm must not read the loop's list.
	"$bin/${storm}_storm" $args </dev/null |
		sed -n "s/^\([a-z_]*\): *\([0-9.-]*\)\$/native.$storm.\1 \2/p" >>"$out"
done
