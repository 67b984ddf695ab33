// SPDX-License-Identifier: GPL-2.0
/* Checks that the kernel keeps each process's vector registers and builds x86-64's signal frame. */
/*
 * A class of registers is tested when CPUID offers it, XCR0 enables it
 * and the signal frame's fx_sw_bytes.xfeatures claims it: SSE (xmm0-15),
 * AVX (the upper halves of ymm0-15), AVX-512 (zmm0-31's upper parts and
 * zmm16-31, k0-7). A kernel may save fewer components than the CPU has
 * (UML told its host saves 832 bytes); then only what it claims is held
 * to account, and the `# not tested:` line says what was left out.
 *
 * Each subtest loads patterns with fpstate_regs.S, which holds them with
 * no compiled code in between, and compares what comes back. The process
 * runs on one CPU, so that its threads and children take turns on it.
 * KTAP on stdout, line-buffered; exit codes as in kselftest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>
#include "fpstate.h"

struct fp_options opts = { .iterations = 50, .seconds = 0.5, .host_xstate = -1 };

static double tsc_hz;

/* The TSC is what vec_hold() can read without a syscall. */
static void calibrate_tsc(void)
{
	struct timespec a, b;
	uint64_t t0;
	double s;

	clock_gettime(CLOCK_MONOTONIC, &a);
	t0 = __rdtsc();
	do {
		clock_gettime(CLOCK_MONOTONIC, &b);
		s = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	} while (s < 0.02);
	tsc_hz = (double)(__rdtsc() - t0) / s;
}

uint64_t tsc_deadline(double seconds)
{
	return __rdtsc() + (uint64_t)(seconds * tsc_hz);
}

static struct subtest {
	const char *name;
	int (*run)(char *reason, size_t len);
	bool selected;
} subtests[] = {
	{ "threads", test_threads, false },
	{ "processes", test_processes, false },
	{ "fork", test_fork, false },
	{ "signal-raise", test_signal_raise, false },
	{ "signal-timer", test_signal_timer, false },
	{ "signal-kill", test_signal_kill, false },
	{ "frame", test_frame, false },
	{ "sigreturn-edit", test_sigreturn_edit, false },
};
#define NR_SUBTESTS (int)(sizeof(subtests) / sizeof(subtests[0]))

/* --corrupt's values, with the class each needs tested (0: the frame's). */
static const struct {
	const char *name;
	unsigned needs;
} corruptions[] = {
	[CORRUPT_XMM] = { "xmm", CLASS_SSE },
	[CORRUPT_YMM] = { "ymm", CLASS_AVX },
	[CORRUPT_ZMM] = { "zmm", CLASS_AVX512 },
	[CORRUPT_K] = { "k", CLASS_AVX512 },
	[CORRUPT_MAGIC1] = { "magic1", 0 },
	[CORRUPT_MAGIC2] = { "magic2", 0 },
	[CORRUPT_SIZE] = { "size", 0 },
	[CORRUPT_ALIGN] = { "align", 0 },
};
#define NR_CORRUPTIONS (int)(sizeof(corruptions) / sizeof(corruptions[0]))

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fpstate_check [--iterations N] [--seconds S] [--only NAME]... [--corrupt WHAT]\n"
		"                     [--host-xstate BYTES]\n"
		"Checks that the kernel keeps each process's vector registers (SSE xmm0-15,\n"
		"AVX ymm0-15, AVX-512 zmm0-31 and k0-7: each class CPUID offers, XCR0 enables\n"
		"and the signal frame claims) across context switches, fork and signals, and\n"
		"builds the signal frame's XSAVE state as x86-64 does. KTAP on stdout; exit\n"
		"0 pass, 1 fail, 2 bad usage, 4 skip.\n"
		"  --iterations N  signals in each signal subtest, 1 to 100000 (default 50)\n"
		"  --seconds S     how long threads, processes and fork each hold their\n"
		"                  registers, 0.01 to 3600 (default 0.5)\n"
		"  --only NAME     run only this subtest (again for more):");
	for (int i = 0; i < NR_SUBTESTS; i++)
		fprintf(f, "%s %s", i % 4 ? "" : "\n                 ", subtests[i].name);
	fprintf(f, "\n"
		"  --corrupt WHAT  negative control: change what the kernel gave back, so\n"
		"                  that subtests fail: xmm, ymm, zmm or k (one bit of a\n"
		"                  register, through a signal frame), magic1, magic2, size\n"
		"                  or align (the frame the frame subtest judges)\n"
		"  --host-xstate BYTES  the host's XSTATE regset size, where it is not\n"
		"                  this CPU's (the host simulator's XSTATE_SIM_SIZE): a\n"
		"                  frame may be that big; 0: the host has no XSAVE\n"
		"  -h, --help      this text\n");
}

static void bad_usage(const char *opt, const char *arg, const char *what)
{
	fprintf(stderr, "fpstate_check: %s %s: %s\n", opt, arg, what);
	usage(stderr);
	exit(2);
}

