// SPDX-License-Identifier: GPL-2.0
/* The switching subtests: threads, processes and a fork, each keeping a pattern of its own. */
/*
 * The holders run on the one CPU main() pinned the process to, and yield
 * it between spins: every sched_yield() that switches is a save of one
 * holder's registers and a restore of another's. A holder that saw no
 * context switch tested nothing, and says so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fpstate.h"

#define HOLDERS		3	/* threads, and processes, at once */
#define SPINS		200	/* pauses between two sched_yield()s */
#define SEED_HOLDER	0x100

/* One holder: a thread or process that keeps a pattern of its own. */
struct holder {
	char name[16];
	struct vec_image pattern, got;
	long switches;
	int failed;
	char msg[200];
};

/* Hold a pattern for opts.seconds, yielding the CPU between spins. */
static void hold_own_pattern(struct holder *h, uint64_t seed)
{
	struct vec_hold v = {
		.load = &h->pattern, .store = &h->got, .classes = host.classes,
		.spins = SPINS, .sysno = SYS_sched_yield,
		.deadline_tsc = tsc_deadline(opts.seconds),
	};
	struct rusage before, after;
	char diff[160];

	fill_pattern(&h->pattern, seed, host.classes);
	getrusage(RUSAGE_THREAD, &before);
	vec_hold(&v);
	getrusage(RUSAGE_THREAD, &after);
	h->switches = after.ru_nvcsw + after.ru_nivcsw -
		      before.ru_nvcsw - before.ru_nivcsw;
	if (diff_images(&h->got, &h->pattern, host.classes, diff, sizeof(diff))) {
		h->failed = 1;
		snprintf(h->msg, sizeof(h->msg), "%s", diff);
	} else if (!h->switches) {
		h->failed = 1;
		snprintf(h->msg, sizeof(h->msg),
			 "no context switch in %.2f s: nothing was tested", opts.seconds);
	}
}

static void name_holders(struct holder *hs, int n, const char *kind)
{
	for (int i = 0; i < n; i++)
		snprintf(hs[i].name, sizeof(hs[i].name), "%s %d", kind, i + 1);
}

/* A child that did not exit 0 failed, whatever it wrote. */
static void judge_child(struct holder *h, pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid) {
		h->failed = 1;
		snprintf(h->msg, sizeof(h->msg), "waitpid: %s", strerror(errno));
	} else if (WIFSIGNALED(st)) {
		h->failed = 1;
		snprintf(h->msg, sizeof(h->msg), "killed by %s", strsignal(WTERMSIG(st)));
	} else if (WEXITSTATUS(st) && !h->failed) {
		h->failed = 1;
		snprintf(h->msg, sizeof(h->msg), "exit status %d", WEXITSTATUS(st));
	}
}

static int report_holders(const char *test, const struct holder *hs, int n,
			  char *reason, size_t len)
{
	long switches = 0;
	int failed = 0;

	for (int i = 0; i < n; i++) {
		switches += hs[i].switches;
		if (!hs[i].failed)
			continue;
		printf("# %s: %s: %s\n", test, hs[i].name, hs[i].msg);
		if (!failed++)
			snprintf(reason, len, "%s: %s", hs[i].name, hs[i].msg);
	}
	printf("# %s: %d held %s for %.2f s over %ld context switches\n",
	       test, n, class_names(host.classes), opts.seconds, switches);
	return failed ? KSFT_FAIL : KSFT_PASS;
}

