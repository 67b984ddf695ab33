// SPDX-License-Identifier: GPL-2.0
/*
 * ifunc_targets.c: print, one address a line, the implementation glibc's
 * IFUNC resolvers chose for each string, memory and libm function this
 * static program links (its IRELATIVE slots); test-glibc-tunables.sh names
 * them with nm. Built -static, like the guest's programs.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

/* The linker's bounds of a static program's IRELATIVE relocations. */
extern const Elf64_Rela __rela_iplt_start[] __attribute__((weak));
extern const Elf64_Rela __rela_iplt_end[] __attribute__((weak));

volatile long sink;
volatile double x = 0.5;

/* Called, so that each function and its resolver are linked. */
static void use_functions(void)
{
	char a[64] = "hello", b[64];
	wchar_t w[8] = L"abc";

	memcpy(b, a, 6);
	memmove(b, a, 6);
	memset(b, 0, 6);
	strcpy(b, a);
	stpcpy(b, a);
	wmemset(w, L'x', 2);
	sink = strlen(a) + strnlen(a, 9) + strcmp(a, b) + strncmp(a, b, 3) +
	       memcmp(a, b, 3) + strcasecmp(a, b) + strncasecmp(a, b, 2) +
	       (strchr(a, 'l') != NULL) + (strrchr(a, 'l') != NULL) +
	       (memchr(a, 'o', 5) != NULL) + (rawmemchr(a, 'o') != NULL) +
	       (memrchr(a, 'l', 5) != NULL) + (strstr(a, "ll") != NULL) +
	       strspn(a, "he") + strcspn(a, "o") + wcslen(w) +
	       wcscmp(w, L"ab") + (wcschr(w, L'x') != NULL) + wmemcmp(w, w, 2);
	x = sin(x) + cos(x) + tan(x) + atan(x) + exp(x) + log(x) + pow(x, x) +
	    fma(x, x, x) + sinf((float)x) + exp2f((float)x);
}

int main(void)
{
	const Elf64_Rela *r;

	use_functions();
	for (r = __rela_iplt_start; r < __rela_iplt_end; r++)
		printf("%lx\n", *(const unsigned long *)r->r_offset);
	return 0;
}
