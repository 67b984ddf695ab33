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
exec python3 "$here/gdb-terminal.py" gdb -q -x "$here/appliance.gdb" "$@"
