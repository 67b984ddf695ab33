#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Check glibc-tunables.sh against this host's glibc: under each shape's
# GLIBC_TUNABLES, no function of a static program may be one for registers
# the simulated host lacks (AVX-512 for 832; AVX, AVX2, FMA too for 0).
#
# usage: test-glibc-tunables.sh IFUNC_TARGETS   (the static ifunc_targets)
# TAP on stdout; exit 0 pass or skip, 1 fail.
set -eu

bin=${1:?usage: test-glibc-tunables.sh IFUNC_TARGETS}
here=$(dirname "$0")
nr=0
failed=0
symbols=$(mktemp)
addrs=$(mktemp)
trap 'rm -f "$symbols" "$addrs" "$addrs.shapes"' EXIT
nm "$bin" >"$symbols"

# the names of the implementations chosen under GLIBC_TUNABLES=$1
chosen() {
	GLIBC_TUNABLES=$1 "$bin" >"$addrs"
	awk 'NR == FNR { name[$1] = $3; next }
		{ a = sprintf("%016s", $1); gsub(/ /, "0", a); print name[a] }' \
		"$symbols" "$addrs" | sort -u
}

# forbidden N: the variants (name suffixes) the shape N must not choose,
# those of the register classes it lacks (tests/host-sim/shapes)
forbidden() {
	case $(awk -v n="$1" '!/^#/ && $1 == n { $1 = $2 = ""; print " " $0 " " }' "$here/shapes") in
	*" avx512 "*) echo '^$' ;;
	*" avx "*) echo '[a-z0-9]_(avx512|evex[0-9]*)(_|$)' ;;
	*) echo '[a-z0-9]_(avx[0-9]*|evex[0-9]*|fma[34]?)(_|$)' ;;
	esac
}

tap() {
	nr=$((nr + 1))
	if [ "$1" = ok ]; then
		echo "ok $nr $2"
	else
		echo "not ok $nr $2"
		failed=$((failed + 1))
		echo "# $3"
	fi
}

echo "TAP version 13"
awk '!/^#/ && NF { print $1 }' "$here/shapes" >"$addrs.shapes"
while read -r n; do
	value=$("$here/glibc-tunables.sh" "$n")
	bad=$(chosen "$value" | grep -E "$(forbidden "$n")" | tr '\n' ' ' || true)
	if [ -z "$bad" ]; then
		tap ok "shape_$n ${value:-(no tunables)}"
	else
		tap fail "shape_$n ${value:-(no tunables)}" "still chosen: $bad"
	fi
done <"$addrs.shapes"

# Negative control: without tunables this CPU's glibc chooses AVX-512 code.
if grep -qw avx512vl /proc/cpuinfo; then
	if chosen "" | grep -qE "$(forbidden 832)"; then
		tap ok "control_untuned_chooses_avx512"
	else
		tap fail "control_untuned_chooses_avx512" "no AVX-512 code chosen without tunables: the check sees nothing"
	fi
else
	nr=$((nr + 1))
	echo "ok $nr control_untuned_chooses_avx512 # SKIP this CPU has no AVX-512"
fi
echo "1..$nr"
echo "# $((nr - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