static void parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "iterations", required_argument, NULL, 'i' },
		{ "seconds", required_argument, NULL, 's' },
		{ "only", required_argument, NULL, 'o' },
		{ "corrupt", required_argument, NULL, 'c' },
		{ "host-xstate", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	bool only = false;
	char *end;
	int c, i;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			errno = 0;
			opts.iterations = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end ||
			    opts.iterations < 1 || opts.iterations > 100000)
				bad_usage("--iterations", optarg, "not a count from 1 to 100000");
			break;
		case 's':
			opts.seconds = strtod(optarg, &end);
			if (end == optarg || *end || !isfinite(opts.seconds) ||
			    opts.seconds < 0.01 || opts.seconds > 3600)
				bad_usage("--seconds", optarg, "not a number of seconds from 0.01 to 3600");
			break;
		case 'o':
			for (i = 0; i < NR_SUBTESTS && strcmp(optarg, subtests[i].name); i++)
				;
			if (i == NR_SUBTESTS)
				bad_usage("--only", optarg, "no such subtest");
			subtests[i].selected = only = true;
			break;
		case 'c':
			for (i = CORRUPT_XMM; i < NR_CORRUPTIONS && strcmp(optarg, corruptions[i].name); i++)
				;
			if (i == NR_CORRUPTIONS)
				bad_usage("--corrupt", optarg, "not one of xmm ymm zmm k magic1 magic2 size align");
			opts.corrupt = i;
			break;
		case 'x':
			errno = 0;
			opts.host_xstate = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end ||
			    opts.host_xstate < 0 || opts.host_xstate > 1 << 20)
				bad_usage("--host-xstate", optarg, "not a size in bytes from 0 to 1048576");
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc)
		bad_usage("argument", argv[optind], "fpstate_check takes options only");
	for (i = 0; !only && i < NR_SUBTESTS; i++)
		subtests[i].selected = true;
}

/* After the probe: a corruption needs its class tested, or an XSAVE frame. */
static void check_corruption(void)
{
	unsigned needs = corruptions[opts.corrupt].needs;

	if (opts.corrupt == CORRUPT_NONE)
		return;
	if (needs && !(host.classes & needs))
		bad_usage("--corrupt", corruptions[opts.corrupt].name,
			  "that class is not tested here (see fpstate_check's '# tested:' line)");
	if (!needs && !host.frame_xsave && opts.corrupt != CORRUPT_ALIGN)
		bad_usage("--corrupt", corruptions[opts.corrupt].name,
			  "the kernel's signal frame has no XSAVE state to corrupt");
}

static void print_classes(void)
{
	unsigned untested = host.cpu_classes & ~host.classes & ~CLASS_K64;

	printf("# cpu: CPUID and XCR0 %#llx offer %s\n",
	       (unsigned long long)host.xcr0, class_names(host.cpu_classes));
	if (host.frame_xsave)
		printf("# frame: xfeatures %#llx, xstate_size %u\n",
		       (unsigned long long)host.frame_xfeatures, host.frame_xstate_size);
	else
		printf("# frame: no FP_XSTATE_MAGIC1: an FXSAVE frame, SSE only\n");
	printf("# tested: %s\n", class_names(host.classes));
	if (untested)
		printf("# not tested: %s: the signal frame does not claim it\n",
		       class_names(untested) + (untested & CLASS_SSE ? 0 : 1));
	if (host.xcr0 & (3ULL << 17))
		printf("# not tested: amx: a process needs arch_prctl(ARCH_REQ_XCOMP_PERM) for it\n");
	if (opts.corrupt)
		printf("# corrupt: %s: a negative control, subtests must fail\n",
		       corruptions[opts.corrupt].name);
}

static int pin_to_one_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu < 0 ? 0 : cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : cpu;
}

int main(int argc, char **argv)
{
	int pass = 0, fail = 0, skip = 0, planned = 0, n = 0, cpu;
	char reason[400];

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_options(argc, argv);
	probe_host();
	calibrate_tsc();
	cpu = pin_to_one_cpu();
	if (install_handlers()) {
		perror("fpstate_check: sigaction");
		return KSFT_FAIL;
	}
	if (probe_frame(reason, sizeof(reason))) {
		printf("KTAP version 1\nBail out! probing the signal frame: %s\n", reason);
		return KSFT_FAIL;
	}
	check_corruption();
	printf("KTAP version 1\n");
	print_classes();
	if (cpu >= 0)
		printf("# pinned to CPU %d: the threads and processes take turns on it\n", cpu);
	else
		printf("# not pinned to one CPU: %s\n", strerror(-cpu));
	for (int i = 0; i < NR_SUBTESTS; i++)
		planned += subtests[i].selected;
	printf("1..%d\n", planned);
	for (int i = 0; i < NR_SUBTESTS; i++) {
		if (!subtests[i].selected)
			continue;
		reason[0] = '\0';
		switch (subtests[i].run(reason, sizeof(reason))) {
		case KSFT_PASS:
			pass++;
			printf("ok %d %s\n", ++n, subtests[i].name);
			break;
		case KSFT_SKIP:
			skip++;
			printf("ok %d %s # SKIP %s\n", ++n, subtests[i].name, reason);
			break;
		default:
			fail++;
			printf("not ok %d %s # %s\n", ++n, subtests[i].name, reason);
		}
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       pass, fail, skip);
	return fail ? KSFT_FAIL : !pass && skip ? KSFT_SKIP : KSFT_PASS;
}
