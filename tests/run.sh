#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run expect suites, one guest each: TAP on stdout, and under $RESULTS a
# directory per suite (console.log, suite.log, counters), junit.xml and
# summary.json. A guest's kernel BUG/WARNING/panic/RCU stall/KASAN report
# fails its suite whatever the suite itself concluded.
#
# usage: run.sh [SUITE...]   (environment: LINUX INITRAMFS MEM ARGS RESULTS
#                             JOBS: suites run at once, default 1)
#
# Suite headers read here:
#   # timeout: SECONDS          whole-suite limit (default 120)
#   # console-limit-mb: MB      console output past which the guest is
#                               killed as a flood (default 20)
#   # expect-failure: REGEX     a negative control: passes only if the
#                               runner fails it for REGEX (a crash
#                               report, a timeout) while all of the
#                               suite's own checks pass
set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${RESULTS:?}" "${LINUX:?}" "${INITRAMFS:?}" "${MEM:=256M}" "${ARGS:=}"
export LINUX INITRAMFS MEM ARGS BOOT_GUEST=$here/../scripts/boot-guest.sh

# What the runner treats as a broken kernel, with the reason it reports.
crash_patterns=(
	'Kernel panic:kernel panic'
	'BUG: KASAN:KASAN report'
	'BUG::kernel BUG'
	'WARNING::kernel WARNING'
	'rcu: INFO: .*detected stall:RCU stall'
	'detected stalls on CPUs/tasks:RCU stall'
)

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
	local pid i
	[ -f "$1/guest.pid" ] || return 0
	pid=$(cat "$1/guest.pid")
	kill -KILL -- "-$pid" 2>/dev/null
	for i in $(seq 50); do
		kill -0 -- "-$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "UML process group $pid survived SIGKILL"
}

# watch_console DIR MB: kill the guest whose console log passes MB
watch_console() {
	local limit=$(($2 * 1024 * 1024))
	while sleep 1; do
		if [ "$(stat -c %s "$1/console.log" 2>/dev/null || echo 0)" -gt "$limit" ]; then
			echo "console flood: over $2 MB of output (guest killed)" >"$1/flood"
			kill_guest "$1" >/dev/null
			return
		fi
	done
}

scan_console() { # scan_console LOG: print the first crash reason found
	local p
	for p in "${crash_patterns[@]}"; do
		if grep -qE -- "${p%:*}" "$1" 2>/dev/null; then
			echo "${p##*:}: $(grep -m1 -E -- "${p%:*}" "$1" | tr -d '\r' | cut -c1-160)"
			return
		fi
	done
}

json_str() { # a JSON string literal
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\t'/\\t}
	s=${s//$'\r'/}
	s=${s//$'\n'/\\n}
	printf '"%s"' "$s"
}

xml_str() {
	local s=${1//&/&amp;}
	s=${s//</&lt;}
	s=${s//>/&gt;}
	s=${s//\"/&quot;}
	printf '%s' "$s"
}

# verdict_of_exit RC LIMIT SUITE_LOG: set verdict and reason from the exit code
verdict_of_exit() {
	case $1 in
	0) verdict=pass reason= ;;
	2) verdict=xfail reason=$(sed -n 's/^XFAIL: *//p' "$3" | head -n 1) ;;
	3) verdict=fail reason="passed unexpectedly (XPASS): the known failure is gone, update the suite" ;;
	4) verdict=skip reason=$(sed -n 's/^SKIP: *//p' "$3" | head -n 1) ;;
	124 | 137) verdict=fail reason="timed out after $2 s (guest killed)" ;;
	*) verdict=fail reason=$(grep -m1 '^FAIL' "$3") ;;
	esac
	[ -n "$reason" ] || [ "$verdict" != fail ] || reason="suite exited with status $1"
}

