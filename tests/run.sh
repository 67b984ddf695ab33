#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run expect suites, one guest each, JOBS at a time, and report them in
# order as they finish: KTAP on stdout, and under $RESULTS a directory per
# suite, summary.json and junit.xml. This script runs and watches the
# guests; tests/harness judges each suite and writes every report.
#
# usage: run.sh [SUITE...]   (environment: LINUX INITRAMFS MEM ARGS RESULTS
#   JOBS: suites at once, default 1; SHARD=I/N: run share I of N;
#   REPLAY_VARS: the variables a failure's replay line sets, tests/README.md)
# Exit status: 0 every suite passed, 1 one failed, 2 bad usage, 130 interrupted.
#
# Suite headers read here:
#   # timeout: SECONDS          whole-suite limit (default 120)
#   # console-limit-kb: KB      console output past which the guest is
#                               killed as a flood (default 20480)
#   # expect-failure: REGEX     a negative control: passes only if it
#                               failed for REGEX (a crash report, a
#                               timeout) and every failed check of its
#                               own matches REGEX (tests/harness/verdict.py)
set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${RESULTS:?}" "${LINUX:?}" "${INITRAMFS:?}" "${MEM:=256M}" "${ARGS:=}"
export LINUX INITRAMFS MEM ARGS BOOT_GUEST=$here/../scripts/boot-guest.sh

# The interpreter behind python3, found once: a version manager's shim
# (pyenv's is a shell script) cost 0.17 s of the 0.32 s each suite's
# judge took on a CI host.
python=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -x "$python" ] || python=python3

harness() {
	PYTHONPATH=$here PYTHONDONTWRITEBYTECODE=1 "$python" -m harness "$@"
}

known_suites() {
	local f
	for f in "$here"/*.exp; do
		f=${f##*/}
		echo "${f%.exp}"
	done
}

select_suites() {
	local known name ok=1
	known=$(known_suites)
	if [ $# -eq 0 ]; then
		echo "$known"
		return
	fi
	for name in "$@"; do
		if ! grep -qx -- "$name" <<<"$known"; then
			echo "make test: unknown test '$name'. Known tests:" >&2
			# shellcheck disable=SC2001 # indent every line
			sed 's/^/  /' <<<"$known" >&2
			ok=0
		fi
	done
	[ $ok = 1 ] || exit 2
	printf '%s\n' "$@"
}

header() { # header FILE KEY
	sed -n "s/^# $2: *//p" "$1" | head -n 1
}

kill_guest() { # kill_guest DIR: the whole UML process group, then wait for it
	"$here/../scripts/kill-guest.sh" "$1"
}

# watch_console DIR KB OWNER: kill the guest whose console log passes KB;
# end with OWNER, the suite's runner, even when an interrupt killed it.
watch_console() {
	local limit=$(($2 * 1024))
	while sleep 0.25 && kill -0 "$3" 2>/dev/null; do
		if [ "$(stat -c %s "$1/console.log" 2>/dev/null || echo 0)" -gt "$limit" ]; then
			echo "console flood: over $2 KB of output (guest killed)" >"$1/flood"
			kill_guest "$1" >/dev/null
			return
		fi
	done
}

# run_suite NAME NUMBER: run one suite, write what the runner saw to
# DIR/runner, have the harness judge it (DIR/result.json, and DIR/ktap as
# KTAP test NUMBER) and, last, touch DIR/verdict, which tells the main
# loop that the suite is done.
run_suite() {
	local name=$1 number=$2 file=$here/$1.exp dir=$RESULTS/$1
	local limit rc t0 t1 watcher survivor console_limit runner=$BASHPID
	rm -rf "$dir"
	mkdir -p "$dir"
	limit=$(header "$file" timeout)
	limit=$((${limit:-120} + 3 * ${DURATION:-0}))
	t0=$(date +%s.%N)
	console_limit=$(header "$file" console-limit-kb)
	watch_console "$dir" "${console_limit:-20480}" "$runner" &
	watcher=$!
	# timeout -k kills its own process group, itself included: keep bash's
	# "Killed" notice off the terminal (the verdict reports the time-out).
	# A coverage kernel (make coverage) writes its gcov counters under
	# GCOV_PREFIX when it powers off, so that guests never share a file;
	# any other kernel ignores it.
	{ TEST_DIR=$dir GCOV_PREFIX=$dir/gcov timeout -k 5 "$limit" expect -f "$file" >"$dir/suite.log" 2>&1 </dev/null; } 2>/dev/null
	rc=$?
	kill "$watcher" 2>/dev/null
	survivor=$(kill_guest "$dir")
	t1=$(date +%s.%N)
	{
		echo "exit_code $rc"
		echo "limit_s $limit"
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "duration_s %.3f\n", b - a }'
		echo "expect_failure $(header "$file" expect-failure)"
		echo "survivor $survivor"
	} >"$dir/runner"
	harness judge "$number" "$name" "$dir"
	touch "$dir/verdict"
}

