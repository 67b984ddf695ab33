// SPDX-License-Identifier: GPL-2.0
/* Runs a storm: scheduling, shared counters, PRNG, processes, mappings and pacing. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "storm_common.h"

#define RETRY_SLEEP_US	10000	/* out of resources: wait, then retry ... */
#define RETRY_MAX	100	/* ... for about a second before failing */

static volatile sig_atomic_t stop_requested;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void handle_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void set_scheduling(struct storm *s, bool explicit)
{
	struct sched_param sp = { .sched_priority = s->policy == SCHED_OTHER ? 0 : s->priority };

	if (sched_setscheduler(0, s->policy, &sp)) {
		if (explicit || errno != EPERM)
			exit(storm_fail(s, "sched_setscheduler"));
		fprintf(stderr, "%s: note: SCHED_FIFO not permitted, running SCHED_OTHER\n",
			s->name);
		s->policy = SCHED_OTHER;
	}
	if (s->nice >= -20 && s->nice <= 19 && setpriority(PRIO_PROCESS, 0, s->nice))
		exit(storm_fail(s, "setpriority"));
	storm_info(s, "policy: %s %ld", s->policy == SCHED_FIFO ? "fifo" :
		   s->policy == SCHED_RR ? "rr" : "other",
		   s->policy == SCHED_OTHER ? 0 : s->priority);
}

void storm_init(struct storm *s, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = handle_stop };
	bool explicit = false;

	setvbuf(stdout, NULL, _IOLBF, 0);
	storm_parse_options(s, argc, argv, &explicit);

	/* The walker targets the process group: make it ours, id = our pid. */
	if (getpgrp() != getpid() && setpgid(0, 0))
		exit(storm_fail(s, "setpgid"));
	printf("pgid: %d\nseed: %llu\n", (int)getpgrp(), (unsigned long long)s->seed);
	set_scheduling(s, explicit);

	s->shared = mmap(NULL, sizeof(*s->shared), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->shared == MAP_FAILED)
		exit(storm_fail(s, "mmap of the shared counters"));
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	s->start = now();
	storm_stop_when_start(s);
}

long storm_next_op(struct storm *s)
{
	long n;

	if (stop_requested || (s->duration && now() - s->start >= s->duration))
		return -1;
	n = __atomic_fetch_add(&s->shared->claimed, 1, __ATOMIC_RELAXED);
	return s->iterations && n >= s->iterations ? -1 : n;
}

void storm_op_done(struct storm *s)
{
	__atomic_fetch_add(&s->shared->ops, 1, __ATOMIC_RELAXED);
}

void storm_count(struct storm *s, int counter, long n)
{
	__atomic_fetch_add(&s->shared->counters[counter], n, __ATOMIC_RELAXED);
}

int storm_finish(struct storm *s, int status)
{
	double secs = now() - s->start;
	int i;

	storm_stop_when_end(s);
	printf("ops: %ld\nseconds: %.3f\nops_per_sec: %.1f\n", s->shared->ops, secs,
	       secs > 0 ? s->shared->ops / secs : 0.0);
	for (i = 0; s->counter_names[i]; i++)
		printf("%s: %ld\n", s->counter_names[i], s->shared->counters[i]);
	printf("out_of_resources: %ld\n", s->shared->out_of_resources);
	if (s->stop_when)
		printf("stop_when_met: %ld\n", s->shared->stop_when_met);
	return status;
}

/* One write per line, so lines from several processes do not interleave. */
void storm_vline(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(f, "%s%s%s\n", prefix ? prefix : "", prefix ? ": " : "", buf);
}

void storm_info(const struct storm *s, const char *fmt, ...)
{
	va_list ap;

	if (s->quiet)
		return;
	va_start(ap, fmt);
	storm_vline(stdout, NULL, fmt, ap);
	va_end(ap);
}

void storm_verbose(const struct storm *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->verbose)
		return;
	va_start(ap, fmt);
	storm_vline(stdout, NULL, fmt, ap);
	va_end(ap);
}

static int __attribute__((format(printf, 2, 3)))
fail_msg(const struct storm *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	storm_vline(stderr, s->name, fmt, ap);
	va_end(ap);
	return 1;
}

int storm_fail(const struct storm *s, const char *what)
{
	int err = errno;

	return fail_msg(s, "%s failed: %s (%d)", what, strerror(err), err);
}

void storm_pause_us(long us)
{
	struct timespec ts = { us / 1000000, us % 1000000 * 1000 };

	while (us && nanosleep(&ts, &ts) && errno == EINTR && !stop_requested)
		;
}

static bool out_of_resources(struct storm *s, int tries)
{
	if ((errno != EAGAIN && errno != ENOMEM) || tries >= RETRY_MAX)
		return false;
	__atomic_fetch_add(&s->shared->out_of_resources, 1, __ATOMIC_RELAXED);
	storm_pause_us(RETRY_SLEEP_US);
	return true;
}

