// SPDX-License-Identifier: GPL-2.0
/* The lockless walker: gup_fast()'s descent, run over another process's page tables. */

#include <linux/bug.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/timekeeping.h>

#include "table_walker.h"

struct tw_walker tw_walkers[TW_MAX_THREADS];

static atomic_t tw_warned_oracle;
static atomic_t tw_warned_unlink;

/*
 * The stub gup walker
 *
 * tw_walk_once() walks the page tables of a foreign mm as gup_fast() walks
 * current's: pgd -> p4d -> pud -> pmd -> pte, each entry read once
 * (pgdp_get, p4dp_get, pudp_get, pmdp_get_lockless, ptep_get_lockless),
 * no mmap_lock, no page-table lock. For every present pte it takes a
 * speculative reference on the folio, rechecks that the pmd and the pte
 * did not change (gup_fast_pte_range()), and drops the reference again.
 *
 * What protects the tables it reads is the critical section alone, one of:
 *
 *  irq: local_irq_save() over the walk, the gup_fast() contract. Since
 *       the RCU flavours were merged, IRQs-off code is an RCU reader, so
 *       the call_rcu() of MMU_GATHER_RCU_TABLE_FREE waits for it.
 *  rcu: rcu_read_lock(), which PREEMPT_RCU lets be preempted: the
 *       contract of pte_offset_map(), whose callers may be preempted.
 *
 * The mm is pinned with mmgrab() only: mm_count keeps the mm_struct and
 * its pgd page (freed in __mmdrop()) but not the address space, so the
 * target may munmap, fork and exit while we walk; after exit_mmap() the
 * pgd is empty. mmget() would keep the tables alive and hide the race.
 *
 * Before using this walker, be aware of the assumptions it makes:
 *
 *  *) Page-table pages of user address spaces are freed only through
 *     tlb_remove_table() with MMU_GATHER_RCU_TABLE_FREE, which waits for a
 *     grace period (UML: patch 0001), except on the single-table fallback
 *     when no batch page can be allocated: that one only waits for IRQs-off
 *     walkers (tlb_remove_table_sync_one()), so it is a real hole for rcu
 *     mode, and the free hook reports it as a violation when it happens.
 *  *) An entry is read atomically (64-bit entries on x86_64 UML).
 *  *) Three levels: p4d and pud are folded into the pgd, so the entry
 *     above a pmd table is a pgd entry. No huge pmds: UML has no THP.
 *  *) An irq walker holds at most TW_HELD_MAX_IRQ tables per walk, which
 *     bounds an IRQs-off walk to TW_HELD_MAX_IRQ * PTRS_PER_PTE ptes; an
 *     rcu walker, which can be preempted, up to TW_HELD_MAX.
 *
 * Where it differs from gup_fast():
 *
 *  - It scans all of [0, TASK_SIZE) from a random populated pgd entry
 *    and a random pmd index, wrapping around, skipping none entries
 *    instead of failing on them, and stops when its held set is full.
 *  - __pte_offset_map() is not exported to modules; tw_pte_offset_map()
 *    is its copy without pmd_clear_bad(): a foreign walker never writes.
 *  - Before following an entry to a table it checks the table's pfn with
 *    pfn_valid(). Only a freed and reused table holds a wild entry, and
 *    the walker counts it (garbage_entries) instead of crashing the guest.
 *  - Once the descent is done it dwells (dwell_us) with its tables held,
 *    then checks them (the oracle below) before leaving the section.
 *
 * What a one-CPU UML can and cannot show. Nothing runs beside the walker,
 * so a table can only be unlinked or freed under it if it is preempted
 * inside its critical section. UML 6.12 does not preempt on return from
 * an interrupt: a task switches only where preemption is re-enabled with
 * a reschedule pending. Hence the dwell is made of preempt_disable();
 * udelay(1); preempt_enable() steps.
 *
 *  - irq mode cannot be preempted, so no window ever opens: window_hits_irq
 *    stays 0. What it shows is that the walker runs, and does not hang
 *    the guest, under the gup_fast() contract.
 *  - rcu mode opens a window at each preemption point: another task may
 *    unmap or exit and unlink a table we hold (a window hit), but its free
 *    must wait for our rcu_read_unlock(). With skip_grace_period it does
 *    not wait: the free hook sees a held table (a violation).
 *  - A free racing a load on another CPU cannot happen here; only the
 *    ordering "unlink, preemption, free, resume" is exercised.
 *
 * The oracle, independent of the probe hooks (bypass_table_batch frees
 * tables with no hook call at all): after the dwell the walker looks at
 * the struct page of each held table. A table awaiting its grace period
 * keeps refcount 1 and no mapping; refcount 0, PageBuddy or PageSlab, or
 * a mapping (anon or file: reused as a data page) mean it was freed under
 * us. Its limits: a table freed and reallocated as a page table again,
 * or as a kernel page with no mapping, within the dwell looks alive to
 * it. KASAN would be the other independent oracle.
 */

