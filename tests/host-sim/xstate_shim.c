// SPDX-License-Identifier: GPL-2.0
/*
 * xstate_shim.c: an LD_PRELOAD shim for the UML linux binary that makes this
 * host's x86 XSTATE ptrace regset (PTRACE_GETREGSET/SETREGSET NT_X86_XSTATE)
 * look like that of a host whose regset is XSTATE_SIM_SIZE bytes, with the
 * host kernel's rules, so that every host shape can be tested on one machine.
 *
 * The rules are those of Linux 6.12: kernel/ptrace.c ptrace_regset(),
 * arch/x86/kernel/fpu/regset.c xstateregs_get()/xstateregs_set() and
 * xstate.c __copy_xstate_to_uabi_buf()/validate_user_xstate_header().
 * Every other ptrace request goes to glibc's ptrace() untouched.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shapes.h"	/* generated from tests/host-sim/shapes */

/* More than any host's regset: the kernel shrinks iov_len to its own size. */
#define PROBE_SIZE (64 * 1024)
/*
 * Bytes 464..511 of the regset are the kernel's xstate_fx_sw_bytes
 * (arch/x86/kernel/ptrace.c): word 0 is the host's user XCR0, the rest is
 * zero. This is not the signal frame's struct _fpx_sw_bytes (no magic1).
 */
#define SW_BYTES_OFFSET 464
#define SW_BYTES_SIZE 48
#define HEADER_OFFSET 512
#define XFEATURES_OFFSET 512
#define XCOMP_BV_OFFSET 520
#define HEADER_RESERVED_OFFSET 528
#define HEADER_RESERVED_SIZE 48
#define LEGACY_SIZE 576		/* FXSAVE area and XSAVE header */

#define XFEATURE_XTILE_DATA 18
#define XFEATURE_MAX 19
#define MASK_XTILE_DATA (1ULL << XFEATURE_XTILE_DATA)
/* XFEATURE_MASK_USER_SUPPORTED: x87 SSE YMM BNDREGS BNDCSR OPMASK ZMM_Hi256 Hi16_ZMM PKRU XTILE */
#define MASK_USER_SUPPORTED 0x602ffULL

/* After this many lines the log only counts: UML sets the regset often. */
#define LOG_LINES_MAX 64

struct component {
	unsigned int offset;
	unsigned int size;
};

/*
 * The standard-format layout of the components a simulated host may have
 * that this CPU may lack (CPUID 0xD answers only for its own): the same on
 * every Intel and AMD CPU that has them.
 */
static const struct component standard_layout[XFEATURE_MAX] = {
	[2] = { 576, 256 },	/* YMM */
	[5] = { 1088, 64 },	/* AVX-512 opmask */
	[6] = { 1152, 512 },	/* ZMM_Hi256 */
	[7] = { 1664, 1024 },	/* Hi16_ZMM */
	[9] = { 2688, 8 },	/* PKRU */
	[17] = { 2752, 64 },	/* XTILE_CFG */
	[18] = { 2816, 8192 },	/* XTILE_DATA */
};

typedef long (*ptrace_fn)(enum __ptrace_request, pid_t, void *, void *);

static ptrace_fn real_ptrace;
static int sim_active;
static unsigned int sim_size;		/* N */
static uint64_t sim_xfeatures;		/* the simulated host's user XCR0 */
static struct component layout[XFEATURE_MAX];
static int log_fd = -1;
static unsigned long n_get, n_set, n_efault, n_einval, n_enodev, n_lines, n_refusal_lines;
static int first_use_logged;
static __thread unsigned char *state_buf;	/* the real regset, per thread */

static void log_line(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	if (log_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "xstate-sim[%d]: ", (int)getpid());
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line: UML's processes share the file (O_APPEND). */
	if (write(log_fd, line, n) < 0)
		return;
}

/* A log line of a kind that may come often: the first LOG_LINES_MAX. */
static void vlog_capped(unsigned long *count, const char *kind,
			const char *fmt, va_list ap)
{
	char line[200];
	unsigned long nr = __atomic_add_fetch(count, 1, __ATOMIC_RELAXED);

	if (nr > LOG_LINES_MAX)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	log_line("%s", line);
	if (nr == LOG_LINES_MAX)
		log_line("further %s are counted, not logged", kind);
}

