#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Before any guest boots: what this host is, and whether the kernel about
# to boot can run on it. Each known cause of a boot death is named with
# its fix; exit 1 if one of them holds.
#
# usage: doctor.sh KTREE BUILD MEM_MIB
#   XSTATE_SIM_SIZE (environment): the host simulator's XSTATE size
set -eu

ktree=$1 build=$2 mem_mib=$3
fail=0
say() { echo "  DOCTOR  $*"; }
blocker() { echo "doctor: $*" >&2; fail=1; }

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mkdir -p "$build"
# The XSAVE size as UML will find it: the host's answer to a tracer (the
# simulator's, under HOST_SIM), which also tells whether ptrace works.
probe=$build/ptrace-probe
src=$(dirname "$0")/ptrace-probe.c
[[ "$probe" -nt "$src" ]] || gcc -O2 -o "$probe" "$src"
if [ -n "${XSTATE_SIM_SIZE:-}" ]; then
	xsave=$(LD_PRELOAD=$XSTATE_SHIM "$probe") || true
else
	xsave=$("$probe") || true
fi
case $xsave in
[0-9]*) ;;
*)
	blocker "this host does not let a process trace its child (${xsave:-the probe printed nothing}), and UML must:"
	# Yama's scope 3 forbids all ptrace, and only a reboot lowers it.
	if [ "$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null)" = 3 ]; then
		blocker "  kernel.yama.ptrace_scope is 3. Fix: a host with ptrace_scope 0-2 (it can only be lowered by a reboot)."
	else
		blocker "  Fix: in a container, allow ptrace (docker run --cap-add=SYS_PTRACE --security-opt seccomp=unconfined)."
	fi
	xsave=0
	;;
esac
say "host: ${cpu:-unknown CPU}; XSAVE ${xsave} bytes${XSTATE_SIM_SIZE:+ (simulated)}; kernel $(uname -r)"
# xsave_bytes is what the guests see: the simulator's under HOST_SIM.
printf '{"cpu": "%s", "xsave_bytes": %s, "xsave_simulated": %s, "host_kernel": "%s"}\n' \
	"${cpu//[\"\\]/}" "$xsave" "$([ -n "${XSTATE_SIM_SIZE:-}" ] && echo true || echo false)" \
	"$(uname -r)" >"$build/host.json"

# 6.12 UML sets a fixed 2696 bytes of XSTATE; a bigger host refuses it
# (patches/0013: the size found at boot).
if [ "$xsave" -gt 2696 ] &&
	! grep -q host_fp_size "$ktree/arch/x86/um/shared/sysdep/ptrace.h" 2>/dev/null; then
	blocker "$ktree has no host-sized UML FP state, and this host's XSAVE state is $xsave bytes:"
	blocker "  every guest would die at the first exec of /init (ptrace set fp regs failed, errno = 14)."
	blocker "  Fix: apply patches/0013-0015 (make KSRC=$ktree APPLY_PATCHES=1), or leave KSRC unset."
fi

# UML maps its memory from TMPDIR (else /dev/shm, then /tmp) with PROT_EXEC.
tmp=${TMPDIR:-/dev/shm}
if [ -d "$tmp" ] && grep -qE "[[:space:]]${tmp}[[:space:]].*noexec" /proc/mounts; then
	blocker "$tmp is mounted noexec: UML maps its memory from it executable."
	blocker "  Fix: TMPDIR=/path/on/an/exec/filesystem make ..."
fi

avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
if [ -n "$avail" ] && [ "$avail" -lt "$mem_mib" ]; then
	say "only $avail MiB of memory are available against MEM=${mem_mib}M: the guest may be killed"
fi
exit $fail
