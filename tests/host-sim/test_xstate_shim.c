// SPDX-License-Identifier: GPL-2.0
/*
 * test_xstate_shim.c: the host simulator's native test, no UML: for every
 * host shape a tracer under the shim checks the regset rules on a stopped
 * child, and that a value set through the regset is what the child then has.
 *
 * usage: test_xstate_shim SHIM.so   (TAP on stdout; exit 0 pass or skip, 1 fail)
 * Each shape runs in a child process of its own (the shim reads its
 * XSTATE_SIM_SIZE once, at load): this program again with --shape N.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shapes.h"	/* generated from tests/host-sim/shapes */

#define PROBE_SIZE (64 * 1024)
#define XMM0_OFFSET 160		/* in the FXSAVE area */
#define YMM0_HI_OFFSET 576	/* the YMM component, standard format */
#define XCR0_OFFSET 464
#define XFEATURES_OFFSET 512
#define XCOMP_BV_OFFSET 520
#define HEADER_RESERVED_OFFSET 528
#define MASK_YMM (1ULL << 2)
#define MASK_XTILE_CFG (1ULL << 17)
#define MASK_XTILE_DATA (1ULL << 18)

static const unsigned int shapes[] = HOST_SHAPES;
static const long peek_word = 0x5ca1ab1e0ddba11L;
static unsigned char state[PROBE_SIZE], work[PROBE_SIZE];
static int failures;

/* --- the shape checks, in the child: one "PASS name" or "FAIL name: why" a line --- */