static void log_call(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_capped(&n_lines, "translations", fmt, ap);
	va_end(ap);
}

/*
 * A refusal (EFAULT, EINVAL) has a cap of its own: it is what kills a
 * guest, and a suite reads the log for it while the process lives on
 * (the totals come only from a process that exits through exit()).
 */
static void log_refusal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_capped(&n_refusal_lines, "refusals", fmt, ap);
	va_end(ap);
}

static __attribute__((noreturn)) void die(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "xstate-sim: ");
	va_start(ap, fmt);
	n += vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(msg) - 1)
		n = sizeof(msg) - 2;
	msg[n++] = '\n';
	/* One write, so that the message is whole in the guest's console too. */
	if (write(STDERR_FILENO, msg, n) < 0)
		abort();
	abort();
}

static int cpu_has_osxsave(void)
{
	unsigned int eax, ebx, ecx, edx;

	return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_OSXSAVE);
}

/*
 * The simulated host's features: the user components that end within N
 * bytes, placed where CPUID says (or standard_layout, for a component this
 * CPU lacks). N must be where the last of them ends, as on a real host.
 */
static void compute_sim_features(void)
{
	unsigned int eax, ebx, ecx, edx, end = LEGACY_SIZE;
	int i;

	sim_xfeatures = 0x3;	/* x87 and SSE: in the legacy area */
	for (i = 2; i < XFEATURE_MAX; i++) {
		if (!(MASK_USER_SUPPORTED & (1ULL << i)))
			continue;
		__cpuid_count(0xd, i, eax, ebx, ecx, edx);
		if (eax && !(ecx & 1))
			layout[i] = (struct component){ ebx, eax };
		else
			layout[i] = standard_layout[i];
		if (layout[i].size && layout[i].offset + layout[i].size <= sim_size) {
			sim_xfeatures |= 1ULL << i;
			if (layout[i].offset + layout[i].size > end)
				end = layout[i].offset + layout[i].size;
		}
	}
	if (end != sim_size)
		die("XSTATE_SIM_SIZE=%u: on this CPU's layout the components that fit end at %u bytes, so no host has a regset of %u bytes",
		    sim_size, end, sim_size);
}

static ptrace_fn find_real_ptrace(void)
{
	ptrace_fn fn = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");

	if (!fn)
		die("no ptrace after this shim (dlsym(RTLD_NEXT, \"ptrace\"): %s): preload it into a program linked with glibc",
		    dlerror());
	return fn;
}

/* SIZE is one of tests/host-sim/shapes, written as make writes it. */
static int is_host_shape(const char *size)
{
	static const unsigned int shapes[] = HOST_SHAPES;
	char text[16];
	size_t i;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		snprintf(text, sizeof(text), "%u", shapes[i]);
		if (!strcmp(size, text))
			return 1;
	}
	return 0;
}

static __attribute__((constructor)) void load_shim(void)
{
	const char *size = getenv("XSTATE_SIM_SIZE");
	const char *log = getenv("XSTATE_SIM_LOG");

	real_ptrace = find_real_ptrace();
	if (!size)
		return;
	if (!is_host_shape(size))
		die("XSTATE_SIM_SIZE=%s is not a host shape: use " HOST_SHAPES_TEXT ", or unset it to pass ptrace through",
		    size);
	sim_size = atoi(size);
	if (sim_size && !cpu_has_osxsave())
		die("XSTATE_SIM_SIZE=%u: this host has no XSAVE, so it can stand only for XSTATE_SIM_SIZE=0",
		    sim_size);
	if (sim_size)
		compute_sim_features();
	if (log && *log) {
		log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (log_fd < 0)
			die("XSTATE_SIM_LOG=%s: cannot open it: %s", log, strerror(errno));
	}
	sim_active = 1;
	log_line("loaded: XSTATE_SIM_SIZE=%u, simulated features %#llx",
		 sim_size, (unsigned long long)sim_xfeatures);
}

