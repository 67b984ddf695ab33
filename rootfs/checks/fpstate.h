/* SPDX-License-Identifier: GPL-2.0 */
/* Shared types of fpstate_check: register images, the held-register loop, the signal frame. */
#ifndef FPSTATE_H
#define FPSTATE_H

/* Vector classes, also the flags fpstate_regs.S takes. */
#define CLASS_SSE	0x1	/* xmm0-15 */
#define CLASS_AVX	0x2	/* the upper halves of ymm0-15 */
#define CLASS_AVX512	0x4	/* the upper halves of zmm0-15, zmm16-31, k0-7 */
#define CLASS_K64	0x8	/* k0-7 as 64 bits (AVX512BW): kmovq, not kmovw */

/* XSAVE components (CPUID leaf 0xD sub-leaf N, XCR0 bit N). */
#define XFEATURE_SSE		1
#define XFEATURE_YMM		2
#define XFEATURE_OPMASK		5
#define XFEATURE_ZMM_HI256	6
#define XFEATURE_HI16_ZMM	7
#define XFEATURE_MASK_AVX512	(0x7ULL << XFEATURE_OPMASK)

#ifndef __ASSEMBLER__
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes and subtest results, as in kselftest.h. */
#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

/* --corrupt: the negative controls (fpstate_check --help). */
enum corrupt {
	CORRUPT_NONE,
	CORRUPT_XMM, CORRUPT_YMM, CORRUPT_ZMM, CORRUPT_K,	/* a register */
	CORRUPT_MAGIC1, CORRUPT_MAGIC2, CORRUPT_SIZE, CORRUPT_ALIGN,	/* the frame */
};

struct fp_options {
	long iterations;	/* signals per signal subtest */
	double seconds;		/* each switching subtest */
	enum corrupt corrupt;
	long host_xstate;	/* --host-xstate: the host's regset size, or -1 */
};
extern struct fp_options opts;

/* Every register of every class: slot N holds xmmN in bytes 0-15, the
 * upper half of ymmN in 16-31 and of zmmN in 32-63 (fpstate_regs.S
 * knows this layout). */
struct vec_image {
	uint8_t zmm[32][64];
	uint64_t k[8];
};

/*
 * One run of vec_hold(): load, then rounds of `spins` pauses and one
 * syscall, until `rounds` rounds, *stop >= stop_at or the TSC passes
 * deadline; then store. The offsets are fixed: fpstate_regs.S reads them.
 */
struct vec_hold {
	const struct vec_image *load;	/*  0 */
	struct vec_image *store;	/*  8 */
	uint64_t classes;		/* 16 */
	uint64_t deadline_tsc;		/* 24 */
	const volatile long *stop;	/* 32: NULL, never */
	long stop_at;			/* 40 */
	long spins;			/* 48 */
	long sysno;			/* 56: -1, no syscall */
	long args[3];			/* 64 */
	long rounds;			/* 88: 0, no limit */
	long ret;			/* 96: the last syscall's return */
};
_Static_assert(offsetof(struct vec_hold, stop) == 32 &&
	       offsetof(struct vec_hold, args) == 64 &&
	       offsetof(struct vec_hold, ret) == 96 &&
	       offsetof(struct vec_image, k) == 32 * 64,
	       "fpstate_regs.S reads these at fixed offsets");

/* fpstate_regs.S: the registers are only ours from vec_hold_live_begin
 * to vec_hold_live_end, which the signal handler tells by the RIP. */
void vec_hold(struct vec_hold *h);
void vec_load(const struct vec_image *img, uint64_t classes);
void signal_trampoline(int sig, siginfo_t *info, void *ucontext);
extern const char vec_hold_live_begin[], vec_hold_live_end[];
extern __thread unsigned long signal_entry_rsp;

/* What the CPU offers, XCR0 enables and the kernel's frame claims. */
struct fp_host {
	bool xsave;			/* CPUID.1:ECX.OSXSAVE */
	uint64_t xcr0;
	unsigned cpu_classes;		/* CPUID and XCR0 */
	unsigned classes;		/* and the frame: what is tested */
	bool frame_xsave;		/* the frame has FP_XSTATE_MAGIC1 */
	uint64_t frame_xfeatures;	/* what it claims (FP and SSE without) */
	uint32_t frame_xstate_size;
	uint32_t max_size;		/* CPUID.(0xD,0):ECX, or --host-xstate */
	uint32_t offset[19], size[19];	/* CPUID.(0xD,N) EBX, EAX */
};
extern struct fp_host host;

/* struct _fpx_sw_bytes, at offset 464 of the fpstate (sw_reserved). */
struct fpx_sw {
	uint32_t magic1;
	uint32_t extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t reserved[7];
};
#define FPX_SW_OFFSET		464
#define XSAVE_HDR_OFFSET	512
#define FXSAVE_XMM_OFFSET	160
#define FRAME_COPY_MAX		(64 * 1024)

/* The first frame a run's handler saw: what check_frame_layout() judges. */
struct frame_copy {
	bool taken;
	unsigned long fp, uc, entry_rsp, uc_flags;
	size_t len;			/* bytes copied from fp */
	uint8_t bytes[FRAME_COPY_MAX] __attribute__((aligned(64)));
};

/* fpstate_check.c */
uint64_t tsc_deadline(double seconds);

/* fpstate_switch.c */
int test_threads(char *reason, size_t len);
int test_processes(char *reason, size_t len);
int test_fork(char *reason, size_t len);

/* fpstate_signal.c */
int install_handlers(void);
int probe_frame(char *reason, size_t len);
void arm_corruption(double after_s);
int test_signal_raise(char *reason, size_t len);
int test_signal_timer(char *reason, size_t len);
int test_signal_kill(char *reason, size_t len);
int test_frame(char *reason, size_t len);
int test_sigreturn_edit(char *reason, size_t len);

/* fpstate_xsave.c */
void probe_host(void);
const char *class_names(unsigned classes);
uint64_t class_xfeatures(unsigned classes);
size_t xstate_need(uint64_t xfeatures);
void frame_read(const uint8_t *fp, unsigned classes, struct vec_image *img);
void frame_write(uint8_t *fp, unsigned classes, const struct vec_image *img);
int check_frame_layout(const struct frame_copy *c, const char *what,
		       char *reason, size_t len);
void fill_pattern(struct vec_image *img, uint64_t seed, unsigned classes);
long diff_images(const struct vec_image *got, const struct vec_image *want,
		 unsigned classes, char *msg, size_t len);

#endif /* __ASSEMBLER__ */
#endif