void *storm_map(struct storm *s, size_t len, size_t align)
{
	size_t extra = align > PAGE_BYTES ? align : 0;
	char *p, *start;
	int tries = 0;

	/* NORESERVE: only the touched pages count, not the sparse span. */
	while ((p = mmap(NULL, len + extra, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)) == MAP_FAILED)
		if (!out_of_resources(s, tries++)) {
			char what[64];

			snprintf(what, sizeof(what), "mmap of %zu MiB%s", (len + extra) >> 20,
				 tries > RETRY_MAX ? " (retried for 1 s)" : "");
			storm_fail(s, what);
			return NULL;
		}
	if (!extra)
		return p;
	start = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if ((start > p && munmap(p, start - p)) ||
	    munmap(start + len, p + extra - start)) {
		storm_fail(s, "munmap of the alignment slack");
		return NULL;
	}
	return start;
}

long touch_region(char *base, size_t len, size_t stride, struct table_count *tc)
{
	uintptr_t last_pte = UINTPTR_MAX, last_pmd = UINTPTR_MAX;
	size_t off;

	for (off = 0; off < len; off += stride) {
		uintptr_t addr = (uintptr_t)base + off;

		*(volatile char *)(base + off) = 1;
		tc->pages++;
		if (addr / PTE_TABLE_SPAN != last_pte)
			tc->pte_tables++;
		if (addr / PMD_TABLE_SPAN != last_pmd)
			tc->pmd_tables++;
		last_pte = addr / PTE_TABLE_SPAN;
		last_pmd = addr / PMD_TABLE_SPAN;
	}
	return tc->pte_tables + tc->pmd_tables;
}

static pid_t storm_fork(struct storm *s)
{
	int tries = 0;
	pid_t pid;

	while ((pid = fork()) < 0)
		if (!out_of_resources(s, tries++)) {
			storm_fail(s, tries > RETRY_MAX ? "fork (retried for 1 s)" : "fork");
			return -1;
		}
	return pid;
}

static void storm_child_setup(const struct storm *s, pid_t parent)
{
	/* A child never outlives the storm, nor runs on if it died already. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		_exit(storm_fail(s, "prctl(PR_SET_PDEATHSIG)"));
	if (getppid() != parent)
		_exit(1);
}

static int storm_reap(struct storm *s, pid_t pid)
{
	int status;
	pid_t got;

	for (;;) {
		got = waitpid(pid, &status, 0);
		if (got < 0 && errno == EINTR)
			continue;
		/* --stop-when's watcher is a child too, but no storm op. */
		if (got > 0 && got == s->stop_watcher) {
			s->stop_watcher = 0;
			continue;
		}
		break;
	}
	if (got < 0)
		return storm_fail(s, "waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return fail_msg(s, "child %d exited with status %d",
				(int)got, WEXITSTATUS(status));
	return fail_msg(s, "child %d killed by signal %d (%s)", (int)got,
			WTERMSIG(status), strsignal(WTERMSIG(status)));
}

int storm_run_workers(struct storm *s,
		      int (*worker)(struct storm *s, int idx, uint64_t seed))
{
	pid_t parent = getpid(), pid;
	int i, started = 0, rc = 0;

	if (s->jobs == 1)
		return worker(s, 0, rng_seed(s->seed, 0));
	for (i = 0; i < s->jobs; i++, started++) {
		pid = storm_fork(s);
		if (pid < 0) {
			rc = 1;
			break;
		}
		if (pid == 0) {
			storm_child_setup(s, parent);
			_exit(worker(s, i, rng_seed(s->seed, i)));
		}
	}
	while (started--)
		rc |= storm_reap(s, -1);
	return rc;
}

/* Keep -j children running until the storm stops: one op per clean exit. */
int storm_run_children(struct storm *s, int exit_counter, const void *arg,
		       int (*child)(struct storm *s, long idx, const void *arg))
{
	pid_t parent = getpid(), pid;
	int in_flight = 0, rc = 0;
	long idx;

	for (;;) {
		while (!rc && in_flight < s->jobs && (idx = storm_next_op(s)) >= 0) {
			pid = storm_fork(s);
			if (pid < 0) {
				rc = 1;
				break;
			}
			if (pid == 0) {
				storm_child_setup(s, parent);
				_exit(child(s, idx, arg));
			}
			in_flight++;
		}
		if (rc || !in_flight)
			break;
		in_flight--;
		if (storm_reap(s, -1)) {
			rc = 1;
		} else {
			storm_count(s, exit_counter, 1);
			storm_op_done(s);
		}
	}
	while (in_flight--)
		storm_reap(s, -1);
	return rc;
}

/* splitmix64 of seed and stream: a distinct, never-zero xorshift64* state. */
uint64_t rng_seed(uint64_t seed, uint64_t stream)
{
	uint64_t z = seed + (stream + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 0x9e3779b97f4a7c15ULL;
}

uint64_t rng_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

uint64_t rng_below(uint64_t *state, uint64_t n)
{
	return n ? rng_next(state) % n : 0;
}
