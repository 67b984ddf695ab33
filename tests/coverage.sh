#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Turn the gcov counters that each suite's guest wrote under
# RESULTS/SUITE/gcov (GCOV_PREFIX, tests/run.sh) into lcov tracefiles, one
# per suite and one merged, genhtml's report and summary.json with its text
# summary (tests/harness/coverage.py). make coverage runs it after the suites.
#
# usage: coverage.sh KOBJ KTREE RESULTS OUT [PATCH...]
#   KOBJ: the coverage kernel's build directory (its .gcno files)
#   KTREE: its source tree; RESULTS: the suites' results; OUT: the report
#   JOBS (environment): tracefiles captured at once, default 1
# Exit status: 0 done, 1 a negative control failed, 2 no coverage data.
set -eu -o pipefail

[ $# -ge 4 ] || { sed -n '7,11s/^# \{0,1\}//p' "$0" >&2; exit 2; }
kobj=$1 ktree=$2 results=$3 out=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
# Branch counts are off in lcov 1.x unless asked for.
lcov_rc=(--rc lcov_branch_coverage=1)

suites_run() {
	python3 -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["suites"]))' \
		"$results/summary.json"
}

# capture_suite NAME: OUT/suites/NAME.info from the .gcda files its guests
# wrote, read with the kernel's .gcno files (linked beside them). A guest
# that did not power off (killed, crashed) wrote none: no tracefile.
capture_suite() {
	local name=$1 data=$results/$1/gcov$kobj f
	if [ -z "$(find "$data" -name '*.gcda' -print -quit 2>/dev/null)" ]; then
		echo "  LCOV    $name: no coverage data (no guest, or none that powered off normally)"
		return 0
	fi
	(cd "$data" && find . -name '*.gcda') | while read -r f; do
		f=${f#./}
		ln -sfn "$kobj/${f%.gcda}.gcno" "$data/${f%.gcda}.gcno"
	done
	lcov --quiet "${lcov_rc[@]}" --capture --directory "$data" --test-name "${name//-/_}" \
		--output-file "$out/suites/$name.info" >"$out/suites/$name.log" 2>&1 || {
		cat "$out/suites/$name.log" >&2
		echo "coverage: lcov could not read $name's counters in $data (log above)" >&2
		return 1
	}
	echo "  LCOV    $name -> $out/suites/$name.info"
}

main() {
	local name merge=() status=0
	[ -f "$results/summary.json" ] || {
		echo "coverage: $results/summary.json is missing: run the suites first (make coverage)" >&2
		exit 2
	}
	rm -rf "$out/suites"
	mkdir -p "$out/suites"
	echo "  LCOV    lcov ${lcov_rc[*]} --capture --directory $results/SUITE/gcov$kobj (one per suite)"
	for name in $(suites_run); do
		while [ "$(jobs -rp | wc -l)" -ge "${JOBS:-1}" ]; do wait -n || status=1; done
		capture_suite "$name" &
	done
	while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n || status=1; done
	[ $status = 0 ] || exit 2
	for name in "$out"/suites/*.info; do
		[ -e "$name" ] && merge+=(--add-tracefile "$name")
	done
	if [ ${#merge[@]} = 0 ]; then
		echo "coverage: no suite wrote coverage data under $results/*/gcov: is $kobj a CONFIG_GCOV kernel with patches/coverage/ applied?" >&2
		exit 2
	fi
	echo "  LCOV    lcov ${lcov_rc[*]} --add-tracefile SUITE.info... --output-file $out/merged.info"
	lcov --quiet "${lcov_rc[@]}" "${merge[@]}" --output-file "$out/merged.info"
	echo "  HTML    genhtml --branch-coverage --prefix $ktree --output-directory $out $out/merged.info"
	genhtml --quiet --branch-coverage --prefix "$ktree" --title "RCU table-free appliance: make coverage" \
		--output-directory "$out" "$out/merged.info" >"$out/genhtml.log" 2>&1 || {
		cat "$out/genhtml.log" >&2
		echo "coverage: genhtml failed (log above)" >&2
		exit 2
	}
	PYTHONPATH=$here PYTHONDONTWRITEBYTECODE=1 python3 -m harness coverage --tree "$ktree" \
		--results "$results" --html "$out/index.html" --out "$out/summary.json" \
		"$out/merged.info" "$out/suites" "$@"
}

main "$@"