const char *tw_mode_name(enum tw_mode mode)
{
	return mode == TW_MODE_IRQ ? "irq" : "rcu";
}

/*
 * Which walker holds @page in its critical section, if any. Called by the
 * hooks with IRQs off; pairs with the release store in tw_hold().
 */
struct tw_walker *tw_find_holder(const struct page *page,
				 enum tw_level *level)
{
	unsigned int i, j, n;

	for (i = 0; i < TW_MAX_THREADS; i++) {
		struct tw_walker *w = &tw_walkers[i];

		/* Entries below nr_held were written before it was raised. */
		n = smp_load_acquire(&w->nr_held);
		for (j = 0; j < n; j++) {
			if (READ_ONCE(w->held[j].page) == page) {
				*level = READ_ONCE(w->held[j].level);
				return w;
			}
		}
	}
	return NULL;
}

/*
 * The unlink hook names @page: mark it unlinked in every walker that holds
 * it, and their walks as overlapping a free. Called with tw_track_lock
 * held and IRQs off; returns one holder and its level, as tw_find_holder().
 */
struct tw_walker *tw_mark_held_unlinked(const struct page *page,
					enum tw_level *level)
{
	struct tw_walker *first = NULL;
	unsigned int i, j, n;

	for (i = 0; i < TW_MAX_THREADS; i++) {
		struct tw_walker *w = &tw_walkers[i];

		n = smp_load_acquire(&w->nr_held);
		for (j = 0; j < n; j++) {
			if (READ_ONCE(w->held[j].page) != page)
				continue;
			WRITE_ONCE(w->held[j].unlinked, true);
			WRITE_ONCE(w->overlap, true);
			if (!first) {
				first = w;
				*level = READ_ONCE(w->held[j].level);
			}
		}
	}
	return first;
}

/* Publish @page as held until the end of this critical section. */
static bool tw_hold(struct tw_walker *w, struct page *page,
		    enum tw_level level, unsigned long *parentp,
		    unsigned long parent_val)
{
	unsigned int n = w->nr_held;
	struct tw_held *h;

	if (n == (w->mode == TW_MODE_IRQ ? TW_HELD_MAX_IRQ : TW_HELD_MAX))
		return false;
	h = &w->held[n];
	WRITE_ONCE(h->page, page);
	WRITE_ONCE(h->level, level);
	h->parentp = parentp;
	h->parent_val = parent_val;
	WRITE_ONCE(h->unlinked, false);
	/* The hooks read nr_held first: publish the entry before it. */
	smp_store_release(&w->nr_held, n + 1);

	tw_track_note_level(w, page, level);
	tw_count(TW_TABLES_VISITED);
	tw_count(level == TW_LEVEL_PMD ? TW_TABLES_VISITED_PMD :
					 TW_TABLES_VISITED_PTE);
	return true;
}

/* The page an entry points at, or NULL (counted) if it is not RAM. */
static struct page *tw_table_page(unsigned long entry)
{
	unsigned long pfn = PHYS_PFN(entry & PAGE_MASK);

	if (!pfn_valid(pfn)) {
		tw_count(TW_GARBAGE_ENTRIES);
		return NULL;
	}
	return pfn_to_page(pfn);
}

