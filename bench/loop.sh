#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Loop stage: a developer's edit to verdict after touching mm/mmu_gather.c,
# the appliance's `make test QUICK=1` (incremental build, walker, initramfs,
# the quick profile's suites) beside KUnit's `kunit.py run --arch=um`
# (incremental build and its tests) on the same tree, in the same run.
#
# usage: loop.sh RAW BENCH RUNS   (environment: TOP KTREE)
set -eu

raw=$1 bench=$2 runs=$3
kunit_py="python3 $KTREE/tools/testing/kunit/kunit.py"
# -i keeps the timing of a failed run; report.py reads each run's
# closing totals line from loop.log and says when one failed.
set -x
hyperfine --style basic -i --warmup 1 --runs "$runs" --export-json "$raw/loop.json" \
	--prepare "touch $KTREE/mm/mmu_gather.c" -n appliance-quick \
	"make -C $TOP test QUICK=1 >>$raw/loop.log 2>&1" \
	--prepare "touch $KTREE/mm/mmu_gather.c" -n kunit-run \
	"$kunit_py run --arch=um --build_dir=$bench/kunit --jobs=2 >>$raw/kunit-loop.log 2>&1"
