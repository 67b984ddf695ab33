#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the GLIBC_TUNABLES value that keeps glibc 2.36 (Debian 12) from
# choosing code for registers a simulated host (XSTATE_SIM_SIZE) does not
# have: the guest runs on this CPU, whose CPUID still shows them.
#
# usage: glibc-tunables.sh N   (N as XSTATE_SIM_SIZE: a size of shapes)
# Prints nothing when glibc needs no cap (AVX-512 hosts: glibc uses no AMX).
# Checked by test-glibc-tunables.sh (make check-host-sim).
set -eu

# Every name glibc 2.36's cpu-tunables.c accepts for them: clearing
# AVX512F does not clear the others, nor AVX AVX_Fast_Unaligned_Load.
avx512=-AVX512F,-AVX512CD,-AVX512ER,-AVX512PF,-AVX512VL,-AVX512DQ,-AVX512BW
avx=-AVX,-AVX2,-FMA,-FMA4,-AVX_Fast_Unaligned_Load

# The register classes the shape saves (tests/host-sim/shapes).
classes=$(awk -v n="${1-}" '!/^#/ && $1 == n { $1 = $2 = ""; print " " $0 " " }' "$(dirname "$0")/shapes")
if [ -z "$classes" ]; then
	echo "usage: glibc-tunables.sh N   (N: a size of tests/host-sim/shapes, as XSTATE_SIM_SIZE)" >&2
	exit 2
fi
caps=
case $classes in *" avx512 "*) ;; *) caps=$avx512 ;; esac
case $classes in *" avx "*) ;; *) caps=$caps,$avx ;; esac
[ -z "$caps" ] || echo "glibc.cpu.hwcaps=${caps#,}"