static __attribute__((destructor)) void unload_shim(void)
{
	if (n_get || n_set)
		log_line("totals: %lu GETREGSET, %lu SETREGSET NT_X86_XSTATE; refused %lu EFAULT, %lu EINVAL, %lu ENODEV",
			 n_get, n_set, n_efault, n_einval, n_enodev);
}

static long fail(int err)
{
	unsigned long *counter = err == EFAULT ? &n_efault :
				 err == EINVAL ? &n_einval : &n_enodev;

	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
	errno = err;
	return -1;
}

static uint64_t get_u64(const void *buf, unsigned int offset)
{
	uint64_t v;

	memcpy(&v, (const unsigned char *)buf + offset, sizeof(v));
	return v;
}

static void put_u64(void *buf, unsigned int offset, uint64_t v)
{
	memcpy((unsigned char *)buf + offset, &v, sizeof(v));
}

/*
 * The tracee's real regset into state_buf; its size, or -1 with errno set
 * (ESRCH for a task that is not a stopped tracee: the kernel checks that
 * before it looks at the request).
 */
static long read_real_state(pid_t pid)
{
	struct iovec iov;

	if (!state_buf) {
		state_buf = malloc(PROBE_SIZE);
		if (!state_buf) {
			errno = ENOMEM;
			return -1;
		}
	}
	iov.iov_base = state_buf;
	iov.iov_len = PROBE_SIZE;
	if (real_ptrace(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE, &iov) < 0) {
		/* A host without XSAVE standing for itself: its own answer. */
		if (errno == ENODEV && sim_size == 0)
			return 0;
		return -1;
	}
	/* Past the real size, the zero padding of a bigger host. */
	if (iov.iov_len < sim_size)
		memset(state_buf + iov.iov_len, 0, sim_size - iov.iov_len);
	if (!__atomic_exchange_n(&first_use_logged, 1, __ATOMIC_RELAXED))
		log_line("presenting %u bytes (real %zu), features %#llx (real %#llx)",
			 sim_size, iov.iov_len, (unsigned long long)sim_xfeatures,
			 (unsigned long long)get_u64(state_buf, SW_BYTES_OFFSET));
	return iov.iov_len;
}

/* The component bytes of each feature outside @keep, within @size, zeroed. */
static void zero_components(unsigned char *buf, unsigned int size, uint64_t keep)
{
	int i;

	for (i = 2; i < XFEATURE_MAX; i++) {
		unsigned int start = layout[i].offset, end = start + layout[i].size;

		if ((keep & (1ULL << i)) || !layout[i].size || start >= size)
			continue;
		memset(buf + start, 0, (end < size ? end : size) - start);
	}
}

/*
 * What both requests check first, in the kernel's order: the tracee (its
 * real state read into state_buf), whole words, a host with XSAVE at all.
 * The real size, or -1 with errno set.
 */
static long begin_request(const char *what, unsigned long *counter, pid_t pid,
			  const struct iovec *iov)
{
	long real_size = read_real_state(pid);

	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
	if (real_size < 0)
		return -1;
	if (iov->iov_len % sizeof(uint64_t)) {
		log_refusal("%s pid %d: %zu bytes, not whole words: EINVAL",
			 what, (int)pid, iov->iov_len);
		return fail(EINVAL);
	}
	if (sim_size == 0) {
		log_call("%s pid %d: ENODEV (no XSAVE)", what, (int)pid);
		return fail(ENODEV);
	}
	return real_size;
}

/*
 * xstateregs_get() on the simulated host: its first N bytes of the real
 * state, the header's xfeatures limited to its features, its XCR0 in the
 * software bytes; a shorter iov_len gets what fits.
 */
static long get_xstate(pid_t pid, struct iovec *iov)
{
	long real_size = begin_request("GETREGSET", &n_get, pid, iov);
	size_t len;

	if (real_size < 0)
		return -1;
	len = iov->iov_len < sim_size ? iov->iov_len : sim_size;
	put_u64(state_buf, XFEATURES_OFFSET,
		get_u64(state_buf, XFEATURES_OFFSET) & sim_xfeatures);
	zero_components(state_buf, sim_size, get_u64(state_buf, XFEATURES_OFFSET));
	memset(state_buf + SW_BYTES_OFFSET, 0, SW_BYTES_SIZE);
	put_u64(state_buf, SW_BYTES_OFFSET, sim_xfeatures);
	memcpy(iov->iov_base, state_buf, len);
	iov->iov_len = len;
	log_call("GETREGSET pid %d: %zu bytes (real %ld)", (int)pid, len, real_size);
	return 0;
}

