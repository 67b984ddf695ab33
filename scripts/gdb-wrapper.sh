#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The gdb command line a guest boots under, for make gdb and the gdb suite:
# quiet, with the appliance's set-up (appliance.gdb), then the caller's gdb
# arguments, ending with --args before boot-guest.sh adds the kernel's.
#
# usage: BOOT_WRAPPER="scripts/gdb-wrapper.sh [GDB_ARGS...] --args" boot-guest.sh ...
exec gdb -q -x "$(dirname "$0")/appliance.gdb" "$@"
