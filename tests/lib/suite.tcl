# SPDX-License-Identifier: GPL-2.0
# What every suite sources: its results, the guest's console, the walker
# and the storms. The runner (tests/harness/runner.py) sets TEST_DIR and
# BOOT_GUEST; make test sets LINUX, INITRAMFS, MEM, ARGS and FRAGMENTS.

set lib_dir [file dirname [info script]]
source [file join $lib_dir results.tcl]
source [file join $lib_dir console.tcl]
source [file join $lib_dir walker.tcl]
