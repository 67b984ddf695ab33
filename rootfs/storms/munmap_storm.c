// SPDX-License-Identifier: GPL-2.0
/* Takes sparse regions apart by whole/partial munmap, mremap and mprotect. */
/*
 * What it exercises in mm/mmu_gather.c: every op ends in unmap_region ->
 * free_pgtables -> pte_free_tlb / pmd_free_tlb -> tlb_remove_table, but with
 * different floor/ceiling limits: a whole unmap frees every table of the
 * region; a hole punched at page granularity frees only the tables wholly
 * inside it and leaves the boundary tables to the neighbouring VMAs; mremap
 * frees the old range's tables (UML lacks HAVE_MOVE_PMD, so it always copies
 * the ptes into new tables; on x86 a 2 MiB-aligned move hands the pte tables
 * over via move_normal_pmd, so half the moves are shifted by a page); an
 * mprotect split makes the later unmaps free the tables piecewise. With -t N, other
 * threads of the same mm keep faulting in (and MADV_DONTNEED-zapping, which
 * runs its own mmu_gather) their own regions meanwhile.
 * The op and its boundaries are drawn from the seed: -v prints them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include "storm_common.h"

static long threads;
static long span_mib = 256;

static const struct storm_option options[] = {
	{ "threads", 't', "N", 0, 16, &threads,
	  "threads faulting beside the unmapping one" },
	{ "span-mib", 0, "MIB", 8, 2048, &span_mib,
	  "region, a byte per 2 MiB: a pte table each" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

enum { WHOLE, PARTIAL, MREMAP, MPROTECT, MUNMAP_CALLS, TABLES_TOUCHED, THREAD_FAULTS };
#define NR_OPS (MPROTECT + 1)	/* the ops a region is taken apart by */

static const char *const counter_names[] = {
	"whole_unmaps", "partial_unmaps", "mremaps", "mprotect_splits",
	"munmap_calls", "tables_touched", "thread_faults", NULL
};
static const char *const op_names[] = { "whole", "partial", "mremap", "mprotect" };

#define FAULT_SPAN	(64UL << 20)	/* per faulting thread: 32 pte tables */
#define EDGE_PAGES	(PTE_TABLE_SPAN / PAGE_BYTES)

struct faulter {
	pthread_t tid;
	struct storm *s;
	char *base;
	int err;
};

static int faulters_stop;

static void *fault_loop(void *arg)
{
	struct faulter *f = arg;

	while (!__atomic_load_n(&faulters_stop, __ATOMIC_RELAXED)) {
		struct table_count tc = { 0 };

		touch_region(f->base, FAULT_SPAN, PTE_TABLE_SPAN, &tc);
		storm_count(f->s, THREAD_FAULTS, tc.pages);
		/* Zaps the pages and, with PT_RECLAIM, their emptied tables too. */
		if (madvise(f->base, FAULT_SPAN, MADV_DONTNEED)) {
			f->err = errno;
			break;
		}
		/* Same priority as the unmapper: without a sleep, yield to it. */
		if (f->s->pause_touch_us)
			storm_pause_us(f->s->pause_touch_us);
		else
			sched_yield();
	}
	return NULL;
}

static int unmap(struct storm *s, char *p, size_t len)
{
	if (munmap(p, len))
		return storm_fail(s, "munmap");
	storm_count(s, MUNMAP_CALLS, 1);
	return 0;
}

