// SPDX-License-Identifier: GPL-2.0
/* Frees more page tables in one munmap than one struct mmu_table_batch can hold. */
/*
 * What it exercises in mm/mmu_gather.c: tlb_remove_table() appends each table
 * to tlb->batch and, when nr reaches MAX_TABLE_BATCH (509 with 4 KiB pages),
 * flushes early: __tlb_table_flush -> tlb_table_flush -> call_rcu on the full
 * batch, then a fresh batch page (GFP_NOWAIT; on failure the
 * tlb_remove_table_one fallback) for the rest, all inside ONE free_pgtables
 * call. So the walker can hold tables from a batch already queued for RCU
 * while the same munmap is still unlinking more. With --tables below 509 the
 * storm never overflows a batch: the negative control.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "storm_common.h"

static long tables = 1200;

static const struct storm_option options[] = {
	{ "tables", 0, "N", 1, 4096, &tables,
	  "pte tables per munmap; 509 fill a batch" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

enum { UNMAPS, TABLES_FREED, PTE_TABLES_PER_UNMAP, TABLES_PER_UNMAP,
       BATCHES_PER_UNMAP, TABLE_BATCH_LIMIT };
static const char *const counter_names[] = {
	"unmaps", "tables_freed", "pte_tables_per_unmap", "tables_per_unmap",
	"batches_per_unmap", "table_batch_max", NULL
};

static int worker(struct storm *s, int idx, uint64_t seed)
{
	size_t len = (size_t)tables * PTE_TABLE_SPAN;
	char *p;
	long n;

	(void)seed;	/* no random choices: every unmap is the same size */
	for (n = 0; storm_next_op(s) >= 0; n++) {
		struct table_count tc = { 0 };

		/* 1 GiB-aligned, so the pmd tables are ours alone and go too. */
		p = storm_map(s, len, PMD_TABLE_SPAN);
		if (!p)
			return 1;
		touch_region(p, len, PTE_TABLE_SPAN, &tc);
		storm_verbose(s, "op: worker %d #%ld %ld pte + %ld pmd tables", idx, n,
			      tc.pte_tables, tc.pmd_tables);
		storm_pause_us(s->pause_touch_us);

		storm_pause_us(s->pause_unmap_us);
		if (munmap(p, len))
			return storm_fail(s, "munmap");
		storm_count(s, UNMAPS, 1);
		storm_count(s, TABLES_FREED, tc.pte_tables + tc.pmd_tables);
		storm_op_done(s);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct storm s = {
		.name = "overflow_storm",
		.summary = "Map a region spanning --tables pte tables, touch one byte per\n"
			   "2 MiB, and free all of its tables with one munmap call.",
		.options = options,
		.counter_names = counter_names,
	};
	long pmd;

	storm_init(&s, argc, argv);
	/* Aligned as in worker(): one pmd table per GiB started. */
	pmd = (tables * PTE_TABLE_SPAN + PMD_TABLE_SPAN - 1) / PMD_TABLE_SPAN;
	storm_count(&s, PTE_TABLES_PER_UNMAP, tables);
	storm_count(&s, TABLES_PER_UNMAP, tables + pmd);
	storm_count(&s, BATCHES_PER_UNMAP,
		    (tables + pmd + TABLE_BATCH_MAX - 1) / TABLE_BATCH_MAX);
	storm_count(&s, TABLE_BATCH_LIMIT, TABLE_BATCH_MAX);
	storm_info(&s, "layout: %ld pte + %ld pmd tables per munmap, %ld pages",
		   tables, pmd, tables);
	return storm_finish(&s, storm_run_workers(&s, worker));
}
