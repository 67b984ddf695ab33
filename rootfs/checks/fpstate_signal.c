// SPDX-License-Identifier: GPL-2.0
/* The signal subtests: a handler that clobbers, the frame the kernel builds, edits made in it. */
/*
 * Every signal here interrupts vec_hold() while it holds a pattern in the
 * registers, sent one of three ways: by the held code itself (tgkill from
 * inside the loop: delivered on the way out of a syscall), by a timer and
 * by another process (both delivered to code running in user mode, which
 * the kernel must save as it finds it). The handler acts only on a signal
 * whose RIP lies in the loop; any other it counts and leaves alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "fpstate.h"

__thread unsigned long signal_entry_rsp;

/* What the handler does to a signal that interrupted the held registers. */
#define ON_SIGNAL_COPY		0x01	/* copy the first frame for check_frame_layout() */
#define ON_SIGNAL_COMPARE	0x02	/* the frame must hold `expect` */
#define ON_SIGNAL_EDIT		0x04	/* write apply_edits()'s registers into the frame */
#define ON_SIGNAL_CORRUPT	0x08	/* --corrupt: change one register in the frame, once */
#define ON_SIGNAL_CLOBBER	0x10	/* load `clobber` into every register before returning */

static struct {
	unsigned flags, classes;
	volatile long count;		/* signals that interrupted the held registers */
	volatile long strays;		/* the others, left alone */
	struct vec_image expect, edits, clobber;
	long bad_frames;
	struct vec_image first_bad;
	int corrupted;
	struct frame_copy copy;
} sig;

enum delivery { BY_RAISE, BY_TIMER, BY_KILL };
static const char *const delivery_names[] = { "raise", "timer", "kill" };

/* One seed per role, so that no two patterns agree. */
enum { SEED_MAIN = 0x1000, SEED_CLOBBER = 0x2000, SEED_EDIT = 0x3000 };

/* --corrupt of a register: what a kernel that lost one bit would give back. */
static void corrupt_image(struct vec_image *img)
{
	switch (opts.corrupt) {
	case CORRUPT_XMM: img->zmm[7][3] ^= 1; break;
	case CORRUPT_YMM: img->zmm[7][19] ^= 1; break;
	case CORRUPT_ZMM: img->zmm[23][3] ^= 1; break;
	case CORRUPT_K: img->k[5] ^= 1; break;
	default: break;
	}
}

static unsigned corrupt_flag(void)
{
	return opts.corrupt >= CORRUPT_XMM && opts.corrupt <= CORRUPT_K ?
	       ON_SIGNAL_CORRUPT : 0;
}

/* --corrupt of the frame's layout: what a kernel that built it wrong would
 * have written. SIZE is a kernel that saves 832 bytes (legacy, header,
 * AVX) of a bigger host's image and still claims all of it. */
static void corrupt_copy(struct frame_copy *c)
{
	struct fpx_sw *sw = (struct fpx_sw *)(c->bytes + FPX_SW_OFFSET);

	switch (opts.corrupt) {
	case CORRUPT_MAGIC1: sw->magic1 ^= 1; break;
	case CORRUPT_MAGIC2:
		if (sw->xstate_size < c->len)
			c->bytes[sw->xstate_size] ^= 1;
		break;
	case CORRUPT_SIZE:
		sw->xstate_size = 832;
		sw->extended_size = 832 + FP_XSTATE_MAGIC2_SIZE;
		*(uint32_t *)(c->bytes + 832) = FP_XSTATE_MAGIC2;
		break;
	case CORRUPT_ALIGN: c->fp -= 8; c->entry_rsp -= 8; break;
	default: break;
	}
}

/* A register of each class the handler changes in the frame: those of
 * `e` into `img`, the others left as they are. Async-signal safe. */
static void apply_edits(struct vec_image *img, const struct vec_image *e,
			unsigned classes)
{
	memcpy(img->zmm[5], e->zmm[5], 16);
	if (classes & CLASS_AVX)
		memcpy(img->zmm[9] + 16, e->zmm[9] + 16, 16);
	if (classes & CLASS_AVX512) {
		memcpy(img->zmm[2] + 32, e->zmm[2] + 32, 32);
		memcpy(img->zmm[21], e->zmm[21], 64);
		img->k[3] = e->k[3];
	}
}