/* __pte_offset_map() of mm/pgtable-generic.c, minus pmd_clear_bad(). */
static pte_t *tw_pte_offset_map(pmd_t *pmd, unsigned long addr)
{
	pmd_t pmdval;

	rcu_read_lock();
	pmdval = pmdp_get_lockless(pmd);
	if (unlikely(pmd_none(pmdval) || is_pmd_migration_entry(pmdval)))
		goto nomap;
	if (unlikely(pmd_trans_huge(pmdval) || pmd_devmap(pmdval)))
		goto nomap;
	if (unlikely(pmd_bad(pmdval)))
		goto nomap;
	return __pte_map(&pmdval, addr);
nomap:
	rcu_read_unlock();
	return NULL;
}

static void tw_walk_pte_range(pmd_t pmd, pmd_t *pmdp, unsigned long addr,
			      unsigned long end)
{
	pte_t *ptep, *ptem;

	ptem = ptep = tw_pte_offset_map(&pmd, addr);
	if (!ptep)
		return;
	do {
		pte_t pte = ptep_get_lockless(ptep);
		struct folio *folio;
		struct page *page;

		if (!pte_present(pte) || !pfn_valid(pte_pfn(pte)))
			continue;
		page = pte_page(pte);
		folio = page_folio(page);
		if (!folio_try_get(folio))
			continue;
		/* As try_grab_folio_fast(): the folio may have been split. */
		if (unlikely(page_folio(page) != folio) ||
		    unlikely(pmd_val(pmd) != pmd_val(pmdp_get(pmdp))) ||
		    unlikely(pte_val(pte) != pte_val(ptep_get(ptep))))
			tw_count(TW_PAGES_RECHECK_FAILED);
		else
			tw_count(TW_PAGES_GRABBED);
		folio_put(folio);
	} while (ptep++, addr += PAGE_SIZE, addr != end);
	pte_unmap(ptem);
}

/* Walk the pmd table under @pud; false once the held set is full. */
static bool tw_walk_pmd_table(struct tw_walker *w, pud_t pud,
			      unsigned long base)
{
	unsigned int start = prandom_u32_state(&w->rnd) % PTRS_PER_PMD;
	unsigned int k;

	for (k = 0; k < PTRS_PER_PMD; k++) {
		unsigned long addr = base + (unsigned long)((start + k) %
							    PTRS_PER_PMD) * PMD_SIZE;
		struct page *table;
		pmd_t *pmdp, pmd;

		if (addr >= TASK_SIZE)
			continue;
		pmdp = pmd_offset_lockless(&pud, pud, addr);
		pmd = pmdp_get_lockless(pmdp);
		if (!pmd_present(pmd) || pmd_leaf(pmd))
			continue;
		table = tw_table_page(pmd_val(pmd));
		if (!table)
			continue;
		if (!tw_hold(w, table, TW_LEVEL_PTE, (unsigned long *)pmdp,
			     pmd_val(pmd)))
			return false;
		tw_walk_pte_range(pmd, pmdp, addr,
				  min(addr + PMD_SIZE, (unsigned long)TASK_SIZE));
	}
	return true;
}

/*
 * Whether the pgd entry of @addr leads to a pmd table. p4d and pud are
 * folded into the pgd, so pgd_none() is always false: the pud says it.
 */
static bool tw_pgd_populated(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgdp = pgd_offset(mm, addr);
	pgd_t pgd = pgdp_get(pgdp);
	p4d_t *p4dp, p4d;
	pud_t pud;

	if (pgd_none(pgd) || pgd_leaf(pgd))
		return false;
	p4dp = p4d_offset_lockless(pgdp, pgd, addr);
	p4d = p4dp_get(p4dp);
	if (!p4d_present(p4d))
		return false;
	pud = pudp_get(pud_offset_lockless(p4dp, p4d, addr));
	return pud_present(pud) && !pud_leaf(pud);
}

