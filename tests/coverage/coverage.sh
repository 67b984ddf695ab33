#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Turn the gcov counters that each suite's guest wrote under
# RESULTS/SUITE/gcov (GCOV_PREFIX, tests/harness/runner.py) into genhtml's report and
# summary.json with its text summary (tests/harness/coverage.py): every
# suite's counters summed first (coverage-merge.sh), then one lcov capture
# of the sum; a suite that a negative control names also gets a tracefile
# of its own, of the control's file only. make coverage runs it after the
# suites.
#
# usage: coverage.sh KOBJ KTREE RESULTS OUT [PATCH...]   (environment:
#   WALKER_IN_TREE, where the Makefile links walker/ into KTREE)
#   KOBJ: the coverage kernel's build directory (its .gcno files)
#   KTREE: its source tree; RESULTS: the suites' results; OUT: the report
# Exit status: 0 done, 1 a negative control failed, 2 no coverage data.
set -eu -o pipefail

if [ $# -lt 4 ] || [ -z "${WALKER_IN_TREE:-}" ]; then
	sed -n '11,15s/^# \{0,1\}//p' "$0" >&2
	exit 2
fi
kobj=$1 ktree=$2 results=$3 out=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
# Branch counts are off in lcov 1.x unless asked for.
lcov_rc=(--rc lcov_branch_coverage=1)

harness=$here/../harness.sh

suites_run() {
	python3 -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["suites"]))' \
		"$results/summary.json"
}

# The .gcda files a suite's guests wrote (GCOV_PREFIX then KOBJ's path). A
# guest that did not power off (killed, crashed) wrote none.
counters_of() {
	echo "$results/$1/gcov$kobj"
}

has_counters() {
	[ -n "$(find "$1" -name '*.gcda' -print -quit 2>/dev/null)" ]
}

# link_notes DIR: the kernel's .gcno files beside DIR's .gcda files, where
# lcov looks for them.
link_notes() {
	local f
	(cd "$1" && find . -name '*.gcda') | while read -r f; do
		f=${f#./}
		ln -sfn "$kobj/${f%.gcda}.gcno" "$1/${f%.gcda}.gcno"
	done
}

# capture NAME INFO LCOV_ARGS...: INFO, or lcov's log and a failure.
capture() {
	local name=$1 info=$2
	shift 2
	lcov --quiet "${lcov_rc[@]}" --capture --test-name "${name//-/_}" --output-file "$info" \
		"$@" >"${info%.info}.log" 2>&1 || {
		cat "${info%.info}.log" >&2
		echo "coverage: lcov could not read $name's counters (log above): lcov --capture $*" >&2
		return 1
	}
	echo "  LCOV    $name -> $info"
}

# capture_control SUITE FILE...: OUT/suites/SUITE.info, FILE's lines only:
# a FILE.c's own object is read alone; a header, from every object.
capture_control() {
	local suite=$1 data file object every=0 from=() only=()
	data=$(counters_of "$suite")
	shift
	has_counters "$data" || return 0
	for file in "$@"; do
		only+=(--include "*/$file")
		object=${file%.c}
		if [[ $file = *.c && -e $data/$object.gcda ]]; then
			ln -sfn "$kobj/$object.gcno" "$data/$object.gcno"
			from+=(--directory "$data/$object.gcda")
		else
			every=1
		fi
	done
	if [ $every = 1 ]; then
		link_notes "$data"
		from=(--directory "$data")
	fi
	capture "$suite" "$out/suites/$suite.info" "${from[@]}" "${only[@]}"
}

main() {
	local name data files controls dirs=()
	[ -f "$results/summary.json" ] || {
		echo "coverage: $results/summary.json is missing: run the suites first (make coverage)" >&2
		exit 2
	}
	rm -rf "$out/suites"
	mkdir -p "$out/suites"
	for name in $(suites_run); do
		data=$(counters_of "$name")
		if has_counters "$data"; then
			dirs+=("$data")
		else
			echo "  LCOV    $name: no coverage data (no guest, or none that powered off normally)"
		fi
	done
	if [ ${#dirs[@]} = 0 ]; then
		echo "coverage: no suite wrote coverage data under $results/*/gcov: is $kobj a CONFIG_GCOV kernel with patches/coverage/ applied?" >&2
		exit 2
	fi
	echo "  MERGE   $here/coverage-merge.sh $out/gcda $results/SUITE/gcov$kobj (${#dirs[@]} suites)"
	"$here/coverage-merge.sh" "$out/gcda" "${dirs[@]}" || exit 2
	link_notes "$out/gcda"
	capture all-suites "$out/merged.info" --directory "$out/gcda" || exit 2
	controls=$("$harness" coverage-controls) || exit 2
	while IFS=$'\t' read -r name files && [ -n "$name" ]; do
		# shellcheck disable=SC2086 # one word a file
		capture_control "$name" $files || exit 2
	done <<<"$controls"
	echo "  HTML    genhtml --branch-coverage --prefix $ktree --output-directory $out $out/merged.info"
	genhtml --quiet --branch-coverage --prefix "$ktree" --title "RCU table-free appliance: make coverage" \
		--output-directory "$out" "$out/merged.info" >"$out/genhtml.log" 2>&1 || {
		cat "$out/genhtml.log" >&2
		echo "coverage: genhtml failed (log above)" >&2
		exit 2
	}
	"$harness" coverage --tree "$ktree" --walker-in-tree "$WALKER_IN_TREE" --results "$results" --html "$out/index.html" \
		--out "$out/summary.json" "$out/merged.info" "$out/suites" "$@"
}

main "$@"