# run_suite NAME: run one suite; leaves DIR/reason, DIR/duration and,
# last, DIR/verdict, which tells the main loop that the suite is done.
run_suite() {
	local name=$1 file=$here/$1.exp dir=$RESULTS/$1
	local limit expected rc t0 t1 crash watcher survivor console_limit
	rm -rf "$dir"
	mkdir -p "$dir"
	limit=$(header "$file" timeout)
	limit=$((${limit:-120} + 3 * ${DURATION:-0}))
	expected=$(header "$file" expect-failure)
	t0=$(date +%s.%N)
	console_limit=$(header "$file" console-limit-mb)
	watch_console "$dir" "${console_limit:-20}" &
	watcher=$!
	TEST_DIR=$dir timeout -k 5 "$limit" expect -f "$file" >"$dir/suite.log" 2>&1 </dev/null
	rc=$?
	kill "$watcher" 2>/dev/null
	survivor=$(kill_guest "$dir")
	t1=$(date +%s.%N)
	crash=$(scan_console "$dir/console.log")
	verdict_of_exit "$rc" "$limit" "$dir/suite.log"
	if [ -f "$dir/flood" ]; then
		verdict=fail reason=$(cat "$dir/flood")
	elif [ "$verdict" = pass ] && [ -f "$dir/console.log" ] && ! grep -q "reboot: Power down" "$dir/console.log"; then
		verdict=fail reason="the guest did not power off cleanly (killed or crashed)"
	fi
	# An expected failure may WARN (the walker reports violations so) or,
	# on a KASAN kernel, read what was freed; any other crash report
	# fails every suite.
	if [ -n "$crash" ] && [ "$verdict" != skip ] &&
		! { [ "$verdict" = xfail ] && [[ $crash =~ ^(kernel WARNING|KASAN report) ]]; }; then
		verdict=fail reason=$crash
	fi
	if [ -n "$expected" ] && [ "$verdict" != skip ]; then
		# A negative control: the runner must fail it for the expected
		# reason, and any check of the suite's own that failed must be
		# that same reason, not another one.
		if [ "$verdict" = fail ] && [[ $reason =~ $expected ]] &&
			! grep '^FAIL' "$dir/suite.log" | grep -qvE -- "$expected"; then
			verdict=pass reason="negative control: the runner caught it ($reason)"
		else
			verdict=fail
			reason="negative control: expected the runner to report '$expected' with every other check of the suite passing; got $verdict${reason:+ ($reason)}$(grep -m1 '^FAIL' "$dir/suite.log" | sed 's/^/, /')"
		fi
	fi
	if [ -n "$survivor" ]; then
		verdict=fail reason=$survivor
	fi
	printf '%s\n' "$reason" >"$dir/reason"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >"$dir/duration"
	printf '%s\n' "$verdict" >"$dir/verdict.tmp"
	mv "$dir/verdict.tmp" "$dir/verdict"
}

report_tap() { # report_tap N NAME
	local n=$1 name=$2 dir=$RESULTS/$2 verdict reason
	verdict=$(cat "$dir/verdict")
	reason=$(cat "$dir/reason")
	sed 's/^/# /' "$dir/suite.log"
	case $verdict in
	pass) echo "ok $n $name${reason:+ # $reason}" ;;
	xfail) echo "ok $n $name # XFAIL $reason" ;;
	skip) echo "ok $n $name # SKIP $reason" ;;
	*)
		echo "not ok $n $name"
		echo "# reason: $reason"
		echo "# console log: $dir/console.log (last lines follow)"
		tail -n 15 "$dir/console.log" 2>/dev/null | tr -d '\r' | sed 's/^/#   /'
		echo "# replay: make test TESTS=$name SEED=$(awk '$1 == "seed" { print $2 }' "$dir/counters")${ARGS:+ ARGS='$ARGS'} MEM=$MEM"
		;;
	esac
}