# Ctrl-C or TERM: stop every running suite and its guest, keep what
# finished, and leave no half-written results file.
on_interrupt() {
	local dir
	trap - INT TERM
	# shellcheck disable=SC2046 # one word a job
	kill -TERM $(jobs -p) 2>/dev/null
	for dir in "$RESULTS"/*/; do
		[ -f "$dir/verdict" ] || kill_guest "$dir"
	done
	wait
	rm -f "$RESULTS"/*.tmp
	echo "Bail out! interrupted; the console logs of every suite are in $RESULTS"
	exit 130
}

# report_finished: print, in order, every suite that has finished since
# the last call
report_finished() {
	local name
	while [ "$reported" -lt ${#suites[@]} ]; do
		name=${suites[$reported]}
		[ -f "$RESULTS/$name/verdict" ] || return 0
		reported=$((reported + 1))
		cat "$RESULTS/$name/ktap"
	done
}

# start_order SUITE...: the suites longest first, by the duration each
# took in the last run under RESULTS (as CTest orders by its cost data),
# so that no long suite starts last while the other jobs sit idle; a
# suite with no last run goes first.
start_order() {
	local name d
	for name in "$@"; do
		d=$(sed -n 's/^duration_s //p' "$RESULTS/$name/runner" 2>/dev/null)
		echo "${d:-1e9} $name"
	done | sort -s -k1,1gr | cut -d' ' -f2
}

# busy_jobs: suites running that count against JOBS. A suite whose
# header says "# cpu: idle" waits out most of its time (selftest-hang
# sleeps until its limit) and takes no slot.
busy_jobs() {
	local pid n=0
	for pid in $(jobs -rp); do
		[ -n "${idle_pid[$pid]:-}" ] || n=$((n + 1))
	done
	echo "$n"
}

# Run the suites JOBS at a time, each in its own guest; report them in
# order as they finish.
main() {
	local name list order i
	local -A number
	declare -gA idle_pid=()
	suites=() reported=0
	list=$(select_suites "$@") || exit 2
	if [ -n "${SHARD:-}" ]; then
		# shellcheck disable=SC2086 # one word a suite
		list=$(harness shard "$SHARD" $list) || exit 2
	fi
	mapfile -t suites <<<"$list"
	[ -n "$list" ] || suites=()
	mkdir -p "$RESULTS"
	mapfile -t order < <(start_order "${suites[@]}")
	for i in "${!suites[@]}"; do
		number[${suites[$i]}]=$((i + 1))
		rm -f "$RESULTS/${suites[$i]}/verdict"
	done
	trap on_interrupt INT TERM
	harness ktap-header ${#suites[@]}
	for name in "${order[@]}"; do
		while [ "$(busy_jobs)" -ge "${JOBS:-1}" ]; do
			wait -n
			report_finished
		done
		run_suite "$name" "${number[$name]}" &
		[ "$(header "$here/$name.exp" cpu)" != idle ] || idle_pid[$!]=1
	done
	while [ "$reported" -lt ${#suites[@]} ]; do
		wait -n 2>/dev/null || sleep 0.2
		report_finished
	done
	wait
	harness finish "$RESULTS" "${suites[@]}"
}

# Sourced (by the unit test of start_order), define the functions only.
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
