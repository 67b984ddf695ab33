#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run one guest's expect script for a bench stage, its console and log kept
# in RAW/NAME/, and make sure no UML process outlives it: a guest that
# fails loses only its own figures, never the stage.
#
# usage: run-guest.sh SCRIPT RAW NAME [ARG...]   (SCRIPT's arguments follow
#   NAME; environment as for tests/lib/suite.tcl: LINUX INITRAMFS MEM)
set -u

here=$(cd "$(dirname "$0")" && pwd)
script=$1 raw=$2 name=$3
shift 3
export ARGS='' BOOT_GUEST="$here/../scripts/boot-guest.sh" TEST_DIR="$raw/$name"
mkdir -p "$TEST_DIR"
echo "  GUEST   $script -> $TEST_DIR/console.log" >&2
expect "$script" "$@" >"$TEST_DIR/suite.log" 2>&1 ||
	echo "bench: $script failed (exit $?): see $TEST_DIR/suite.log and console.log" >&2
"$here/../scripts/kill-guest.sh" "$TEST_DIR" >&2 || true
