#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Which gdb commands write the XSTATE regset, and so fail with Debian 12's
# gdb 13.1 on a host whose regset is over 2696 bytes: each runs under the
# shim presenting 11008 bytes (AMX). Inferior calls and vector-register
# writes must fail there (and work at 2696); breakpoints, continue,
# finish, backtraces, memory and general registers must not: make gdb and
# the gdb suites rely on that.
#
# usage: test-gdb-xstate-writes.sh SHIM PROGRAM   (PROGRAM: any with main)
# TAP on stdout; exit 0 pass or skip, 1 fail.
set -eu

shim=${1:?usage: test-gdb-xstate-writes.sh SHIM PROGRAM}
prog=${2:?usage: test-gdb-xstate-writes.sh SHIM PROGRAM}
if ! command -v gdb >/dev/null 2>&1; then
	echo "1..0 # SKIP gdb is not installed (apt-get install gdb)"
	exit 0
fi

# OPERATION<TAB>writes: whether gdb writes the XSTATE regset for it
# shellcheck disable=SC2016 # gdb's $registers, not the shell's
cases=$(printf '%s\n' \
	'continue	no' \
	'finish	no' \
	'bt	no' \
	'x/4gx $sp	no' \
	'print $xmm0	no' \
	'set $rax = 7	no' \
	'call (int)getpid()	yes' \
	'set $xmm0.v4_int32[0] = 7	yes')
writes=$(printf '%s\n' "$cases" | grep -c 'yes$')
echo "1..$(($(printf '%s\n' "$cases" | wc -l) + writes))"
nr=0
failed=0

# refused SIZE OPERATION: whether gdb failed to write extended state
refused() {
	LD_PRELOAD=$shim XSTATE_SIM_SIZE=$1 gdb -q -batch -nx -ex 'break main' -ex run \
		-ex "$2" "$prog" </dev/null 2>&1 | grep -q "Couldn't write extended state"
}

report() { # report OK NAME
	nr=$((nr + 1))
	if [ "$1" = 1 ]; then printf 'ok %d %s\n' $nr "$2"; else printf 'not ok %d %s\n' $nr "$2"; failed=$((failed + 1)); fi
}

tab=$(printf '\t')
while IFS=$tab read -r op writes; do
	if refused 11008 "$op"; then got=yes; else got=no; fi
	report "$([ $got = "$writes" ] && echo 1)" "11008 bytes: '$op' writes the XSTATE regset: $writes (refused: $got)"
	[ "$writes" = yes ] || continue
	# The control: the same gdb, a host of the size it writes.
	if refused 2696 "$op"; then got=yes; else got=no; fi
	report "$([ $got = no ] && echo 1)" "2696 bytes: '$op' works (refused: $got)"
done <<EOT
$cases
EOT
echo "# $((nr - failed)) passed, $failed failed"
[ $failed = 0 ]