static const char *edit_names(unsigned classes)
{
	if (classes & CLASS_AVX512)
		return "xmm5, ymm9's and zmm2's upper halves, zmm21 and k3";
	return classes & CLASS_AVX ? "xmm5 and ymm9's upper half" : "xmm5";
}

static void copy_frame(const ucontext_t *uc, const uint8_t *fp)
{
	const struct fpx_sw *sw = (const struct fpx_sw *)(fp + FPX_SW_OFFSET);
	size_t len = XSAVE_HDR_OFFSET + 64;

	if (host.xsave && sw->magic1 == FP_XSTATE_MAGIC1 &&
	    sw->xstate_size <= host.max_size &&
	    sw->xstate_size + FP_XSTATE_MAGIC2_SIZE > len)
		len = sw->xstate_size + FP_XSTATE_MAGIC2_SIZE;
	if (len > FRAME_COPY_MAX)
		len = FRAME_COPY_MAX;
	memcpy(sig.copy.bytes, fp, len);
	sig.copy.len = len;
	sig.copy.fp = (unsigned long)fp;
	sig.copy.uc = (unsigned long)uc;
	sig.copy.entry_rsp = signal_entry_rsp;
	sig.copy.uc_flags = uc->uc_flags;
	sig.copy.taken = true;
}

/* Reached through signal_trampoline, which saved the entry rsp. */
void handle_signal(int signo, siginfo_t *info, void *ctx);
void handle_signal(int signo, siginfo_t *info, void *ctx)
{
	ucontext_t *uc = ctx;
	uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
	unsigned long rip = uc->uc_mcontext.gregs[REG_RIP];
	struct vec_image img;

	(void)signo;
	(void)info;
	if (rip < (unsigned long)vec_hold_live_begin ||
	    rip > (unsigned long)vec_hold_live_end) {
		sig.strays++;
		return;
	}
	if ((sig.flags & ON_SIGNAL_COPY) && !sig.copy.taken)
		copy_frame(uc, fp);
	if (sig.flags & ON_SIGNAL_COMPARE) {
		frame_read(fp, sig.classes, &img);
		if (diff_images(&img, &sig.expect, sig.classes, NULL, 0) &&
		    !sig.bad_frames++)
			sig.first_bad = img;
	}
	if (sig.flags & ON_SIGNAL_EDIT) {
		frame_read(fp, sig.classes, &img);
		apply_edits(&img, &sig.edits, sig.classes);
		frame_write(fp, sig.classes, &img);
	}
	if ((sig.flags & ON_SIGNAL_CORRUPT) &&
	    !__atomic_exchange_n(&sig.corrupted, 1, __ATOMIC_SEQ_CST)) {
		frame_read(fp, sig.classes, &img);
		corrupt_image(&img);
		frame_write(fp, sig.classes, &img);
	}
	sig.count++;
	if (sig.flags & ON_SIGNAL_CLOBBER)
		vec_load(&sig.clobber, sig.classes);
}

int install_handlers(void)
{
	struct sigaction sa = { .sa_flags = SA_SIGINFO | SA_RESTART };
	static const int signals[] = { SIGUSR1, SIGUSR2, SIGALRM };

	sa.sa_sigaction = signal_trampoline;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaddset(&sa.sa_mask, signals[i]);
	for (int i = 0; i < 3; i++)
		if (sigaction(signals[i], &sa, NULL))
			return -1;
	return 0;
}

/* --corrupt of a register in a subtest without signals of its own: one
 * timer signal, half way through, changes it in the frame. */
void arm_corruption(double after_s)
{
	struct itimerval once = { .it_value = {
		.tv_sec = (time_t)after_s,
		.tv_usec = (suseconds_t)((after_s - (time_t)after_s) * 1e6) + 1,
	} };

	if (!corrupt_flag())
		return;
	sig.classes = host.classes;
	sig.corrupted = 0;
	sig.flags = ON_SIGNAL_CORRUPT;
	setitimer(ITIMER_REAL, &once, NULL);
}

/* Hold `load` until `signals` signals interrupted it (sent `how`), with
 * the handler doing `flags`; what the registers held then goes to `got`. */
