// SPDX-License-Identifier: GPL-2.0
/* Forks children off a wide sparse mapping; each frees its copy of the tables. */
/*
 * What it exercises in mm/mmu_gather.c: fork() copies every populated page
 * table (copy_page_range), so each child holds a private copy of ~160 pte and
 * pmd tables. The child COW-faults a random subset of the pages, munmaps the
 * 2 MiB-stride region (unmap_region -> free_pgtables -> pte_free_tlb ->
 * tlb_remove_table into a struct mmu_table_batch, then tlb_finish_mmu ->
 * tlb_table_flush -> call_rcu) and exits, so exit_mmap frees the rest the
 * same way. The parent's own tables never go away; the walker sees a stream
 * of short-lived mms with the same layout in the storm's process group.
 */
#define _GNU_SOURCE
#include <unistd.h>
#include <sys/mman.h>
#include "storm_common.h"

static long pte_span_mib = 256;
static long pmd_span_gib = 16;

static const struct storm_option options[] = {
	STORM_SPAN_OPTIONS(pte_span_mib, pmd_span_gib),
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

enum { FORKS, CHILD_EXITS, CHILD_UNMAPS, COW_FAULTS, TABLES_TOUCHED };
static const char *const counter_names[] = {
	"forks", "child_exits", "child_unmaps", "cow_faults", "tables_touched", NULL
};

struct layout {
	char *near;		/* one byte per 2 MiB */
	size_t near_len;
	char *wide;		/* one byte per 1 GiB */
	size_t wide_len;
	long tables;		/* tables each child copies */
};

static long cow_subset(uint64_t *rng, char *base, size_t len, size_t stride)
{
	long n = 0;
	size_t off;

	for (off = 0; off < len; off += stride)
		if (rng_next(rng) >> 63) {
			base[off] = 2;
			n++;
		}
	return n;
}

static int run_child(struct storm *s, long idx, const void *arg)
{
	const struct layout *l = arg;
	uint64_t rng = rng_seed(s->seed, idx);
	long cow;

	storm_count(s, FORKS, 1);
	storm_count(s, TABLES_TOUCHED, l->tables);
	cow = cow_subset(&rng, l->near, l->near_len, PTE_TABLE_SPAN);
	cow += cow_subset(&rng, l->wide, l->wide_len, PMD_TABLE_SPAN);
	storm_count(s, COW_FAULTS, cow);
	storm_verbose(s, "op: child %ld cow_faults %ld", idx, cow);
	storm_pause_us(s->pause_touch_us);

	storm_pause_us(s->pause_unmap_us);
	if (munmap(l->near, l->near_len))
		return storm_fail(s, "munmap of the 2 MiB-stride region");
	storm_count(s, CHILD_UNMAPS, 1);

	storm_pause_us(s->pause_exit_us);
	return 0;
}

static int map_layout(struct storm *s, struct layout *l)
{
	struct table_count tc = { 0 };

	l->near_len = (size_t)pte_span_mib << 20;
	l->wide_len = (size_t)pmd_span_gib << 30;
	/* 1 GiB-aligned, so the regions share no pmd table with anything else. */
	l->near = storm_map(s, l->near_len, PMD_TABLE_SPAN);
	if (!l->near)
		return 1;
	touch_region(l->near, l->near_len, PTE_TABLE_SPAN, &tc);
	if (l->wide_len) {
		l->wide = storm_map(s, l->wide_len, PMD_TABLE_SPAN);
		if (!l->wide)
			return 1;
		touch_region(l->wide, l->wide_len, PMD_TABLE_SPAN, &tc);
	}
	l->tables = tc.pte_tables + tc.pmd_tables;
	storm_info(s, "layout: %ld pte tables + %ld pmd tables per child, %ld pages",
		   tc.pte_tables, tc.pmd_tables, tc.pages);
	return 0;
}

int main(int argc, char **argv)
{
	struct storm s = {
		.name = "fork_storm",
		.summary = "Fork children (-j at a time) off a wide sparse mapping; each\n"
			   "COW-faults a random subset, munmaps part of it and exits.",
		.options = options,
		.counter_names = counter_names,
	};
	struct layout l = { 0 };

	storm_init(&s, argc, argv);
	if (map_layout(&s, &l))
		return storm_finish(&s, 1);
	return storm_finish(&s, storm_run_children(&s, CHILD_EXITS, &l, run_child));
}
