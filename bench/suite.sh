#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Suite stage: hyperfine times the default `make test` (every suite, each
# in its own guest) as a user runs it, on an appliance already built; then
# the suites alone, the runner (RUN_SUITES) as make test starts it after
# make check and kbuild's check that the kernel is up to date.
#
# usage: suite.sh RAW RUNS   (environment: TOP LINUX INITRAMFS RUN_SUITES)
set -eu

raw=$1 runs=$2
# A failing suite must not lose the timing: -i, and suite.log keeps the
# TAP and the closing "N passed, N failed" line for report.py.
set -x
hyperfine --style basic -i --runs "$runs" --export-json "$raw/suite.json" -n make-test \
	"make -C $TOP test >>$raw/suite.log 2>&1" -n suites \
	"LINUX=$LINUX INITRAMFS=$INITRAMFS $RUN_SUITES --results $raw/suites-results --jobs $(nproc) >>$raw/suites.log 2>&1"
