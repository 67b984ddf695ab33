// SPDX-License-Identifier: GPL-2.0
/* The XSAVE layout and the register images: what is tested, where it lies in a frame, what differs. */
/*
 * A signal frame's fpstate is the standard (non-compacted) XSAVE image
 * user space reads on x86-64: the FXSAVE area (xmm0-15 at 160), the
 * software bytes at 464 that say what follows, the XSAVE header at 512
 * (xstate_bv: the components not in their init state), then each
 * component at the offset CPUID leaf 0xD sub-leaf N gives (AVX 2, opmask
 * 5, ZMM_Hi256 6, Hi16_ZMM 7), then FP_XSTATE_MAGIC2 at xstate_size.
 * arch/x86/kernel/fpu/signal.c writes it natively; a UML kernel copies
 * its process's image from the host and must lay it out the same way.
 */
#include <cpuid.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "fpstate.h"

#ifndef UC_FP_XSTATE
#define UC_FP_XSTATE	0x1	/* asm/ucontext.h: the frame has XSAVE state */
#endif

struct fp_host host;

static uint64_t read_xcr0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

/* What CPUID offers and XCR0 enables; the frame's claim comes later. */
void probe_host(void)
{
	uint32_t a, b, c, d, ebx7 = 0;

	__cpuid(1, a, b, c, d);
	/* A simulated host without XSAVE runs on a CPU that has it. */
	host.xsave = (c & bit_OSXSAVE) && opts.host_xstate != 0;
	bool avx = c & bit_AVX;
	if (__get_cpuid_max(0, NULL) >= 7)
		__cpuid_count(7, 0, a, ebx7, c, d);
	host.cpu_classes = CLASS_SSE;
	if (!host.xsave)
		return;
	host.xcr0 = read_xcr0();
	if (avx && (host.xcr0 & 0x6) == 0x6)
		host.cpu_classes |= CLASS_AVX;
	if ((ebx7 & bit_AVX512F) && (host.xcr0 & (0x6 | XFEATURE_MASK_AVX512)) ==
	    (0x6 | XFEATURE_MASK_AVX512))
		host.cpu_classes |= CLASS_AVX512 |
				    (ebx7 & bit_AVX512BW ? CLASS_K64 : 0);
	__cpuid_count(0xd, 0, a, b, c, d);
	/* A simulated host may save more than this CPU can (AMX). */
	host.max_size = opts.host_xstate > 0 ? (uint32_t)opts.host_xstate : c;
	for (int i = 2; i < 19; i++) {
		__cpuid_count(0xd, i, a, b, c, d);
		host.size[i] = a;
		host.offset[i] = b;
	}
}

const char *class_names(unsigned classes)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "%s%s%s", classes & CLASS_SSE ? "sse" : "",
		 classes & CLASS_AVX ? " avx" : "",
		 classes & CLASS_AVX512 ? " avx512" : "");
	return buf;
}

/* The XSAVE components a class lives in. */
uint64_t class_xfeatures(unsigned classes)
{
	return (classes & CLASS_SSE ? 1ULL << XFEATURE_SSE : 0) |
	       (classes & CLASS_AVX ? 1ULL << XFEATURE_YMM : 0) |
	       (classes & CLASS_AVX512 ? XFEATURE_MASK_AVX512 : 0);
}

/* The bytes a standard-format image of these components takes. */
size_t xstate_need(uint64_t xfeatures)
{
	size_t need = XSAVE_HDR_OFFSET + 64;

	for (int i = 2; i < 19; i++)
		if ((xfeatures >> i & 1) && host.offset[i] + host.size[i] > need)
			need = host.offset[i] + host.size[i];
	return need;
}

static const struct fpx_sw *frame_sw(const uint8_t *fp)
{
	return (const struct fpx_sw *)(fp + FPX_SW_OFFSET);
}

/* The components the frame holds, as XRSTOR would read them: a frame
 * without FP_XSTATE_MAGIC1 is an FXSAVE image, FP and SSE only. */
static uint64_t frame_xstate_bv(const uint8_t *fp)
{
	if (!host.xsave || frame_sw(fp)->magic1 != FP_XSTATE_MAGIC1)
		return 0x3;
	return *(const uint64_t *)(fp + XSAVE_HDR_OFFSET);
}