/*
 * The pgd index a walk starts at: one of the populated entries, each with
 * the same chance (reservoir sampling). An index drawn from all
 * USER_PTRS_PER_PGD nearly always falls in the wide hole below the stack,
 * so the walk went stack, wrap, lowest mappings: with -t 2 the munmap
 * storm's first faulting thread (33 tables, mapped first, lowest) filled
 * the held set on every walk and the unmapped region was never reached.
 */
static unsigned int tw_pick_start(struct tw_walker *w, struct mm_struct *mm,
				  unsigned int n)
{
	unsigned int k, start = 0, seen = 0;

	for (k = 0; k < n; k++) {
		if (!tw_pgd_populated(mm, (unsigned long)k * PGDIR_SIZE))
			continue;
		if (prandom_u32_state(&w->rnd) % ++seen == 0)
			start = k;
	}
	return start;
}

static void tw_walk_pgd_range(struct tw_walker *w, struct mm_struct *mm)
{
	unsigned int n = USER_PTRS_PER_PGD;
	unsigned int start = tw_pick_start(w, mm, n);
	unsigned int k;

	BUILD_BUG_ON(CONFIG_PGTABLE_LEVELS != 3);
	for (k = 0; k < n; k++) {
		unsigned long addr = (unsigned long)((start + k) % n) * PGDIR_SIZE;
		pgd_t *pgdp = pgd_offset(mm, addr);
		pgd_t pgd = pgdp_get(pgdp);
		struct page *table;
		p4d_t *p4dp, p4d;
		pud_t *pudp, pud;

		if (pgd_none(pgd) || pgd_leaf(pgd))
			continue;
		p4dp = p4d_offset_lockless(pgdp, pgd, addr);
		p4d = p4dp_get(p4dp);
		if (!p4d_present(p4d))
			continue;
		pudp = pud_offset_lockless(p4dp, p4d, addr);
		pud = pudp_get(pudp);
		if (!pud_present(pud) || pud_leaf(pud))
			continue;
		table = tw_table_page(pud_val(pud));
		if (!table)
			continue;
		/* pud and p4d are folded: the real parent entry is *pgdp. */
		if (!tw_hold(w, table, TW_LEVEL_PMD, (unsigned long *)pgdp,
			     pgd_val(pgd)))
			return;
		if (!tw_walk_pmd_table(w, pud, addr))
			return;
	}
}

/*
 * Spin one microsecond. UML switches tasks only where preemption is
 * re-enabled, so end with such a point; with IRQs off preempt_enable()
 * cannot schedule and this is a plain busy wait.
 */
static void tw_spin_us(void)
{
	preempt_disable();
	udelay(1);
	preempt_enable();
}

/* Hold the tables for @us, open to preemption every microsecond. */
static void tw_dwell(unsigned int us)
{
	u64 end = ktime_get_ns() + (u64)us * NSEC_PER_USEC;

	while (ktime_get_ns() < end)
		tw_spin_us();
}

static bool tw_still_points_to(unsigned long now, unsigned long then)
{
	return (now & _PAGE_PRESENT) && !((now ^ then) & PAGE_MASK);
}

static void tw_report_oracle(struct tw_walker *w, const struct tw_held *h,
			     int refs, bool buddy, bool slab, void *mapping)
{
	tw_count(TW_ORACLE_VIOLATIONS);
	tw_note_first(TW_FIRST_ORACLE_VIOLATION);
	WARN(tw_warn_allowed(&tw_warned_oracle),
	     "table_walker: %s table page %px (pfn %#lx) was freed while walker %u (mode %s, target pid %d) held it: refcount %d%s%s mapping %px\n",
	     h->level == TW_LEVEL_PMD ? "pmd" : "pte", h->page,
	     page_to_pfn(h->page), w->id, tw_mode_name(w->mode),
	     w->target_pid, refs, buddy ? " buddy" : "", slab ? " slab" : "",
	     mapping);
}

/*
 * Wait, until *@end (set on the first wait of a walk, TW_UNLINK_WAIT_US
 * on), for the unlink hook to name a held table whose parent entry
 * changed. The unlinker clears the entry first and calls
 * tlb_remove_table() after, with preemption points in between (the batch
 * page allocation), so a preempted unlinker may not have got there yet.
 * One deadline for the whole held set: a wait per table would stall a
 * walk of TW_HELD_MAX tables for seconds on a kernel that never names
 * them. Only rcu mode can wait: an irq-mode walk is never preempted, so
 * on one CPU nobody changed the entry during it at all.
 */