static void report(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s", ok ? "PASS" : "FAIL", name);
	if (!ok) {
		printf(": ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		failures++;
	}
	putchar('\n');
	fflush(stdout);
}

/* N is one of the shapes of tests/host-sim/shapes. */
static int is_shape(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		if (shapes[i] == n)
			return 1;
	return 0;
}

static uint64_t get_u64(const unsigned char *buf, unsigned int offset)
{
	uint64_t v;

	memcpy(&v, buf + offset, sizeof(v));
	return v;
}

static void put_u64(unsigned char *buf, unsigned int offset, uint64_t v)
{
	memcpy(buf + offset, &v, sizeof(v));
}

/*
 * The tracee: stop, then hand xmm0 (and ymm0's upper half, @with_avx) to
 * the tracer as they were when it resumed: the stop and the store are one
 * asm block, so no compiled code runs between them.
 */
static void run_tracee(int fd, int with_avx)
{
	unsigned char regs[32] __attribute__((aligned(32)));
	long nr = SYS_kill;
	long self = getpid();
	size_t len = with_avx ? 32 : 16;

	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
		_exit(3);
	if (with_avx)
		asm volatile("syscall\n\t"
			     "vmovdqu %%ymm0, (%[regs])"
			     : "+a"(nr)
			     : "D"(self), "S"((long)SIGSTOP), [regs] "r"(regs)
			     : "rcx", "r11", "memory");
	else
		asm volatile("syscall\n\t"
			     "movdqu %%xmm0, (%[regs])"
			     : "+a"(nr)
			     : "D"(self), "S"((long)SIGSTOP), [regs] "r"(regs)
			     : "rcx", "r11", "memory");
	if (write(fd, regs, len) != (ssize_t)len)
		_exit(4);
	_exit(0);
}

static long regset(int req, pid_t pid, void *buf, size_t len, size_t *len_out)
{
	struct iovec iov = { buf, len };
	long r = ptrace(req, pid, (void *)NT_X86_XSTATE, &iov);

	if (len_out)
		*len_out = iov.iov_len;
	return r;
}

/* A set that must fail with @err; @what names it. */
static void expect_set_error(pid_t pid, const char *name, size_t len, int err)
{
	long r = regset(PTRACE_SETREGSET, pid, work, len, NULL);

	report(r == -1 && errno == err, name, "SETREGSET of %zu bytes: %ld (%s), want %s",
	       len, r, r ? strerror(errno) : "success", strerror(err));
}

/*
 * The user XCR0 the regset must show, worked out here and not by the
 * shim's code: the simulated host's, or with no XSTATE_SIM_SIZE (the shim
 * passing through, or absent) this host's own, as XGETBV reads it.
 */
static uint64_t expected_xfeatures(unsigned int n)
{
	unsigned int eax, ebx, ecx, edx;
	uint64_t mpx;

	if (!getenv("XSTATE_SIM_SIZE")) {
		asm volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
		return ((uint64_t)edx << 32 | eax) & 0x602ff;	/* the kernel's user features */
	}
	__cpuid_count(0xd, 0, eax, ebx, ecx, edx);
	mpx = eax & 0x18;	/* BNDREGS, BNDCSR: 960..1088, where this CPU has them */
	switch (n) {
	case 832:
		return 0x7;
	case 2696:
		return 0x2e7 | mpx;
	default:
		return 0x602e7 | mpx;
	}
}

static void check_xsave_shape(unsigned int n, pid_t pid)
{
	uint64_t want = expected_xfeatures(n), foreign;
	unsigned int smaller[] = { 11008, 2696, 832, 512 };
	unsigned int i;
	size_t len;
	long r;
	char name[64];

	r = regset(PTRACE_GETREGSET, pid, state, sizeof(state), &len);
	report(r == 0 && len == n, "get_size", "GETREGSET: %ld, %zu bytes, want %u", r, len, n);
	report(get_u64(state, XCR0_OFFSET) == want, "get_xcr0",
	       "XCR0 at 464: %#llx, want %#llx",
	       (unsigned long long)get_u64(state, XCR0_OFFSET), (unsigned long long)want);
	report(!(get_u64(state, XFEATURES_OFFSET) & ~want) && !get_u64(state, XCOMP_BV_OFFSET),
	       "get_header", "xfeatures %#llx xcomp_bv %#llx, want within %#llx and 0",
	       (unsigned long long)get_u64(state, XFEATURES_OFFSET),
	       (unsigned long long)get_u64(state, XCOMP_BV_OFFSET), (unsigned long long)want);
	r = regset(PTRACE_GETREGSET, pid, work, 512, &len);
	report(r == 0 && len == 512 && !memcmp(work, state, 512), "get_short",
	       "GETREGSET of 512: %ld, %zu bytes, same as the first 512: %d", r, len,
	       !memcmp(work, state, 512));
	r = regset(PTRACE_GETREGSET, pid, work, 12, NULL);
	report(r == -1 && errno == EINVAL, "get_unaligned", "GETREGSET of 12: %ld (%s), want EINVAL",
	       r, r ? strerror(errno) : "success");

	memcpy(work, state, n);
	r = regset(PTRACE_SETREGSET, pid, work, n, &len);
	report(r == 0 && len == n, "set_same", "SETREGSET of the %u got: %ld (%s), %zu bytes",
	       n, r, r ? strerror(errno) : "success", len);
	for (i = 0; i < sizeof(smaller) / sizeof(smaller[0]); i++) {
		if (smaller[i] >= n)
			continue;
		snprintf(name, sizeof(name), "set_%u_efault", smaller[i]);
		expect_set_error(pid, name, smaller[i], EFAULT);
	}
	expect_set_error(pid, "set_short_by_8_efault", n - 8, EFAULT);
	expect_set_error(pid, "set_unaligned_einval", n - 4, EINVAL);
	/* The kernel clamps a longer iov_len to its size. */
	r = regset(PTRACE_SETREGSET, pid, work, n + 8, &len);
	report(r == 0 && len == n, "set_longer_clamped", "SETREGSET of %u: %ld (%s), %zu bytes, want 0, %u",
	       n + 8, r, r ? strerror(errno) : "success", len, n);

	put_u64(work, XFEATURES_OFFSET, get_u64(state, XFEATURES_OFFSET) | MASK_XTILE_DATA);
	expect_set_error(pid, "set_xtile_data_einval", n, EINVAL);
	foreign = !(want & (1ULL << 5)) ? 1ULL << 5 : !(want & MASK_XTILE_CFG) ? MASK_XTILE_CFG : 1ULL << 8;
	put_u64(work, XFEATURES_OFFSET, get_u64(state, XFEATURES_OFFSET) | foreign);
	snprintf(name, sizeof(name), "set_foreign_bit_%d_einval", __builtin_ctzll(foreign));
	expect_set_error(pid, name, n, EINVAL);
	put_u64(work, XFEATURES_OFFSET, get_u64(state, XFEATURES_OFFSET));
	put_u64(work, XCOMP_BV_OFFSET, 1ULL << 63 | want);
	expect_set_error(pid, "set_xcomp_bv_einval", n, EINVAL);
	put_u64(work, XCOMP_BV_OFFSET, 0);
	work[HEADER_RESERVED_OFFSET + 7] = 1;
	expect_set_error(pid, "set_header_reserved_einval", n, EINVAL);
	work[HEADER_RESERVED_OFFSET + 7] = 0;
	if (want & MASK_XTILE_CFG) {
		put_u64(work, XFEATURES_OFFSET, get_u64(state, XFEATURES_OFFSET) | MASK_XTILE_CFG);
		r = regset(PTRACE_SETREGSET, pid, work, n, NULL);
		report(r == 0, "set_xtile_cfg", "SETREGSET with XTILE_CFG (no data): %ld (%s)",
		       r, r ? strerror(errno) : "success");
	}

	/* Last: the value the child resumes with. */
	memcpy(work, state, n);
	for (i = 0; i < 16; i++) {
		work[XMM0_OFFSET + i] = 0xa0 + i;
		work[YMM0_HI_OFFSET + i] = 0xc0 + i;
	}
	put_u64(work, XFEATURES_OFFSET, get_u64(state, XFEATURES_OFFSET) | 0x2 | MASK_YMM);
	r = regset(PTRACE_SETREGSET, pid, work, n, NULL);
	report(r == 0, "set_value", "SETREGSET with xmm0, ymm0: %ld (%s)", r, r ? strerror(errno) : "success");
}

static void check_no_xsave_shape(pid_t pid)
{
	struct user_fpregs_struct fp;
	size_t len;
	long r;
	int i;

	r = regset(PTRACE_GETREGSET, pid, state, sizeof(state), &len);
	report(r == -1 && errno == ENODEV, "get_enodev", "GETREGSET: %ld (%s), want ENODEV",
	       r, r ? strerror(errno) : "success");
	expect_set_error(pid, "set_enodev", 512, ENODEV);
	expect_set_error(pid, "set_unaligned_einval", 508, EINVAL);
	/* Such a host's FP registers: PTRACE_GETFPREGS, 512 bytes, passed through. */
	r = ptrace(PTRACE_GETFPREGS, pid, NULL, &fp);
	report(r == 0, "getfpregs", "PTRACE_GETFPREGS: %ld (%s)", r, r ? strerror(errno) : "success");
	for (i = 0; i < 16; i++)
		((unsigned char *)fp.xmm_space)[i] = 0xa0 + i;
	r = ptrace(PTRACE_SETFPREGS, pid, NULL, &fp);
	report(r == 0, "set_value", "PTRACE_SETFPREGS with xmm0: %ld (%s)", r, r ? strerror(errno) : "success");
}

static int run_shape(unsigned int n)
{
	unsigned char got[32], want[32];
	int fds[2], status, i;
	long word;
	pid_t pid;
	int has_avx = n != 0 && __builtin_cpu_supports("avx");

	if (pipe(fds) < 0) {
		report(0, "setup", "pipe: %s", strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		run_tracee(fds[1], has_avx);
	}
	close(fds[1]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		printf("SKIP tracing: the child did not stop under ptrace (ptrace not allowed here?)\n");
		return 0;
	}

	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, pid, (void *)&peek_word, NULL);
	report(word == peek_word && errno == 0, "peekdata_passthrough",
	       "PTRACE_PEEKDATA: %#lx (%s), want %#lx", word, strerror(errno), peek_word);
	if (n)
		check_xsave_shape(n, pid);
	else
		check_no_xsave_shape(pid);

	memset(got, 0, sizeof(got));
	for (i = 0; i < 16; i++) {
		want[i] = 0xa0 + i;
		want[16 + i] = 0xc0 + i;
	}
	if (ptrace(PTRACE_CONT, pid, NULL, NULL) < 0 ||
	    read(fds[0], got, has_avx ? 32 : 16) != (has_avx ? 32 : 16))
		report(0, "child_value", "the child did not report its registers: %s", strerror(errno));
	else
		report(!memcmp(got, want, has_avx ? 32 : 16), "child_value",
		       "the child resumed with other xmm0/ymm0 bytes than were set (first: %#x, want %#x)",
		       got[0], want[0]);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return failures != 0;
}

/* --- the driver: a shape per child process, TAP out --- */

static int tap_nr, tap_failed;

static void tap(int ok, const char *name, const char *why)
{
	printf("%s %d %s\n", ok ? "ok" : "not ok", ++tap_nr, name);
	tap_failed += !ok;
	if (!ok && why)
		printf("# %s\n", why);
	fflush(stdout);
}

/*
 * This program again with --shape N and @env set; each line it prints is a
 * test; @expect_fail inverts the shape's verdict (the negative control).
 * Returns whether the shape skipped (ptrace refused here).
 */
static int drive_shape(const char *self, const char *label, unsigned int n,
		       char *const env[], int expect_fail)
{
	char arg[16], line[512], name[600];
	int fds[2], status, failed = 0, skipped = 0;
	FILE *out;
	pid_t pid;

	snprintf(arg, sizeof(arg), "%u", n);
	if (pipe(fds) < 0)
		exit(1);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		execle(self, self, "--shape", arg, (char *)NULL, env);
		_exit(127);
	}
	close(fds[1]);
	out = fdopen(fds[0], "r");
	while (fgets(line, sizeof(line), out)) {
		char *why = strchr(line, ':');

		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "SKIP ", 5)) {
			printf("ok %d %s # SKIP %s\n", ++tap_nr, label, line + 5);
			skipped = 1;
			continue;
		}
		if (why) {
			*why++ = '\0';
			why += *why == ' ';
		}
		failed |= !strncmp(line, "FAIL ", 5);
		if (expect_fail)
			continue;
		snprintf(name, sizeof(name), "%s %s", label, line + 5);
		tap(!strncmp(line, "PASS ", 5), name, why);
	}
	fclose(out);
	waitpid(pid, &status, 0);
	/* A control that could not run here (ptrace refused) is its SKIP above. */
	if (expect_fail && !(skipped && !failed))
		tap(failed, label, "every check passed without the shim: the test cannot tell the shapes apart");
	else if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
		tap(0, label, "the shape's process died");
	return skipped;
}

