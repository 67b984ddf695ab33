// SPDX-License-Identifier: GPL-2.0
/* Runs short-lived processes that fill a sparse address space and exit. */
/*
 * What it exercises in mm/mmu_gather.c: every table a child populates is torn
 * down by exit_mmap -> free_pgtables -> free_pgd_range -> pte_free_tlb and
 * pmd_free_tlb -> tlb_remove_table, filling struct mmu_table_batch pages that
 * tlb_finish_mmu -> tlb_table_flush hands to call_rcu (tlb_remove_table_rcu).
 * The whole mm goes at once, so the walker may be holding any of its tables.
 * Each child draws a random placement for its regions (a GiB-aligned slot
 * offset), so consecutive mms put their tables under different pgd entries.
 */
#define _GNU_SOURCE
#include <unistd.h>
#include <sys/mman.h>
#include "storm_common.h"

static long pte_span_mib = 128;
static long pmd_span_gib = 8;

static const struct storm_option options[] = {
	STORM_SPAN_OPTIONS(pte_span_mib, pmd_span_gib),
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

enum { EXITS, TABLES_TOUCHED };
static const char *const counter_names[] = { "exits", "tables_touched", NULL };

/* Up to this many GiB of unused address space below each region. */
#define PLACEMENT_SLOTS	16

/*
 * Map len bytes 1 GiB-aligned at a random GiB offset inside a larger
 * reservation, and drop the rest: the region's pgd index then varies.
 */
static char *map_placed(struct storm *s, uint64_t *rng, size_t len, long *slot)
{
	size_t lead;
	char *p;

	*slot = rng_below(rng, PLACEMENT_SLOTS);
	lead = (size_t)*slot * PMD_TABLE_SPAN;
	p = storm_map(s, lead + len, PMD_TABLE_SPAN);
	if (p && lead && munmap(p, lead)) {
		storm_fail(s, "munmap of the placement slack");
		return NULL;
	}
	return p ? p + lead : NULL;
}

static int run_child(struct storm *s, long idx, const void *unused)
{
	uint64_t rng = rng_seed(s->seed, idx);
	struct table_count tc = { 0 };
	size_t near_len = (size_t)pte_span_mib << 20;
	size_t wide_len = (size_t)pmd_span_gib << 30;
	long near_slot, wide_slot = 0;
	char *p;

	(void)unused;
	p = map_placed(s, &rng, near_len, &near_slot);
	if (!p)
		return 1;
	touch_region(p, near_len, PTE_TABLE_SPAN, &tc);
	if (wide_len) {
		p = map_placed(s, &rng, wide_len, &wide_slot);
		if (!p)
			return 1;
		touch_region(p, wide_len, PMD_TABLE_SPAN, &tc);
	}
	storm_count(s, TABLES_TOUCHED, tc.pte_tables + tc.pmd_tables);
	storm_verbose(s, "op: child %ld slots %ld %ld tables %ld", idx, near_slot,
		      wide_slot, tc.pte_tables + tc.pmd_tables);
	storm_pause_us(s->pause_touch_us);

	storm_pause_us(s->pause_exit_us);
	return 0;
}

int main(int argc, char **argv)
{
	struct storm s = {
		.name = "exit_storm",
		.summary = "Run short-lived children (-j at a time) that map and touch sparse\n"
			   "regions, then exit so that exit_mmap frees all their tables.",
		.options = options,
		.counter_names = counter_names,
	};

	storm_init(&s, argc, argv);
	return storm_finish(&s, storm_run_children(&s, EXITS, NULL, run_child));
}