/* The registers a frame holds; a component in its init state is zeros. */
void frame_read(const uint8_t *fp, unsigned classes, struct vec_image *img)
{
	uint64_t bv = frame_xstate_bv(fp);
	const uint8_t *p;

	memset(img, 0, sizeof(*img));
	for (int r = 0; r < 16; r++) {
		if ((classes & CLASS_SSE) && (bv >> XFEATURE_SSE & 1))
			memcpy(img->zmm[r], fp + FXSAVE_XMM_OFFSET + 16 * r, 16);
		p = fp + host.offset[XFEATURE_YMM] + 16 * r;
		if ((classes & CLASS_AVX) && (bv >> XFEATURE_YMM & 1))
			memcpy(img->zmm[r] + 16, p, 16);
		p = fp + host.offset[XFEATURE_ZMM_HI256] + 32 * r;
		if ((classes & CLASS_AVX512) && (bv >> XFEATURE_ZMM_HI256 & 1))
			memcpy(img->zmm[r] + 32, p, 32);
		p = fp + host.offset[XFEATURE_HI16_ZMM] + 64 * r;
		if ((classes & CLASS_AVX512) && (bv >> XFEATURE_HI16_ZMM & 1))
			memcpy(img->zmm[16 + r], p, 64);
	}
	if ((classes & CLASS_AVX512) && (bv >> XFEATURE_OPMASK & 1))
		memcpy(img->k, fp + host.offset[XFEATURE_OPMASK], sizeof(img->k));
}

/* Write the registers of the classes into a frame, as a handler that
 * edits them does: the components it writes are no longer in init state. */
void frame_write(uint8_t *fp, unsigned classes, const struct vec_image *img)
{
	bool xsave = host.xsave && frame_sw(fp)->magic1 == FP_XSTATE_MAGIC1;

	for (int r = 0; r < 16; r++) {
		if (classes & CLASS_SSE)
			memcpy(fp + FXSAVE_XMM_OFFSET + 16 * r, img->zmm[r], 16);
		if (!xsave)
			continue;
		if (classes & CLASS_AVX)
			memcpy(fp + host.offset[XFEATURE_YMM] + 16 * r, img->zmm[r] + 16, 16);
		if (classes & CLASS_AVX512) {
			memcpy(fp + host.offset[XFEATURE_ZMM_HI256] + 32 * r, img->zmm[r] + 32, 32);
			memcpy(fp + host.offset[XFEATURE_HI16_ZMM] + 64 * r, img->zmm[16 + r], 64);
		}
	}
	if (!xsave)
		return;
	if (classes & CLASS_AVX512)
		memcpy(fp + host.offset[XFEATURE_OPMASK], img->k, sizeof(img->k));
	*(uint64_t *)(fp + XSAVE_HDR_OFFSET) |= class_xfeatures(classes);
}

#define PROBLEM(...)							\
	do {								\
		char m_[160];						\
		snprintf(m_, sizeof(m_), __VA_ARGS__);			\
		printf("# frame (%s): %s\n", what, m_);			\
		if (!problems++)					\
			snprintf(reason, len, "%s: %s", what, m_);	\
	} while (0)

/*
 * The frame's layout as x86-64 defines it for user space: anything that
 * reads or restores a frame (a handler, a user-space scheduler, CRIU)
 * relies on each of these. Prints every problem, returns how many.
 */