/*
 * A shape's log must show the shim at work (its first use line) and the
 * requests it refused above: ": EFAULT" lines (tests/lib/fpstate.tcl
 * check_shim_log fails a guest on any), or ": ENODEV" without XSAVE.
 */
static void check_log(const char *label, const char *log, unsigned int n)
{
	const char *refusal = n ? ": EFAULT" : ": ENODEV";
	char line[256], want[64], name[160];
	int found = 0, refused = 0;
	FILE *f = fopen(log, "r");

	snprintf(want, sizeof(want), "presenting %u bytes", n);
	while (f && fgets(line, sizeof(line), f)) {
		found |= strstr(line, want) != NULL;
		refused |= strstr(line, refusal) != NULL;
	}
	if (f)
		fclose(f);
	snprintf(name, sizeof(name), "%s log_shows_shim", label);
	tap(found, name, "no 'presenting N bytes' line in XSTATE_SIM_LOG");
	snprintf(name, sizeof(name), "%s log_shows_refusals", label);
	tap(refused, name, "no line of the refused requests in XSTATE_SIM_LOG");
}

/* An unknown XSTATE_SIM_SIZE stops the program at load, saying why. */
static void check_bad_size(const char *self, const char *preload)
{
	char *env[] = { (char *)preload, "XSTATE_SIM_SIZE=1234", NULL };
	char buf[512] = "";
	int fds[2], status;
	size_t got = 0;
	ssize_t len;
	pid_t pid;

	if (pipe(fds) < 0)
		exit(1);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		execle(self, self, "--shape", "0", (char *)NULL, env);
		_exit(127);
	}
	close(fds[1]);
	while (got < sizeof(buf) - 1 && (len = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += len;
	buf[got] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	tap(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT &&
	    strstr(buf, "XSTATE_SIM_SIZE=1234 is not a host shape"),
	    "bad_size_aborts_at_load", "XSTATE_SIM_SIZE=1234 did not abort at load with its message");
}

static unsigned int real_regset_size(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE))
		return 0;
	__cpuid_count(0xd, 0, eax, ebx, ecx, edx);
	return ebx;
}

