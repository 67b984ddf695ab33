#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the GLIBC_TUNABLES value that keeps glibc 2.36 (Debian 12) from
# choosing code for registers a simulated host (XSTATE_SIM_SIZE) does not
# have: the guest runs on this CPU, whose CPUID still shows them.
#
# usage: glibc-tunables.sh N   (N as XSTATE_SIM_SIZE: 11008, 2696, 832 or 0)
# Prints nothing when glibc needs no cap (AVX-512 hosts: glibc uses no AMX).
# Checked by test-glibc-tunables.sh (make check-host-sim).
set -eu

# Every name glibc 2.36's cpu-tunables.c accepts for them: clearing
# AVX512F does not clear the others, nor AVX AVX_Fast_Unaligned_Load.
avx512=-AVX512F,-AVX512CD,-AVX512ER,-AVX512PF,-AVX512VL,-AVX512DQ,-AVX512BW
avx=-AVX,-AVX2,-FMA,-FMA4,-AVX_Fast_Unaligned_Load

case ${1-} in
11008 | 2696) ;;
832) echo "glibc.cpu.hwcaps=$avx512" ;;
0) echo "glibc.cpu.hwcaps=$avx512,$avx" ;;
*)
	echo "usage: glibc-tunables.sh N   (N: 11008, 2696, 832 or 0, as XSTATE_SIM_SIZE)" >&2
	exit 2
	;;
esac