int check_frame_layout(const struct frame_copy *c, const char *what,
		       char *reason, size_t len)
{
	const struct fpx_sw *sw = frame_sw(c->bytes);
	const uint8_t *hdr = c->bytes + XSAVE_HDR_OFFSET;
	uint64_t xstate_bv = *(const uint64_t *)hdr;
	uint64_t xcomp_bv = *(const uint64_t *)(hdr + 8);
	int problems = 0;

	if (c->fp % 64)
		PROBLEM("fpstate at %#lx is not 64-byte aligned, as XSAVE wants", c->fp);
	if ((c->entry_rsp + 8) % 16)
		PROBLEM("the handler started with rsp %#lx: (rsp + 8) %% 16 is %lu, not 0 as after a call",
			c->entry_rsp, (c->entry_rsp + 8) % 16);
	if (!host.xsave)
		return problems;	/* an FXSAVE frame: nothing more is defined */
	if (!(c->uc_flags & UC_FP_XSTATE))
		PROBLEM("uc_flags %#lx lacks UC_FP_XSTATE", c->uc_flags);
	if (sw->magic1 != FP_XSTATE_MAGIC1) {
		PROBLEM("sw_reserved.magic1 is %#x, not FP_XSTATE_MAGIC1 %#x: no XSAVE state",
			sw->magic1, FP_XSTATE_MAGIC1);
		return problems;
	}
	if ((sw->xfeatures & 0x3) != 0x3)
		PROBLEM("xfeatures %#llx lacks FP and SSE", (unsigned long long)sw->xfeatures);
	if (sw->xfeatures & ~host.xcr0)
		PROBLEM("xfeatures %#llx claims components XCR0 %#llx does not enable",
			(unsigned long long)sw->xfeatures, (unsigned long long)host.xcr0);
	if (sw->xstate_size < xstate_need(sw->xfeatures))
		PROBLEM("xstate_size %u is less than the %zu bytes xfeatures %#llx take (CPUID leaf 0xD)",
			sw->xstate_size, xstate_need(sw->xfeatures),
			(unsigned long long)sw->xfeatures);
	if (sw->xstate_size > host.max_size)
		PROBLEM("xstate_size %u is more than any XSAVE image of XCR0 (%u bytes)",
			sw->xstate_size, host.max_size);
	if (sw->extended_size != sw->xstate_size + FP_XSTATE_MAGIC2_SIZE)
		PROBLEM("extended_size %u is not xstate_size %u + FP_XSTATE_MAGIC2_SIZE",
			sw->extended_size, sw->xstate_size);
	if (sw->xstate_size + FP_XSTATE_MAGIC2_SIZE <= c->len &&
	    *(const uint32_t *)(c->bytes + sw->xstate_size) != FP_XSTATE_MAGIC2)
		PROBLEM("fpstate + xstate_size (%u) holds %#x, not FP_XSTATE_MAGIC2 %#x",
			sw->xstate_size, *(const uint32_t *)(c->bytes + sw->xstate_size),
			FP_XSTATE_MAGIC2);
	if (xcomp_bv)
		PROBLEM("xcomp_bv %#llx: a compacted image, not the standard format",
			(unsigned long long)xcomp_bv);
	if (xstate_bv & ~sw->xfeatures)
		PROBLEM("xstate_bv %#llx has components xfeatures %#llx does not claim",
			(unsigned long long)xstate_bv, (unsigned long long)sw->xfeatures);
	return problems;
}
#undef PROBLEM

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A pattern of its own for each seed; k as wide as kmov can move it. */
void fill_pattern(struct vec_image *img, uint64_t seed, unsigned classes)
{
	uint64_t state = seed;

	for (size_t i = 0; i < sizeof(img->zmm); i += 8) {
		uint64_t v = splitmix64(&state);
		memcpy((uint8_t *)img->zmm + i, &v, 8);
	}
	for (int k = 0; k < 8; k++)
		img->k[k] = splitmix64(&state) & (classes & CLASS_K64 ? ~0ULL : 0xffff);
}

/* The bytes of one register that a class covers. */
struct reg_part {
	unsigned cls;
	const char *name;
	int first_reg, regs, first_byte, bytes;
};

static const struct reg_part reg_parts[] = {
	{ CLASS_SSE, "xmm", 0, 16, 0, 16 },
	{ CLASS_AVX, "ymm", 0, 16, 16, 16 },
	{ CLASS_AVX512, "zmm", 0, 16, 32, 32 },
	{ CLASS_AVX512, "zmm", 16, 16, 0, 64 },
};

/*
 * How many bytes of the tested registers differ (a k register counts as
 * one); the first one, and the
 * registers that differ, described in msg (when not NULL). Async-signal
 * safe when msg is NULL: the signal handler compares frames with it.
 */
long diff_images(const struct vec_image *got, const struct vec_image *want,
		 unsigned classes, char *msg, size_t len)
{
	long bytes = 0, regs = 0;
	int n = 0;

	for (size_t p = 0; p < sizeof(reg_parts) / sizeof(reg_parts[0]); p++) {
		const struct reg_part *rp = &reg_parts[p];

		if (!(classes & rp->cls))
			continue;
		for (int r = rp->first_reg; r < rp->first_reg + rp->regs; r++) {
			long before = bytes;

			for (int b = rp->first_byte; b < rp->first_byte + rp->bytes; b++) {
				if (got->zmm[r][b] == want->zmm[r][b])
					continue;
				if (!bytes++ && msg)
					n = snprintf(msg, len, "%s%d byte %d is 0x%02x, not 0x%02x",
						     rp->name, r, b, got->zmm[r][b], want->zmm[r][b]);
			}
			regs += bytes > before;
		}
	}
	for (int k = 0; (classes & CLASS_AVX512) && k < 8; k++) {
		if (got->k[k] == want->k[k])
			continue;
		if (!bytes && msg)
			n = snprintf(msg, len, "k%d is %#llx, not %#llx", k,
				     (unsigned long long)got->k[k],
				     (unsigned long long)want->k[k]);
		bytes++;
		regs++;
	}
	if (bytes && msg && n >= 0 && (size_t)n < len)
		snprintf(msg + n, len - n, " (%ld register%s)", regs,
			 regs == 1 ? " differs" : "s differ");
	return bytes;
}
