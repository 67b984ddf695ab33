#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make mutate: measure what the storm suites catch. Each mutant of
# tests/mutate/mutants/ is applied to the kernel tree, the kernel rebuilt, the
# suites run RUNS times, and the tree restored byte for byte; a clean run
# on the restored tree closes. Exits 0 only if every mutant was caught in
# every run and the clean run passed.
#
# usage: mutate.sh   (environment, set by the Makefile: TOP KTREE KSRC
#   MUTATE_KSRC FALLBACK_FIX MUTANTS RUNS MUTATE_TESTS MAKE; and, for a
#   catalogue or an output of another place, MUTANTS_DIR and MUTATE_OUT)
#
# MUTATE_OUT (build/mutate/) holds NAME/runN/ (the runner's results of each run),
# NAME/build.log, clean/, results.json, and saved/ while a mutant is in
# the tree: the original files and which mutant is applied. A run killed
# with SIGKILL leaves saved/ behind; the next run restores from it first.
set -u

: "${TOP:?}" "${KTREE:?}" "${MAKE:=make}" "${RUNS:=3}"
MUTANTS_DIR=${MUTANTS_DIR:-$TOP/tests/mutate/mutants}
OUT=${MUTATE_OUT:-$TOP/build/mutate}
SAVED=$OUT/saved
child=

die() {
	echo "make mutate: $*" >&2
	exit 2
}

usage_error() {
	echo "make mutate: $*" >&2
	cat >&2 <<-EOF
	usage: make mutate [MUTANTS="name ..."] [RUNS=N] [MUTATE_TESTS="suite ..."]
	  MUTANTS       mutants to run, by name (default: all of tests/mutate/mutants/)
	  RUNS          runs of the suites per mutant, 1 to 20 (default 3)
	  MUTATE_TESTS  suites run against each mutant without a Suites: line of its own
	                (default: the mutate group of tests/suites/groups)
	  MUTATE_KSRC=1 allow make mutate to patch (and restore) the KSRC tree
	EOF
	exit 2
}

known_mutants() {
	local p
	for p in "$MUTANTS_DIR"/*.patch; do
		p=${p##*/}
		echo "${p%.patch}"
	done
}

# check_settings: refuse what would test the wrong tree or touch the
# user's tree without consent, before anything is changed.
check_settings() {
	local name known
	case $RUNS in '' | *[!0-9]* | 0) usage_error "RUNS=$RUNS is not a number of runs from 1 to 20." ;; esac
	[ "$RUNS" -le 20 ] || usage_error "RUNS=$RUNS is not a number of runs from 1 to 20."
	if [ -n "${KSRC:-}" ] && [ "${MUTATE_KSRC:-}" != 1 ]; then
		die "KSRC=$KSRC is your tree, and make mutate patches files in it (and restores them byte for byte afterwards). Run with MUTATE_KSRC=1 to allow it, or leave KSRC unset to mutate the appliance's own copy of Debian's linux-source-6.12."
	fi
	if [ "${FALLBACK_FIX:-}" = 1 ] || grep -qs tlb_remove_table_sync_rcu "$KTREE/mm/mmu_gather.c"; then
		die "$KTREE has the optional fallback fix (patches/optional/), and the mutants are written against the default series. Run make mutate without FALLBACK_FIX=1 on a tree without it (make distclean resets the Debian tree)."
	fi
	known=$(known_mutants)
	for name in $MUTANTS; do
		# shellcheck disable=SC2086 # one word a mutant
		grep -qx -- "$name" <<<"$known" ||
			usage_error "unknown mutant '$name'. Known mutants:$(printf '\n  %s' $known)"
	done
	for name in $MUTATE_TESTS; do
		[ -f "$TOP/tests/suites/$name.exp" ] || usage_error "MUTATE_TESTS: unknown suite '$name' (no tests/suites/$name.exp)."
	done
}

# touched_files PATCH: every path the patch changes, created or deleted
touched_files() {
	sed -n 's|^+++ b/||p; s|^--- a/||p' "$1" | sort -u
}

# check_mutants_apply NAME...: a dry run of each, so that a stale mutant
# stops the run before the tree is touched.
check_mutants_apply() {
	local name out bad=0
	for name; do
		if ! out=$(patch -d "$KTREE" -p1 -N -f --dry-run <"$MUTANTS_DIR/$name.patch" 2>&1); then
			printf '  %s\n' "$out" >&2
			echo "make mutate: mutant $name does not apply to $KTREE (tests/mutate/mutants/$name.patch, failed hunks above). Regenerate it against the patched tree (see tests/mutate/mutants/README.md)." >&2
			bad=1
		fi
	done
	[ $bad = 0 ] || exit 2
}

# save_tree NAME: copy every file the mutant touches to saved/, before
# it is applied; saved/applied names the mutant last.
save_tree() {
	local f
	rm -rf "$SAVED"
	mkdir -p "$SAVED/files"
	for f in $(touched_files "$MUTANTS_DIR/$1.patch"); do
		if [ -e "$KTREE/$f" ]; then
			mkdir -p "$SAVED/files/$(dirname "$f")"
			cp -p "$KTREE/$f" "$SAVED/files/$f"
			echo "present $f"
		else
			echo "absent $f"
		fi
	done >"$SAVED/manifest"
	echo "$1" >"$SAVED/applied"
}

