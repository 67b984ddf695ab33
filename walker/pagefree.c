// SPDX-License-Identifier: GPL-2.0
/* Every page going back to the page allocator, seen through the mm_page_free tracepoint. */

#include <linux/errno.h>
#include <linux/mm_types.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "table_walker.h"

/*
 * Why the tracepoint and not a probe at the page-table destructor or in
 * pagetable_free(): a table that skips the mmu_gather's table batch (an
 * architecture calling tlb_remove_page() on it, or bypass_table_batch)
 * never reaches pagetable_free(), and UML runs pagetable_{pte,pmd}_dtor()
 * at unlink time on both paths. free_pages_prepare() is the one place
 * every freed page passes, and it fires mm_page_free first thing. The
 * event is the kernel's own: no patch, any kernel with CONFIG_TRACEPOINTS.
 */
static struct tracepoint *tw_tp_page_free;

static void tw_find_page_free(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "mm_page_free"))
		tw_tp_page_free = tp;
}

/* Runs with preemption off, in any context that frees a page. */
static void tw_on_page_free(void *data, struct page *page, unsigned int order)
{
	if (READ_ONCE(tw_check_page_free))
		tw_track_page_free(page, order);
}

int tw_page_free_init(void)
{
	int err;

	for_each_kernel_tracepoint(tw_find_page_free, NULL);
	if (!tw_tp_page_free) {
		pr_err("table_walker: no mm_page_free tracepoint: build the kernel with CONFIG_TRACEPOINTS (kernel-config/10-rcu-table-free.config)\n");
		return -ENOENT;
	}
	err = tracepoint_probe_register(tw_tp_page_free, tw_on_page_free, NULL);
	if (err)
		pr_err("table_walker: tracepoint_probe_register(mm_page_free): %d\n",
		       err);
	return err;
}

void tw_page_free_exit(void)
{
	tracepoint_probe_unregister(tw_tp_page_free, tw_on_page_free, NULL);
	/* No call of tw_on_page_free() may still run once the module goes. */
	tracepoint_synchronize_unregister();
}
