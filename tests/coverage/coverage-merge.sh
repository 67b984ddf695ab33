#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sum the gcov counters of several GCOV_PREFIX trees into one tree, as if
# one guest had run every suite, so that lcov reads each kernel object once
# rather than once per suite (tests/coverage/coverage.sh). gcov-tool adds the
# counters, as lcov adds tracefiles; a .gcda missing from some trees is
# taken from the others.
#
# usage: coverage-merge.sh OUT DIR...
#   OUT: the merged tree (replaced); DIR: a tree of .gcda files, the same
#   relative paths (the kernel's object paths) in each
set -eu -o pipefail

[ $# -ge 2 ] || { sed -n '9,11s/^# \{0,1\}//p' "$0" >&2; exit 2; }
out=$1
shift
rm -rf "$out" "$out".[0-9]*
# gcov-tool merges two trees at a time: fold each into an accumulator.
if [ $# = 1 ]; then
	gcov-tool rewrite -o "$out" "$1"
	exit
fi
acc=$1
shift
step=0
for dir in "$@"; do
	step=$((step + 1))
	gcov-tool merge -o "$out.$step" "$acc" "$dir" || {
		echo "coverage-merge: gcov-tool merge $acc $dir failed" >&2
		exit 1
	}
	[ "$step" = 1 ] || rm -rf "$acc"
	acc=$out.$step
done
mv "$acc" "$out"
