#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The gdb command line a guest boots under, for make gdb and the gdb suites:
# quiet, with the appliance's set-up (appliance.gdb), then the caller's gdb
# arguments, ending with --args before boot-guest.sh adds the kernel's.
# gdb runs on a terminal of its own relayed to this one (gdb-terminal.py),
# so that Ctrl-C stops the running kernel into gdb.
#
# usage: BOOT_WRAPPER="scripts/gdb-wrapper.sh [GDB_ARGS...] --args" boot-guest.sh ...
here=$(dirname "$0")
# gdb 13 writes the XSTATE regset with a fixed 2696-byte buffer, which a
# host with a bigger XSAVE state (AMX: 11008) refuses.
xsave=$("$here/host-fact.sh" xsave_bytes)
if [ "${xsave:-0}" -gt 2696 ]; then
	echo "gdb-wrapper: this host's XSAVE state is $xsave bytes: gdb 13 cannot write its registers." >&2
	echo "  Breakpoints, stepping, backtraces and reading memory work; inferior calls (call, print f()," >&2
	echo "  printf with a string argument) and setting a register fail with" >&2
	echo "  'Couldn't write extended state status: Bad address'." >&2
fi
exec python3 "$here/gdb-terminal.py" gdb -q -x "$here/appliance.gdb" "$@"
