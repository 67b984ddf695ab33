// SPDX-License-Identifier: GPL-2.0
/*
 * Print the bytes of XSAVE state this host's kernel enabled (CPUID leaf
 * 0xd, sub-leaf 0, EBX: the size for the features in XCR0), which is the
 * size of its ptrace XSTATE regset; 0 when the CPU has no XSAVE.
 */
#include <cpuid.h>
#include <stdio.h>

int main(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE)) {
		puts("0");
		return 0;
	}
	__cpuid_count(0xd, 0, eax, ebx, ecx, edx);
	printf("%u\n", ebx);
	return 0;
}