static int deliver(enum delivery how, long signals, const struct vec_image *load,
		   struct vec_image *got, unsigned flags, char *reason, size_t len)
{
	long timeout_s = 10 + signals / 100;
	struct itimerval tick = { { 0, 1000 }, { 0, 1000 } }, off = { 0 };
	struct vec_hold h = {
		.load = load, .store = got, .classes = sig.classes,
		.stop = &sig.count, .stop_at = signals,
		.spins = 64, .sysno = -1, .deadline_tsc = tsc_deadline(timeout_s),
	};
	pid_t parent = getpid(), sender = 0;

	sig.flags = flags;
	sig.count = sig.strays = sig.bad_frames = 0;
	sig.corrupted = 0;
	sig.copy.taken = false;
	switch (how) {
	case BY_RAISE:
		h.sysno = SYS_tgkill;
		h.args[0] = parent;
		h.args[1] = gettid();
		h.args[2] = SIGUSR1;
		h.spins = 0;
		break;
	case BY_TIMER:
		if (setitimer(ITIMER_REAL, &tick, NULL)) {
			snprintf(reason, len, "setitimer: %s", strerror(errno));
			return KSFT_FAIL;
		}
		break;
	case BY_KILL:
		fflush(stdout);
		sender = fork();
		if (sender < 0) {
			snprintf(reason, len, "fork of the sender: %s (out of resources)",
				 strerror(errno));
			return KSFT_SKIP;
		}
		if (sender == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			while (getppid() == parent && !kill(parent, SIGUSR2))
				usleep(500);
			_exit(0);
		}
		break;
	}
	vec_hold(&h);
	if (how == BY_TIMER)
		setitimer(ITIMER_REAL, &off, NULL);
	if (sender > 0) {
		kill(sender, SIGKILL);
		waitpid(sender, NULL, 0);
	}
	sig.flags = 0;
	if (sig.count < signals) {
		snprintf(reason, len,
			 "%s: %ld of %ld signals interrupted the held registers within %ld s (%ld elsewhere)",
			 delivery_names[how], sig.count, signals, timeout_s, sig.strays);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* What the kernel's frame claims, and so what the other subtests test. */
int probe_frame(char *reason, size_t len)
{
	const struct fpx_sw *sw = (const struct fpx_sw *)(sig.copy.bytes + FPX_SW_OFFSET);
	struct vec_image got;
	unsigned cpu = host.cpu_classes;

	sig.classes = CLASS_SSE;
	fill_pattern(&sig.expect, SEED_MAIN, CLASS_SSE);
	if (deliver(BY_RAISE, 1, &sig.expect, &got, ON_SIGNAL_COPY, reason, len))
		return KSFT_FAIL;
	/* A host without XSAVE (--host-xstate 0) has no XSAVE frame to give. */
	if (!host.xsave && sw->magic1 == FP_XSTATE_MAGIC1) {
		snprintf(reason, len, "the frame claims XSAVE (FP_XSTATE_MAGIC1, xfeatures %#llx) on a host without it",
			 (unsigned long long)sw->xfeatures);
		return KSFT_FAIL;
	}
	host.frame_xsave = host.xsave && sw->magic1 == FP_XSTATE_MAGIC1;
	host.frame_xfeatures = host.frame_xsave ? sw->xfeatures : 0x3;
	host.frame_xstate_size = host.frame_xsave ? sw->xstate_size : XSAVE_HDR_OFFSET;
	host.classes = CLASS_SSE;
	if ((cpu & CLASS_AVX) && (host.frame_xfeatures & class_xfeatures(CLASS_AVX)))
		host.classes |= CLASS_AVX;
	if ((cpu & CLASS_AVX512) && (host.frame_xfeatures & XFEATURE_MASK_AVX512) ==
	    XFEATURE_MASK_AVX512)
		host.classes |= CLASS_AVX512 | (cpu & CLASS_K64);
	return KSFT_PASS;
}

static void prepare_patterns(enum delivery how)
{
	sig.classes = host.classes;
	fill_pattern(&sig.expect, SEED_MAIN + how, host.classes);
	fill_pattern(&sig.clobber, SEED_CLOBBER + how, host.classes);
}

/* The handler loads another pattern into every register: on return, the
 * interrupted code must find its own. */
static int test_clobber(enum delivery how, char *reason, size_t len)
{
	struct vec_image got;
	char diff[160];
	int rc;

	prepare_patterns(how);
	rc = deliver(how, opts.iterations, &sig.expect, &got,
		     ON_SIGNAL_CLOBBER | corrupt_flag(), reason, len);
	if (rc != KSFT_PASS)
		return rc;
	if (diff_images(&got, &sig.expect, host.classes, diff, sizeof(diff))) {
		snprintf(reason, len, "after %ld signals (%s) whose handler clobbered every register: %s",
			 opts.iterations, delivery_names[how], diff);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

int test_signal_raise(char *reason, size_t len) { return test_clobber(BY_RAISE, reason, len); }
int test_signal_timer(char *reason, size_t len) { return test_clobber(BY_TIMER, reason, len); }
int test_signal_kill(char *reason, size_t len) { return test_clobber(BY_KILL, reason, len); }

/* The frame a signal delivered synchronously and one delivered
 * asynchronously: its layout, and the interrupted registers in it. */
int test_frame(char *reason, size_t len)
{
	static const enum delivery ways[] = { BY_RAISE, BY_TIMER };
	struct vec_image got;
	char first[240] = "", diff[160];
	int problems = 0, rc;

	for (int i = 0; i < 2; i++) {
		const char *what = delivery_names[ways[i]];
		const struct fpx_sw *sw = (const struct fpx_sw *)(sig.copy.bytes + FPX_SW_OFFSET);

		prepare_patterns(ways[i]);
		rc = deliver(ways[i], opts.iterations, &sig.expect, &got,
			     ON_SIGNAL_COPY | ON_SIGNAL_COMPARE | ON_SIGNAL_CLOBBER |
			     corrupt_flag(), reason, len);
		if (rc != KSFT_PASS)
			return rc;
		corrupt_copy(&sig.copy);
		printf("# frame (%s): fpstate %#lx, ucontext %#lx, handler rsp %#lx, xfeatures %#llx, xstate_size %u\n",
		       what, sig.copy.fp, sig.copy.uc, sig.copy.entry_rsp,
		       (unsigned long long)sw->xfeatures, sw->xstate_size);
		problems += check_frame_layout(&sig.copy, what, first[0] ? diff : first,
					       first[0] ? sizeof(diff) : sizeof(first));
		if (sig.bad_frames) {
			diff_images(&sig.first_bad, &sig.expect, host.classes, diff, sizeof(diff));
			printf("# frame (%s): %ld of %ld frames do not hold the interrupted registers: %s\n",
			       what, sig.bad_frames, sig.count, diff);
			if (!problems++)
				snprintf(first, sizeof(first), "%s: the frame does not hold the interrupted registers: %s",
					 what, diff);
		}
	}
	if (problems) {
		if (problems > 1)
			snprintf(reason, len, "%s (and %d more)", first, problems - 1);
		else
			snprintf(reason, len, "%s", first);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* What a handler writes into the frame is what the interrupted code
 * finds after sigreturn, and nothing else changes. */
int test_sigreturn_edit(char *reason, size_t len)
{
	static const enum delivery ways[] = { BY_RAISE, BY_TIMER };
	struct vec_image got, want;
	char diff[160];
	int rc;

	for (int i = 0; i < 2; i++) {
		prepare_patterns(ways[i]);
		fill_pattern(&sig.edits, SEED_EDIT + ways[i], host.classes);
		want = sig.expect;
		apply_edits(&want, &sig.edits, host.classes);
		rc = deliver(ways[i], opts.iterations, &sig.expect, &got,
			     ON_SIGNAL_EDIT | ON_SIGNAL_CLOBBER | corrupt_flag(),
			     reason, len);
		if (rc != KSFT_PASS)
			return rc;
		if (diff_images(&got, &want, host.classes, diff, sizeof(diff))) {
			snprintf(reason, len, "%s: after a handler wrote %s into the frame: %s",
				 delivery_names[ways[i]], edit_names(host.classes), diff);
			return KSFT_FAIL;
		}
	}
	return KSFT_PASS;
}