# restore_tree: put back every saved file and check it byte for byte.
# The copies get a new mtime on purpose: kbuild must see the restored
# file as newer than the objects built from the mutant.
restore_tree() {
	local state f bad=0
	[ -f "$SAVED/applied" ] || return 0
	while read -r state f; do
		if [ "$state" = present ]; then
			cp "$SAVED/files/$f" "$KTREE/$f"
			cmp -s "$SAVED/files/$f" "$KTREE/$f" || bad=1
		else
			rm -f "$KTREE/$f"
			[ ! -e "$KTREE/$f" ] || bad=1
		fi
	done <"$SAVED/manifest"
	if [ $bad = 1 ]; then
		echo "make mutate: restoring $KTREE after mutant $(cat "$SAVED/applied") failed: the originals are in $SAVED/files; copy them back by hand." >&2
		exit 1
	fi
	echo "  RESTORE $KTREE ($(awk '{ print $2 }' "$SAVED/manifest" | tr '\n' ' ')identical to the originals)"
	rm -rf "$SAVED"
}

# run_child LOG CMD...: run CMD in its own process group, so that an
# interrupt can stop it with every guest it started.
run_child() {
	local log=$1 rc
	shift
	setsid "$@" >"$log" 2>&1 </dev/null &
	child=$!
	wait "$child"
	rc=$?
	child=
	return $rc
}

# Ctrl-C or TERM: stop the build or the suites, put the tree back.
on_interrupt() {
	local _
	trap - INT TERM
	if [ -n "$child" ]; then
		kill -TERM -- "-$child" 2>/dev/null
		for _ in $(seq 100); do
			kill -0 -- "-$child" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL -- "-$child" 2>/dev/null
	fi
	restore_tree
	echo "Bail out! make mutate interrupted; the tree is restored and the results so far are in $OUT" >&2
	exit 130
}

build_kernel() { # build_kernel LOG
	echo "  BUILD   $MAKE -C $TOP rootfs"
	run_child "$1" "$MAKE" --no-print-directory -C "$TOP" rootfs
}

run_suites() { # run_suites DIR SUITE...
	local dir=$1
	shift
	echo "  TEST    $MAKE -C $TOP test TESTS=\"$*\" RESULTS=$dir"
	run_child "$dir.log" "$MAKE" --no-print-directory -C "$TOP" test QUICK= TEST_CHECK= TESTS="$*" RESULTS="$dir"
	"$TOP/tests/harness.sh" mutate-run "$dir" "$@"
}

# mutant_suites NAME...: the suites that judge these mutants, one a line:
# each one's Suites: line (a bug outside the storms' reach, such as UML's FP
# state), else MUTATE_TESTS (tests/harness/mutate_report.py).
mutant_suites() {
	"$TOP/tests/harness.sh" mutate-suites "$MUTANTS_DIR" "$MUTATE_TESTS" "$@"
}

# run_mutant NAME: apply, build, run the suites RUNS times, restore.
run_mutant() {
	local name=$1 dir=$OUT/$1 r t0
	mkdir -p "$dir"
	t0=$(date +%s)
	echo "# mutant $name: $(sed -n 's/^Story: //p' "$MUTANTS_DIR/$name.patch")"
	save_tree "$name"
	echo "  PATCH   tests/mutate/mutants/$name.patch -> $KTREE"
	if ! patch -d "$KTREE" -p1 -N -f -s <"$MUTANTS_DIR/$name.patch"; then
		restore_tree
		die "mutant $name did not apply to $KTREE although its dry run did; the tree is restored."
	fi
	if build_kernel "$dir/build.log"; then
		for r in $(seq "$RUNS"); do
			# shellcheck disable=SC2046 # one word a suite
			run_suites "$dir/run$r" $(mutant_suites "$name")
		done
	else
		echo "build failed" >"$dir/build-failed"
		echo "  ERROR   the kernel with mutant $name does not build: $dir/build.log"
	fi
	restore_tree
	echo $(($(date +%s) - t0)) >"$dir/seconds"
}

main() {
	local name t0 clean_suites
	t0=$(date +%s)
	MUTANTS=${MUTANTS:-$(known_mutants)}
	check_settings
	mkdir -p "$OUT"
	exec 9>"$OUT/.lock"
	flock -n 9 || die "another make mutate, or the build or suites of one that was killed, is running on $OUT; wait for it to end."
	if [ -f "$SAVED/applied" ]; then
		echo "# an earlier make mutate was stopped with mutant $(cat "$SAVED/applied") in the tree: restoring it"
		restore_tree
	fi
	# shellcheck disable=SC2086 # one word a mutant
	check_mutants_apply $MUTANTS
	# The clean run: every suite a mutant of this run is judged by.
	# shellcheck disable=SC2086 # one word a mutant
	clean_suites=$(mutant_suites $MUTANTS)
	rm -rf "${OUT:?}"/*
	# shellcheck disable=SC2086
	printf '%s\n' $MUTANTS >"$OUT/plan"
	echo "$RUNS" >"$OUT/runs"
	trap on_interrupt INT TERM
	for name in $MUTANTS; do
		run_mutant "$name"
	done
	echo "# clean run on the restored tree"
	mkdir -p "$OUT/clean"
	build_kernel "$OUT/clean/build.log" || die "the restored tree does not build: $OUT/clean/build.log"
	# shellcheck disable=SC2086 # one word a suite
	run_suites "$OUT/clean/run1" $clean_suites
	echo $(($(date +%s) - t0)) >"$OUT/seconds"
	# shellcheck disable=SC2086 # one word a suite
	"$TOP/tests/harness.sh" mutate-report "$OUT" "$MUTANTS_DIR" $MUTATE_TESTS
}

main