#define TW_UNLINK_WAIT_US	20000

static bool tw_unlink_named(struct tw_walker *w, const struct tw_held *h,
			    u64 *end)
{
	if (!*end)
		*end = ktime_get_ns() + (u64)TW_UNLINK_WAIT_US * NSEC_PER_USEC;
	while (!READ_ONCE(h->unlinked)) {
		if (w->mode == TW_MODE_IRQ || ktime_get_ns() >= *end)
			return false;
		tw_spin_us();
	}
	return true;
}

static void tw_report_unlink_behind(struct tw_walker *w,
				    const struct tw_held *h, unsigned long now)
{
	tw_count(TW_UNLINKS_BEHIND_TRACKER);
	tw_note_first(TW_FIRST_UNLINK_BEHIND_TRACKER);
	WARN(tw_warn_allowed(&tw_warned_unlink),
	     "table_walker: %s table page %px (pfn %#lx) held by walker %u (mode %s, target pid %d) was unlinked with no unlink hook call: parent entry %#lx, was %#lx\n",
	     h->level == TW_LEVEL_PMD ? "pmd" : "pte", h->page,
	     page_to_pfn(h->page), w->id, tw_mode_name(w->mode),
	     w->target_pid, now, h->parent_val);
}

/*
 * The oracle: still inside the critical section, is every held table still
 * a page-table page, or at least not obviously something else? And
 * invariant 11 (unlinks_behind_tracker): a held table whose parent entry
 * changed must have been named by the unlink hook, or it was unlinked
 * behind the tracker's back.
 */
static void tw_check_held(struct tw_walker *w)
{
	u64 unlink_wait_end = 0;
	unsigned int i;

	for (i = 0; i < w->nr_held; i++) {
		const struct tw_held *h = &w->held[i];
		int refs = page_ref_count(h->page);
		bool buddy = PageBuddy(h->page);
		bool slab = PageSlab(h->page);
		void *mapping = READ_ONCE(h->page->mapping);
		/* The parent is in the pgd or in a held table: safe to read. */
		unsigned long parent = READ_ONCE(*h->parentp);

		if (!tw_still_points_to(parent, h->parent_val)) {
			tw_count(TW_UNLINKS_SEEN_BY_WALKER);
			if (READ_ONCE(tw_check_unlink) && !tw_unlink_named(w, h, &unlink_wait_end))
				tw_report_unlink_behind(w, h, parent);
		}
		if (refs == 0 || buddy || slab || mapping)
			tw_report_oracle(w, h, refs, buddy, slab, mapping);
	}
}

/* One walk of @mm: one critical section, one dwell, one check. */
void tw_walk_once(struct tw_walker *w, struct mm_struct *mm)
{
	unsigned long flags = 0;

	WRITE_ONCE(w->overlap, false);
	if (w->mode == TW_MODE_IRQ)
		local_irq_save(flags);
	else
		rcu_read_lock();

	tw_walk_pgd_range(w, mm);
	if (w->nr_held)
		tw_dwell(w->dwell_us);
	tw_check_held(w);
	/* Before the section ends: from here on a free is legal. */
	smp_store_release(&w->nr_held, 0);

	if (w->mode == TW_MODE_IRQ)
		local_irq_restore(flags);
	else
		rcu_read_unlock();

	tw_count(TW_WALKS);
	tw_count(w->mode == TW_MODE_IRQ ? TW_WALKS_IRQ : TW_WALKS_RCU);
	if (READ_ONCE(w->overlap)) {
		tw_count(TW_WALKS_OVERLAPPING_FREE);
		tw_count(w->mode == TW_MODE_IRQ ?
			 TW_WALKS_OVERLAPPING_FREE_IRQ :
			 TW_WALKS_OVERLAPPING_FREE_RCU);
	}
}
