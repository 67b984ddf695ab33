#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Coverage stage (not in the default BENCH_STAGES: two cold builds and two
# make test runs): hyperfine times the cold build of the coverage kernel
# beside the plain one's, each in a fresh O= directory under BENCH, then
# make coverage's suites on each (make test, make test COVERAGE=1) and once
# the report (make coverage-report) that make coverage adds.
#
# usage: coverage.sh RAW BENCH COLD_RUNS SUITE_RUNS
#   (environment: TOP BUILD KTREE FRAGMENTS COVERAGE_TESTS; COLD_RUNS 0
#   skips the builds)
set -eu

: "${COVERAGE_TESTS:?}"
raw=$1 bench=$2 cold_runs=$3 suite_runs=$4
jobs=2
covtree=$BUILD/linux-source-6.12-coverage
plain=$bench/kernel-plain
cov=$bench/kernel-coverage

# make coverage unpacks and patches the coverage tree and links the walker in.
if [ ! -e "$covtree/.appliance-patched" ] || [ ! -e "$covtree/mm/table_walker" ]; then
	echo "bench: the coverage stage needs $covtree: run make coverage once first." >&2
	exit 1
fi
if [ "$cold_runs" -gt 0 ]; then
	set -x
	hyperfine --style basic --runs "$cold_runs" --export-json "$raw/coverage-build.json" \
		--prepare "rm -rf $plain" -n plain-cold \
		"$TOP/kernel-config/merge.sh $KTREE $plain $FRAGMENTS >/dev/null && make -C $KTREE O=$plain ARCH=um -j$jobs all >$bench/plain-build.log 2>&1" \
		--prepare "rm -rf $cov" -n coverage-cold \
		"$TOP/kernel-config/merge.sh $covtree $cov $FRAGMENTS $TOP/kernel-config/coverage.config >/dev/null && make -C $covtree O=$cov ARCH=um -j$jobs all >$bench/coverage-build.log 2>&1"
	{ set +x; } 2>/dev/null
	echo "plain_linux_bytes $(stat -c %s "$plain/linux")" >"$raw/coverage-size.txt"
	echo "coverage_linux_bytes $(stat -c %s "$cov/linux")" >>"$raw/coverage-size.txt"
fi
# The same suites on both kernels: make coverage's, since a host-only
# selftest checks make's errors, which COVERAGE=1 changes. A failing suite
# must not lose the timing: -i; the log keeps each run's closing
# "N passed, N failed" line for report.py.
set -x
hyperfine --style basic -i --runs "$suite_runs" --export-json "$raw/coverage-suite.json" \
	-n make-test "make -C $TOP test TESTS='$COVERAGE_TESTS' >>$raw/coverage-suite.log 2>&1" \
	-n make-test-coverage "make -C $TOP test COVERAGE=1 TESTS='$COVERAGE_TESTS' >>$raw/coverage-suite.log 2>&1"
hyperfine --style basic --runs 1 --export-json "$raw/coverage-report.json" \
	-n coverage-report "make -C $TOP coverage-report >$raw/coverage-report.log 2>&1"