int main(int argc, char **argv)
{
	char preload[4096], size_env[32], log_env[4200], log[4096], label[32];
	unsigned int real = real_regset_size(), control, i;
	char *no_shim[] = { NULL };

	if (argc == 3 && !strcmp(argv[1], "--shape"))
		return run_shape(atoi(argv[2]));
	if (argc != 2 || argv[1][0] != '/') {
		fprintf(stderr, "usage: %s /ABSOLUTE/PATH/xstate-shim.so\n", argv[0]);
		return 2;
	}
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", argv[1]);
	snprintf(log, sizeof(log), "%s.test-log", argv[1]);
	snprintf(log_env, sizeof(log_env), "XSTATE_SIM_LOG=%s", log);

	printf("TAP version 13\n# real host: NT_X86_XSTATE %u bytes (CPUID 0xD)\n", real);
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		char *env[] = { preload, size_env, log_env, NULL };

		snprintf(label, sizeof(label), "shape_%u", shapes[i]);
		if (shapes[i] && !real) {
			printf("ok %d %s # SKIP this host has no XSAVE: it stands only for 0\n",
			       ++tap_nr, label);
			continue;
		}
		snprintf(size_env, sizeof(size_env), "XSTATE_SIM_SIZE=%u", shapes[i]);
		unlink(log);
		if (!drive_shape("/proc/self/exe", label, shapes[i], env, 0))
			check_log(label, log, shapes[i]);
	}
	unlink(log);
	check_bad_size("/proc/self/exe", preload);

	/* Unset, the shim passes everything through: this host's own shape. */
	snprintf(label, sizeof(label), "unset_passes_%u", real);
	if (real && is_shape(real)) {
		char *env[] = { preload, log_env, NULL };

		drive_shape("/proc/self/exe", label, real, env, 0);
		tap(access(log, F_OK) != 0, "unset_writes_no_log", "XSTATE_SIM_LOG was written with XSTATE_SIM_SIZE unset");
		unlink(log);
	} else {
		printf("ok %d %s # SKIP this host's own shape is none of tests/host-sim/shapes\n", ++tap_nr, label);
	}

	/* Negative control: another shape's checks, no shim, must fail here. */
	control = real == 832 ? 2696 : 832;
	snprintf(label, sizeof(label), "control_%u_fails_without_shim", control);
	if (real)
		drive_shape("/proc/self/exe", label, control, no_shim, 1);
	else
		printf("ok %d %s # SKIP no XSAVE here\n", ++tap_nr, label);

	printf("1..%d\n# %d passed, %d failed\n", tap_nr, tap_nr - tap_failed, tap_failed);
	return tap_failed != 0;
}