/* A new random order of the NR_OPS ops (Fisher-Yates). */
static void shuffle_ops(uint64_t *rng, int *order)
{
	for (int i = NR_OPS - 1; i > 0; i--) {
		int j = (int)rng_below(rng, i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
}

/* One op and its random parameters, all drawn before it runs. */
struct choice {
	int op;
	size_t lo, hi;		/* PARTIAL hole, MPROTECT middle */
	size_t shift;		/* MREMAP destination offset */
};

/* Draws lo < hi on page boundaries, at least 2 MiB in from either end. */
static struct choice draw_choice(uint64_t *rng, size_t len, int op)
{
	size_t pages = len / PAGE_BYTES;
	struct choice c = { .op = op };

	if (c.op == PARTIAL || c.op == MPROTECT) {
		c.lo = EDGE_PAGES + rng_below(rng, pages - 2 * EDGE_PAGES);
		c.hi = c.lo + 1 + rng_below(rng, pages - EDGE_PAGES - c.lo);
		c.lo *= PAGE_BYTES;
		c.hi *= PAGE_BYTES;
	}
	/* Shifted by a page, no pte table can move with its pmd entry. */
	if (c.op == MREMAP)
		c.shift = rng_below(rng, 2) ? PAGE_BYTES : 0;
	return c;
}

static int op_partial(struct storm *s, const struct choice *c, char *p, size_t len)
{
	storm_pause_us(s->pause_unmap_us);
	if (unmap(s, p + c->lo, c->hi - c->lo))	/* splits the VMA in two */
		return 1;
	storm_pause_us(s->pause_touch_us);
	storm_pause_us(s->pause_unmap_us);
	return unmap(s, p, c->lo) || unmap(s, p + c->hi, len - c->hi);
}

static int op_mremap(struct storm *s, const struct choice *c, char *p, size_t len)
{
	char *res, *dst;

	res = storm_map(s, len + c->shift, PMD_TABLE_SPAN);
	if (!res)
		return 1;
	dst = res + c->shift;
	storm_pause_us(s->pause_unmap_us);
	if (mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst) == MAP_FAILED)
		return storm_fail(s, "mremap");
	if (c->shift && unmap(s, res, c->shift))
		return 1;
	storm_pause_us(s->pause_touch_us);
	storm_pause_us(s->pause_unmap_us);
	return unmap(s, dst, len);
}

static int op_mprotect(struct storm *s, const struct choice *c, char *p, size_t len)
{
	if (mprotect(p + c->lo, c->hi - c->lo, PROT_READ))	/* three VMAs now */
		return storm_fail(s, "mprotect");
	storm_pause_us(s->pause_unmap_us);
	if (unmap(s, p, c->lo) || unmap(s, p + c->hi, len - c->hi))
		return 1;
	storm_pause_us(s->pause_touch_us);
	storm_pause_us(s->pause_unmap_us);
	return unmap(s, p + c->lo, c->hi - c->lo);
}

static int run_op(struct storm *s, const struct choice *c, size_t len)
{
	struct table_count tc = { 0 };
	char *p;

	/* 1 GiB-aligned, so the pmd table is ours alone and goes too. */
	p = storm_map(s, len, PMD_TABLE_SPAN);
	if (!p)
		return 1;
	storm_count(s, TABLES_TOUCHED, touch_region(p, len, PTE_TABLE_SPAN, &tc));
	storm_pause_us(s->pause_touch_us);
	switch (c->op) {
	case PARTIAL:
		return op_partial(s, c, p, len);
	case MREMAP:
		return op_mremap(s, c, p, len);
	case MPROTECT:
		return op_mprotect(s, c, p, len);
	default:
		storm_pause_us(s->pause_unmap_us);
		return unmap(s, p, len);
	}
}

static int start_faulters(struct storm *s, struct faulter *f)
{
	int i, err;

	for (i = 0; i < threads; i++) {
		f[i].s = s;
		f[i].base = storm_map(s, FAULT_SPAN, PMD_TABLE_SPAN);
		if (!f[i].base)
			return i;
		err = pthread_create(&f[i].tid, NULL, fault_loop, &f[i]);
		if (err) {
			errno = err;
			storm_fail(s, "pthread_create");
			return i;
		}
	}
	return i;
}

static int worker(struct storm *s, int idx, uint64_t seed)
{
	struct faulter f[16] = { 0 };
	size_t len = (size_t)span_mib << 20;
	uint64_t rng = seed;
	int i, started, rc;
	int order[NR_OPS] = { WHOLE, PARTIAL, MREMAP, MPROTECT };
	struct choice c;
	long n;

	started = start_faulters(s, f);
	rc = started < threads;
	for (n = 0; !rc && storm_next_op(s) >= 0; n++) {
		/*
		 * Each op once in every round, in a random order: a short storm
		 * (1 s on a KASAN kernel is a few ops) still does them all.
		 */
		if (n % NR_OPS == 0)
			shuffle_ops(&rng, order);
		c = draw_choice(&rng, len, order[n % NR_OPS]);
		storm_verbose(s, "op: worker %d #%ld %s pages %zu..%zu shift %zu", idx, n,
			      op_names[c.op], c.lo / PAGE_BYTES, c.hi / PAGE_BYTES, c.shift);
		rc = run_op(s, &c, len);
		if (!rc) {
			storm_count(s, c.op, 1);
			storm_op_done(s);
		}
	}
	__atomic_store_n(&faulters_stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < started; i++) {
		pthread_join(f[i].tid, NULL);
		if (f[i].err) {
			errno = f[i].err;
			rc = storm_fail(s, "madvise(MADV_DONTNEED) in a faulting thread");
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct storm s = {
		.name = "munmap_storm",
		.summary = "Map, touch and unmap sparse regions: whole and partial munmap,\n"
			   "mremap and mprotect splits, picked at random from the seed;\n"
			   "-j worker processes, each with -t faulting threads.",
		.options = options,
		.counter_names = counter_names,
	};

	storm_init(&s, argc, argv);
	storm_info(&s, "layout: %ld pte tables + 1 pmd table per region, %ld threads",
		   span_mib / 2, threads);
	return storm_finish(&s, storm_run_workers(&s, worker));
}