static void *shared_holders(int n)
{
	void *p = mmap(NULL, n * sizeof(struct holder), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : memset(p, 0, n * sizeof(struct holder));
}

struct thread_arg {
	struct holder *h;
	uint64_t seed;
};

static void *run_thread(void *p)
{
	struct thread_arg *a = p;

	hold_own_pattern(a->h, a->seed);
	return NULL;
}

int test_threads(char *reason, size_t len)
{
	static struct holder hs[HOLDERS];
	struct thread_arg args[HOLDERS];
	pthread_t tids[HOLDERS];
	sigset_t alrm, old;
	int n, err = 0;

	memset(hs, 0, sizeof(hs));
	name_holders(hs, HOLDERS, "thread");
	for (n = 0; n < HOLDERS; n++) {
		args[n] = (struct thread_arg){ &hs[n], SEED_HOLDER + n };
		err = pthread_create(&tids[n], NULL, run_thread, &args[n]);
		if (err)
			break;
	}
	/* --corrupt's signal must land in a holder, not in this thread. */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, &old);
	if (!err)
		arm_corruption(opts.seconds / 2);
	for (int i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		snprintf(reason, len, "pthread_create: %s (out of resources)", strerror(err));
		return KSFT_SKIP;
	}
	return report_holders("threads", hs, HOLDERS, reason, len);
}

/* Forked before any loads its pattern, then let go together. */
int test_processes(char *reason, size_t len)
{
	struct holder *hs = shared_holders(HOLDERS);
	pid_t pids[HOLDERS];
	int go[2], n, rc;

	if (!hs || pipe(go)) {
		snprintf(reason, len, "mmap or pipe: %s (out of resources)", strerror(errno));
		return KSFT_SKIP;
	}
	name_holders(hs, HOLDERS, "process");
	fflush(stdout);
	for (n = 0; n < HOLDERS; n++) {
		pids[n] = fork();
		if (pids[n] < 0)
			break;
		if (pids[n] == 0) {
			char c;

			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(1);
			arm_corruption(opts.seconds / 2);
			hold_own_pattern(&hs[n], SEED_HOLDER + 0x10 + n);
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]);
	for (int i = 0; i < n; i++)
		judge_child(&hs[i], pids[i]);
	if (n < HOLDERS) {
		snprintf(reason, len, "fork: %s (out of resources)", strerror(errno));
		rc = KSFT_SKIP;
	} else {
		rc = report_holders("processes", hs, HOLDERS, reason, len);
	}
	munmap(hs, HOLDERS * sizeof(*hs));
	return rc;
}

/* The fork happens inside vec_hold(): the child's registers right after
 * it are the parent's. Then each keeps a pattern of its own. */
int test_fork(char *reason, size_t len)
{
	struct holder *hs = shared_holders(2);
	struct vec_image before, after;
	struct vec_hold v = {
		.load = &before, .store = &after, .classes = host.classes,
		.sysno = SYS_fork, .rounds = 1,
	};
	struct holder *me;
	char diff[160];
	int rc;

	if (!hs) {
		snprintf(reason, len, "mmap: %s (out of resources)", strerror(errno));
		return KSFT_SKIP;
	}
	snprintf(hs[0].name, sizeof(hs[0].name), "parent");
	snprintf(hs[1].name, sizeof(hs[1].name), "child");
	fill_pattern(&before, SEED_HOLDER + 0x20, host.classes);
	fflush(stdout);
	vec_hold(&v);
	if (v.ret < 0) {
		snprintf(reason, len, "fork: %s (out of resources)", strerror((int)-v.ret));
		munmap(hs, 2 * sizeof(*hs));
		return KSFT_SKIP;
	}
	/* The raw fork bypassed libc: the child only computes and _exit()s. */
	me = &hs[v.ret == 0];
	if (diff_images(&after, &before, host.classes, diff, sizeof(diff))) {
		me->failed = 1;
		snprintf(me->msg, sizeof(me->msg), "right after fork: %s", diff);
	} else {
		arm_corruption(opts.seconds / 2);
		hold_own_pattern(me, SEED_HOLDER + 0x21 + (v.ret == 0));
	}
	if (v.ret == 0)
		_exit(0);
	judge_child(&hs[1], (pid_t)v.ret);
	rc = report_holders("fork", hs, 2, reason, len);
	munmap(hs, 2 * sizeof(*hs));
	return rc;
}
