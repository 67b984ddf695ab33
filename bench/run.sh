#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: run the bench stages in one go, each against its peer, then
# write BUILD/bench/results.{json,md} and the plot (bench/README.md).
#
# usage: run.sh   (environment, set by the Makefile: TOP BUILD KTREE
#   FRAGMENTS LINUX INITRAMFS MEM STORM_BIN COVERAGE_TESTS RUN_SUITES; user knobs: BENCH_QUICK
#   BENCH_STAGES BENCH_RUNS)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
: "${TOP:?}" "${BUILD:?}" "${KTREE:?}" "${FRAGMENTS:?}" "${LINUX:?}" "${INITRAMFS:?}" "${STORM_BIN:?}" "${RUN_SUITES:?}"
# The knobs' defaults are the Makefile's (make help): it always sets them.
: "${BENCH_QUICK:?}" "${BENCH_STAGES:?}" "${BENCH_RUNS:?}"
export TOP BUILD KTREE FRAGMENTS LINUX INITRAMFS STORM_BIN COVERAGE_TESTS RUN_SUITES MEM=${MEM:-256M}
export DEBIAN_UML=/usr/bin/linux.uml
quick=$BENCH_QUICK
stages=$BENCH_STAGES
runs=$BENCH_RUNS
boot_runs=10
violation_boots=5
# Each cold build pair takes about 4 min and make test 1 min on 2 cores.
cold_runs=2
suite_runs=2
bench=$BUILD/bench
raw=$bench/raw

# The timed commands are run as a user types them, not as sub-makes.
unset MAKEFLAGS MFLAGS MAKELEVEL

usage_error() {
	echo "make bench: $1" >&2
	echo "BENCH_STAGES takes any of: boot storms suite console build loop coverage; BENCH_QUICK=1 skips" >&2
	echo "the cold builds; BENCH_RUNS=N (2..20) sets the runs per figure. Defaults: make help." >&2
	exit 2
}
for stage in $stages; do
	case $stage in boot|storms|suite|console|build|loop|coverage) ;; *) usage_error "unknown stage '$stage'." ;; esac
done
case $runs in [2-9]|1[0-9]|20) ;; *) usage_error "BENCH_RUNS=$runs is not in 2..20." ;; esac
case $quick in 0|1) ;; *) usage_error "BENCH_QUICK=$quick: use 1 to skip the cold builds, or leave it unset." ;; esac

# Other people's kernel builds, test runs and guests (boot-guest.sh's
# console line) would skew every figure: wait for them before each stage
# (at most 30 minutes, then go on and say so in the report).
list_others() {
	pgrep -af "make -C [^ ]* O=|-m harness run |initrd=.* con0=fd:0,fd:1"
}

wait_for_quiet() {
	local waited=0 busy
	while busy=$(list_others); do
		if [ "$waited" -ge 1800 ]; then
			echo "bench: still busy after 30 min, measuring anyway:" >&2
			echo "$busy" >&2
			echo "busy_while_${stage} 1" >>"$raw/meta.txt"
			return
		fi
		[ "$waited" -eq 0 ] && { echo "bench: waiting for other builds or tests to finish:"; echo "$busy"; } >&2
		sleep 10
		waited=$((waited + 10))
	done
	[ "$waited" -eq 0 ] || echo "waited_before_${stage}_s $waited" >>"$raw/meta.txt"
}

# KSRC trees are never modified, and the build and loop stages touch
# mm/mmu_gather.c: false (and a note) for those.
touches_tree() {
	[ "$KTREE" = "$BUILD/linux-source-6.12" ] && return 0
	echo "bench: $1 stage skipped: it touches mm/mmu_gather.c, and KSRC=$KTREE is never modified." >&2
	echo "${1}_skipped_ksrc 1" >>"$raw/meta.txt"
	return 1
}

run_stage() { # run_stage NAME: the stage's script with its arguments
	case $1 in
	boot) "$here/boot.sh" "$raw" "$boot_runs" ;;
	storms) "$here/guest.sh" "$raw" "$runs" "$violation_boots" ;;
	suite) "$here/suite.sh" "$raw" "$suite_runs" ;;
	console) "$here/console.sh" "$raw" "$bench" "$([ "$quick" = 1 ] && echo 0 || echo 1)" ;;
	build)
		touches_tree "$1" || return 0
		"$here/build.sh" "$raw" "$bench" "$([ "$quick" = 1 ] && echo 0 || echo "$cold_runs")" "$runs"
		;;
	loop)
		touches_tree "$1" || return 0
		"$here/loop.sh" "$raw" "$bench" "$runs"
		;;
	coverage) "$here/coverage.sh" "$raw" "$bench" "$([ "$quick" = 1 ] && echo 0 || echo 1)" 1 ;;
	esac
}

# One run's figures only: nothing of an earlier run may pass for this one's.
rm -rf "$raw" "$bench"/results.json "$bench"/results.md "$bench"/*.dat "$bench"/bench.png
mkdir -p "$raw"
{
	echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "host_cpus $(nproc)"
	echo "host_kernel $(uname -r)"
	echo "commit $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "quick $quick"
	echo "runs $runs"
	echo "stages ${stages// /,}"
	echo "loadavg_start $(cut -d' ' -f1 /proc/loadavg)"
} >"$raw/meta.txt"

# Builds last: they touch mm/mmu_gather.c, which make test would then
# rebuild; the loop after them, as it reuses KUnit's build directory.
for stage in boot storms suite console build loop coverage; do
	case " $stages " in *" $stage "*) ;; *) continue ;; esac
	wait_for_quiet
	echo "== bench: $stage" >&2
	start=$(date +%s)
	# A failed stage loses its own figures only; the report names it.
	run_stage "$stage" || {
		echo "bench: stage $stage failed (exit $?)" >&2
		echo "stage_${stage}_failed 1" >>"$raw/meta.txt"
	}
	echo "stage_${stage}_s $(($(date +%s) - start))" >>"$raw/meta.txt"
	# Someone who started meanwhile may have skewed this stage: say so.
	list_others >/dev/null && echo "others_running_after_${stage} 1" >>"$raw/meta.txt"
done
echo "loadavg_end $(cut -d' ' -f1 /proc/loadavg)" >>"$raw/meta.txt"

python3 "$here/report.py" "$raw" "$bench"
if [ -e "$bench/storms.dat" ]; then
	gnuplot -e "datadir='$bench'" "$here/plot.gp"
	echo "bench: $bench/results.md, $bench/results.json, $bench/bench.png" >&2
else
	echo "bench: $bench/results.md, $bench/results.json (no plot: the storms stage did not run)" >&2
fi
