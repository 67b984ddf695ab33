#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build stage: hyperfine times the appliance's kernel build (fragments
# merged by kernel-config/merge.sh, then kbuild) beside KUnit's own
# `kunit.py run --arch=um` on the same tree, cold in fresh O= directories
# under BENCH, then both incremental rebuilds after touching mm/mmu_gather.c.
#
# usage: build.sh RAW BENCH COLD_RUNS INCR_RUNS
#   (environment: TOP KTREE FRAGMENTS; COLD_RUNS 0 skips the cold builds)
set -eu

raw=$1 bench=$2 cold_runs=$3 incr_runs=$4
jobs=2
appliance=$bench/kernel
kunit=$bench/kunit
kunit_py="python3 $KTREE/tools/testing/kunit/kunit.py"
kmake="make -C $KTREE O=$appliance ARCH=um -j$jobs all"

if [ "$cold_runs" -gt 0 ]; then
	rm -f "$raw/kunit-run.log"
	# kunit.py exits 1 when a KUnit test fails: -i keeps the timing, and
	# report.py takes a run as built only if kunit.py printed its
	# "Elapsed time" line, which follows a successful build.
	set -x
	hyperfine --style basic -i --runs "$cold_runs" --export-json "$raw/build-cold.json" \
		--prepare "rm -rf $appliance" -n appliance-cold \
		"$TOP/kernel-config/merge.sh $KTREE $appliance $FRAGMENTS >/dev/null && $kmake >$bench/kernel-build.log 2>&1" \
		--prepare "rm -rf $kunit" -n kunit-cold \
		"$kunit_py run --arch=um --build_dir=$kunit --jobs=$jobs >>$raw/kunit-run.log 2>&1"
	{ set +x; } 2>/dev/null
	# -i would also hide a failed appliance build: its timing is void then.
	if [ ! -x "$appliance/linux" ]; then
		rm -f "$raw/build-cold.json"
		echo "bench: the cold appliance build failed: see $bench/kernel-build.log" >&2
		exit 1
	fi
fi

for built in "$appliance/linux" "$kunit/linux"; do
	[ -e "$built" ] || {
		echo "bench: $built is missing: no incremental build to time; run make bench without BENCH_QUICK=1 once." >&2
		exit 0
	}
done
rm -f "$raw/kunit-build.log"
set -x
hyperfine --style basic --warmup 1 --runs "$incr_runs" --export-json "$raw/build-incremental.json" \
	--prepare "touch $KTREE/mm/mmu_gather.c" -n appliance-incremental \
	"$kmake >>$bench/kernel-build.log 2>&1" \
	-n kunit-incremental \
	"$kunit_py build --arch=um --build_dir=$kunit --jobs=$jobs >>$raw/kunit-build.log 2>&1"