write_results() { # write_results NAME...: junit.xml and summary.json, atomically
	local name dir v tests=0 fails=0 skips=0 first=1 k val
	{
		echo '{'
		echo '  "tests": {'
		for name in "$@"; do
			dir=$RESULTS/$name
			[ -f "$dir/verdict" ] || continue
			[ $first = 1 ] || echo ','
			first=0
			printf '    %s: {"result": %s, "duration_s": %s, "reason": %s, "counters": {' \
				"$(json_str "$name")" "$(json_str "$(cat "$dir/verdict")")" \
				"$(cat "$dir/duration")" "$(json_str "$(cat "$dir/reason")")"
			local sep=
			if [ -f "$dir/counters" ]; then
				while read -r k val; do
					[[ $val =~ ^-?[0-9]+(\.[0-9]+)?$ ]] || val=$(json_str "$val")
					printf '%s%s: %s' "$sep" "$(json_str "$k")" "$val"
					sep=', '
				done <"$dir/counters"
			fi
			printf '}}'
		done
		echo
		echo '  }'
		echo '}'
	} >"$RESULTS/summary.json.tmp"
	{
		for name in "$@"; do
			dir=$RESULTS/$name
			[ -f "$dir/verdict" ] || continue
			tests=$((tests + 1))
			v=$(cat "$dir/verdict")
			[ "$v" = fail ] && fails=$((fails + 1))
			[ "$v" = skip ] && skips=$((skips + 1))
		done
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo "<testsuite name=\"rcu-table-free-appliance\" tests=\"$tests\" failures=\"$fails\" skipped=\"$skips\">"
		for name in "$@"; do
			dir=$RESULTS/$name
			[ -f "$dir/verdict" ] || continue
			v=$(cat "$dir/verdict")
			printf '  <testcase classname="appliance" name="%s" time="%s">' "$(xml_str "$name")" "$(cat "$dir/duration")"
			case $v in
			fail) printf '<failure message="%s"/>' "$(xml_str "$(cat "$dir/reason")")" ;;
			skip) printf '<skipped message="%s"/>' "$(xml_str "$(cat "$dir/reason")")" ;;
			esac
			printf '<system-out>console log: %s</system-out></testcase>\n' "$(xml_str "$dir/console.log")"
		done
		echo '</testsuite>'
	} >"$RESULTS/junit.xml.tmp"
	mv "$RESULTS/summary.json.tmp" "$RESULTS/summary.json"
	mv "$RESULTS/junit.xml.tmp" "$RESULTS/junit.xml"
}

# Ctrl-C or TERM: stop every running suite and its guest, keep what
# finished, and leave no half-written results file.
on_interrupt() {
	local dir
	trap - INT TERM
	kill -TERM $(jobs -p) 2>/dev/null
	for dir in "$RESULTS"/*/; do
		[ -f "$dir/verdict" ] || kill_guest "$dir"
	done
	wait
	rm -f "$RESULTS"/*.tmp
	echo "Bail out! interrupted; the console logs of every suite are in $RESULTS" >&2
	exit 130
}

# report_finished: print, in order, every suite that has finished since
# the last call and count its verdict
report_finished() {
	local name v
	while [ "$reported" -lt ${#suites[@]} ]; do
		name=${suites[$reported]}
		[ -f "$RESULTS/$name/verdict" ] || return 0
		reported=$((reported + 1))
		report_tap "$reported" "$name"
		v=$(cat "$RESULTS/$name/verdict")
		case $v in
		pass | xfail) passed=$((passed + 1)) ;;
		skip) skipped=$((skipped + 1)) ;;
		*) failed=$((failed + 1)) ;;
		esac
	done
}

# Run the suites JOBS at a time, each in its own guest; report them in
# order as they finish.
main() {
	local name
	suites=() reported=0 passed=0 failed=0 skipped=0
	mapfile -t suites < <(select_suites "$@") || exit 2
	[ ${#suites[@]} -gt 0 ] || exit 2
	mkdir -p "$RESULTS"
	for name in "${suites[@]}"; do rm -f "$RESULTS/$name/verdict"; done
	trap on_interrupt INT TERM
	echo "TAP version 13"
	echo "1..${#suites[@]}"
	for name in "${suites[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "${JOBS:-1}" ]; do
			wait -n
			report_finished
		done
		run_suite "$name" &
	done
	while [ "$reported" -lt ${#suites[@]} ]; do
		wait -n 2>/dev/null || sleep 0.2
		report_finished
	done
	wait
	write_results "${suites[@]}"
	echo "# results: $RESULTS/summary.json $RESULTS/junit.xml"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
}

main "$@"