/*
 * xstateregs_set() on the simulated host, done as a set of the real size:
 * the real state with the caller's bytes over it, and the components the
 * simulated host lacks left in their init state.
 */
static long set_xstate(pid_t pid, struct iovec *iov)
{
	long real_size = begin_request("SETREGSET", &n_set, pid, iov);
	const unsigned char *user = iov->iov_base;
	unsigned int overlay;
	uint64_t xfeatures, real_xfeatures;
	struct iovec real_iov;
	size_t len;
	int i;

	if (real_size < 0)
		return -1;
	/* The kernel clamps iov_len to its size, then wants all of it. */
	len = iov->iov_len < sim_size ? iov->iov_len : sim_size;
	if (len != sim_size) {
		log_refusal("SETREGSET pid %d: %zu bytes: EFAULT (this host takes %u)",
			 (int)pid, len, sim_size);
		return fail(EFAULT);
	}
	xfeatures = get_u64(user, XFEATURES_OFFSET);
	/* The tracee never has AMX permission: XTILE_DATA is not its feature. */
	if (xfeatures & (MASK_XTILE_DATA | ~sim_xfeatures) ||
	    get_u64(user, XCOMP_BV_OFFSET)) {
		log_refusal("SETREGSET pid %d: xfeatures %#llx xcomp_bv %#llx: EINVAL",
			 (int)pid, (unsigned long long)xfeatures,
			 (unsigned long long)get_u64(user, XCOMP_BV_OFFSET));
		return fail(EINVAL);
	}
	for (i = 0; i < HEADER_RESERVED_SIZE; i++)
		if (user[HEADER_RESERVED_OFFSET + i]) {
			log_refusal("SETREGSET pid %d: reserved header byte %d set: EINVAL",
				 (int)pid, i);
			return fail(EINVAL);
		}

	real_xfeatures = get_u64(state_buf, SW_BYTES_OFFSET);
	overlay = sim_size < real_size ? sim_size : real_size;
	memcpy(state_buf, user, overlay);
	/*
	 * A component the real host lacks cannot be set; one the simulated
	 * host lacks is left out, which puts it in its init state.
	 */
	xfeatures &= sim_xfeatures & real_xfeatures;
	memset(state_buf + HEADER_OFFSET, 0, LEGACY_SIZE - HEADER_OFFSET);
	put_u64(state_buf, XFEATURES_OFFSET, xfeatures);
	real_iov.iov_base = state_buf;
	real_iov.iov_len = real_size;
	if (real_ptrace(PTRACE_SETREGSET, pid, (void *)NT_X86_XSTATE, &real_iov) < 0) {
		log_call("SETREGSET pid %d: the real set of %ld bytes failed: %s",
			 (int)pid, real_size, strerror(errno));
		return -1;
	}
	iov->iov_len = len;
	log_call("SETREGSET pid %d: %zu bytes as %ld, xfeatures %#llx",
		 (int)pid, len, real_size, (unsigned long long)xfeatures);
	return 0;
}

/* glibc's prototype: pid, addr and data follow, whatever the request. */
long ptrace(enum __ptrace_request request, ...)
{
	va_list ap;
	pid_t pid;
	void *addr, *data;

	va_start(ap, request);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);

	if (!real_ptrace)	/* called before the constructor ran */
		real_ptrace = find_real_ptrace();
	if (!sim_active || (uintptr_t)addr != NT_X86_XSTATE ||
	    (request != PTRACE_GETREGSET && request != PTRACE_SETREGSET))
		return real_ptrace(request, pid, addr, data);
	if (request == PTRACE_GETREGSET)
		return get_xstate(pid, data);
	return set_xstate(pid, data);
}
