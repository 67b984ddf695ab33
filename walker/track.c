// SPDX-License-Identifier: GPL-2.0
/* The life of every page-table page freed through the mmu_gather, from unlink to free. */

#include <linux/bug.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/tlb_table_probe.h>
#include <linux/vmalloc.h>

#include <asm/tlb.h>

#include "table_walker.h"

/*
 * A table's states, in the order the mmu_gather moves it through them:
 * unlink() queues it into a batch (or the single-table fallback),
 * submit() hands the batch to call_rcu(), rcu_callback() says the grace
 * period is over, free() gives the page back. NONE: never unlinked
 * since tracking began (a walker may have recorded its level).
 */
enum tw_state {
	TW_ST_NONE,
	TW_ST_QUEUED,
	TW_ST_FALLBACK,
	TW_ST_SUBMITTED,
	TW_ST_GP_DONE,
	TW_ST_FREED,
};

/*
 * Why a table was unlinked: munmap() (or any unmap of a live mm: mremap,
 * exec's stack move), the mm's teardown at exit, or PT_RECLAIM on
 * madvise(MADV_DONTNEED). Tables freed on the single-table fallback are
 * counted as fallback frees whatever their reason.
 */
enum tw_reason {
	TW_WHY_MUNMAP,
	TW_WHY_EXIT,
	TW_WHY_MADVISE,
};

static const enum tw_counter tw_unlinked_by_reason[] = {
	[TW_WHY_MUNMAP] = TW_TABLES_UNLINKED_MUNMAP,
	[TW_WHY_EXIT] = TW_TABLES_UNLINKED_EXIT,
	[TW_WHY_MADVISE] = TW_TABLES_UNLINKED_MADVISE,
};

static const enum tw_counter tw_freed_by_reason[] = {
	[TW_WHY_MUNMAP] = TW_TABLES_FREED_MUNMAP,
	[TW_WHY_EXIT] = TW_TABLES_FREED_EXIT,
	[TW_WHY_MADVISE] = TW_TABLES_FREED_MADVISE,
};

struct tw_entry {
	u64 unlink_ns;
	u64 unlink_seq;		/* tw_flush_seq() at unlink */
	struct rcu_gp_oldstate unlink_gp; /* RCU state at unlink */
	s32 mm_slot;		/* tw_flush_slot() of its mm, -1: none */
	u16 batch_idx;		/* position in its batch */
	u8 state;		/* enum tw_state */
	u8 level;		/* enum tw_level */
	u8 reason;		/* enum tw_reason, set at unlink */
	bool has_gp;		/* unlink_gp was taken */
	bool reclaiming;	/* the reclaim hook named it; its unlink is next */
};

/*
 * Indexed by pfn: on UML's flat memory map the pfn of a table page is a
 * perfect hash of the table pointer, so the hooks never allocate and
 * never run out of slots. vmalloc'd at load, max_mapnr entries.
 */
static struct tw_entry *tw_entries;
static unsigned long tw_nr_entries;
static DEFINE_SPINLOCK(tw_track_lock);

static atomic_t tw_warned_violation;
static atomic_t tw_warned_double_free;
static atomic_t tw_warned_flush;
static atomic_t tw_warned_grace_period;
static atomic_t tw_warned_page_free;
static atomic_t tw_warned_leak;
static atomic_t tw_warned_reclaim;

static const char *const tw_level_names[] = {
	[TW_LEVEL_UNKNOWN] = "unknown-level",
	[TW_LEVEL_PMD] = "pmd",
	[TW_LEVEL_PTE] = "pte",
};

/* On UML a table is a struct ptdesc, which is its struct page. */
static struct tw_entry *tw_entry_of(const void *table)
{
	unsigned long pfn = page_to_pfn((const struct page *)table);

	return pfn < tw_nr_entries ? &tw_entries[pfn] : NULL;
}

static bool tw_state_unlinked(u8 state)
{
	return state != TW_ST_NONE && state != TW_ST_FREED;
}

/*
 * A walker saw @page as a table of @level. Not once a table it holds was
 * unlinked in this walk (overlap, set under tw_track_lock): a table freed
 * under it on the fallback path may hold garbage that looks like entries.
 */
void tw_track_note_level(struct tw_walker *w, struct page *page,
			 enum tw_level level)
{
	unsigned long flags;
	struct tw_entry *e;

	spin_lock_irqsave(&tw_track_lock, flags);
	e = tw_entry_of(page);
	if (e && !READ_ONCE(w->overlap))
		e->level = level;
	spin_unlock_irqrestore(&tw_track_lock, flags);
}

static void tw_count_unlink_level(enum tw_level level)
{
	if (level == TW_LEVEL_PTE)
		tw_count(TW_TABLES_UNLINKED_PTE);
	else if (level == TW_LEVEL_PMD)
		tw_count(TW_TABLES_UNLINKED_PMD);
	else
		tw_count(TW_TABLES_UNLINKED_UNKNOWN);
}

static void tw_on_unlink(struct mm_struct *mm, void *table,
			 struct mmu_table_batch *batch)
{
	int slot = tw_flush_slot(mm);
	u64 seq = tw_flush_seq();
	enum tw_level level = TW_LEVEL_UNKNOWN, held_level;
	/* exit_mmap() runs once the last user dropped mm_users. */
	enum tw_reason why = atomic_read(&mm->mm_users) ? TW_WHY_MUNMAP :
							  TW_WHY_EXIT;
	struct tw_walker *holder;
	bool twice = false;
	unsigned long flags;
	struct tw_entry *e;

	spin_lock_irqsave(&tw_track_lock, flags);
	e = tw_entry_of(table);
	if (e) {
		if (e->reclaiming)
			why = TW_WHY_MADVISE;
		e->reclaiming = false;
		e->reason = why;
		twice = tw_state_unlinked(e->state);
		e->state = batch ? TW_ST_QUEUED : TW_ST_FALLBACK;
		e->mm_slot = slot;
		e->unlink_seq = seq;
		e->unlink_ns = ktime_get_ns();
		e->has_gp = READ_ONCE(tw_check_grace_period);
		if (e->has_gp)
			get_state_synchronize_rcu_full(&e->unlink_gp);
		/* The hook runs after the table went in: it is the last one. */
		e->batch_idx = batch ? batch->nr - 1 : 0;
		level = e->level;
	}
	holder = tw_mark_held_unlinked(table, &held_level);
	spin_unlock_irqrestore(&tw_track_lock, flags);

	tw_count(TW_TABLES_UNLINKED);
	tw_count(tw_unlinked_by_reason[why]);
	if (!batch)
		tw_count(TW_TABLES_UNLINKED_FALLBACK);
	tw_count_unlink_level(level == TW_LEVEL_UNKNOWN && holder ?
			      held_level : level);
	if (holder) {
		tw_count(TW_WINDOW_HITS);
		tw_count(holder->mode == TW_MODE_IRQ ? TW_WINDOW_HITS_IRQ :
						       TW_WINDOW_HITS_RCU);
	}
	if (twice) {
		tw_count(TW_DOUBLE_FREES);
		WARN(tw_warn_allowed(&tw_warned_double_free),
		     "table_walker: table %px unlinked again before it was freed\n",
		     table);
	}
}

static void tw_on_submit(struct mm_struct *mm, struct mmu_table_batch *batch,
			 bool full)
{
	int slot = tw_flush_slot(mm);
	bool tracked = false;
	unsigned long flags;
	u64 newest = 0;
	unsigned int i;

	tw_count(TW_BATCHES_SUBMITTED);
	if (full)
		tw_count(TW_BATCHES_FULL);

	spin_lock_irqsave(&tw_track_lock, flags);
	for (i = 0; i < batch->nr; i++) {
		struct tw_entry *e = tw_entry_of(batch->tables[i]);

		if (!e || e->state != TW_ST_QUEUED)
			continue;
		e->state = TW_ST_SUBMITTED;
		newest = max(newest, e->unlink_seq);
		tracked = true;
	}
	spin_unlock_irqrestore(&tw_track_lock, flags);

	/*
	 * tlb_table_invalidate() runs right before this hook: a batch must
	 * not reach call_rcu() before a flush of its mm that followed the
	 * unlink of its newest table.
	 */
	if (!tracked)
		return;
	if (slot < 0) {
		tw_count(TW_FLUSH_UNCHECKED);
	} else if (!tw_flushed_since(slot, newest)) {
		tw_count(TW_FLUSH_VIOLATIONS);
		tw_count(TW_FLUSH_VIOLATIONS_SUBMIT);
		tw_note_first(TW_FIRST_FLUSH_VIOLATION);
		WARN(tw_warn_allowed(&tw_warned_flush),
		     "table_walker: batch %px of %u tables (mm %px%s) submitted with no TLB flush since its last unlink\n",
		     batch, batch->nr, mm, full ? ", full" : "");
	}
}

/*
 * The tables of the last batch whose RCU callback started on this CPU.
 * The callback frees every one of them before it returns, and one CPU's
 * callbacks run one after the other, so a table of the last batch still
 * waiting for its free when the next callback starts was leaked: caught
 * then, not only by the count at quiesce. Written under tw_track_lock.
 */
struct tw_last_batch {
	unsigned int nr;
	void *tables[MAX_TABLE_BATCH];
};
static DEFINE_PER_CPU(struct tw_last_batch, tw_last_batch);

static unsigned int tw_count_leaked_last_batch(struct tw_last_batch *last)
{
	unsigned int i, leaked = 0;

	for (i = 0; i < last->nr; i++) {
		struct tw_entry *e = tw_entry_of(last->tables[i]);

		if (e && e->state == TW_ST_GP_DONE)
			leaked++;
	}
	last->nr = 0;
	return leaked;
}

static void tw_on_rcu_callback(struct mmu_table_batch *batch)
{
	struct tw_last_batch *last;
	unsigned int i, leaked;
	bool tracked = false;
	unsigned long flags;

	spin_lock_irqsave(&tw_track_lock, flags);
	last = this_cpu_ptr(&tw_last_batch);
	leaked = tw_count_leaked_last_batch(last);
	for (i = 0; i < batch->nr; i++) {
		struct tw_entry *e = tw_entry_of(batch->tables[i]);

		if (e && e->state == TW_ST_SUBMITTED) {
			e->state = TW_ST_GP_DONE;
			last->tables[last->nr++] = batch->tables[i];
			tracked = true;
		}
	}
	spin_unlock_irqrestore(&tw_track_lock, flags);
	tw_count(tracked ? TW_BATCHES_RCU_CALLBACKS : TW_BATCHES_UNTRACKED);
	if (leaked) {
		tw_count_add(TW_LEAKS_SEEN_AT_CALLBACK, leaked);
		tw_note_first(TW_FIRST_LEAK);
		WARN(tw_warn_allowed(&tw_warned_leak),
		     "table_walker: %u tables of the last batch freed by an RCU callback on this CPU were never freed\n",
		     leaked);
	}
}

/* Count a tracked free by the path it took; caller holds the entry's copy. */
static void tw_count_free(const struct tw_entry *e, bool fallback)
{
	tw_count(TW_TABLES_FREED);
	tw_note_gp_latency(ktime_get_ns() - e->unlink_ns);
	if (!fallback)
		tw_count(tw_freed_by_reason[e->reason]);
	if (e->state == TW_ST_GP_DONE) {
		tw_count(TW_TABLES_FREED_RCU);
	} else if (e->state == TW_ST_FALLBACK && fallback) {
		tw_count(TW_TABLES_FREED_FALLBACK);
	} else {
		tw_count(TW_FREED_WITHOUT_GRACE_PERIOD);
		if (e->state == TW_ST_SUBMITTED && e->batch_idx == 0)
			tw_count(TW_BATCHES_FREED_WITHOUT_GRACE_PERIOD);
	}
}

/*
 * Invariant 9 (grace_period_violations), which needs no walker: a table
 * the mmu_gather frees must have waited for a full RCU grace period since
 * its unlink, whoever may have been reading it. The single-table fallback
 * of 6.12 waits for none (tlb_remove_table_one(): an IPI only); it is
 * counted under its own name, as what it is, and not reported as a
 * violation.
 */
static void tw_check_free_grace_period(const void *table, struct tw_entry *e,
				       bool fallback)
{
	if (!e->has_gp || !READ_ONCE(tw_check_grace_period))
		return;
	tw_count(TW_GRACE_PERIOD_CHECKS);
	if (poll_state_synchronize_rcu_full(&e->unlink_gp))
		return;
	if (fallback && e->state == TW_ST_FALLBACK) {
		tw_count(TW_FALLBACK_FREES_WITHOUT_GRACE_PERIOD);
		pr_notice_once("table_walker: a table took the single-table fallback (no batch page) and was freed before a grace period: counted in fallback_frees_without_grace_period, not a violation\n");
		return;
	}
	tw_count(TW_GRACE_PERIOD_VIOLATIONS);
	tw_note_first(TW_FIRST_GRACE_PERIOD_VIOLATION);
	WARN(tw_warn_allowed(&tw_warned_grace_period),
	     "table_walker: %s table %px (pfn %#lx) freed (%s path) %llu us after its unlink, before an RCU grace period elapsed\n",
	     tw_level_names[e->level], table,
	     page_to_pfn((const struct page *)table),
	     fallback ? "fallback" : "batch",
	     div_u64(ktime_get_ns() - e->unlink_ns, NSEC_PER_USEC));
}

static void tw_check_free_flushed(const void *table, const struct tw_entry *e)
{
	if (e->mm_slot < 0) {
		tw_count(TW_FLUSH_UNCHECKED);
		return;
	}
	if (tw_flushed_since(e->mm_slot, e->unlink_seq))
		return;
	tw_count(TW_FLUSH_VIOLATIONS);
	tw_count(TW_FLUSH_VIOLATIONS_FREE);
	tw_note_first(TW_FIRST_FLUSH_VIOLATION);
	WARN(tw_warn_allowed(&tw_warned_flush),
	     "table_walker: table %px freed with no TLB flush of its mm since its unlink %llu us ago\n",
	     table, div_u64(ktime_get_ns() - e->unlink_ns, NSEC_PER_USEC));
}

static void tw_report_violation(const void *table, struct tw_walker *holder,
				enum tw_level level, const struct tw_entry *e,
				bool fallback)
{
	tw_count(TW_VIOLATIONS);
	tw_count(holder->mode == TW_MODE_IRQ ? TW_VIOLATIONS_IRQ :
					       TW_VIOLATIONS_RCU);
	tw_note_first(TW_FIRST_VIOLATION);
	if (!tw_warn_allowed(&tw_warned_violation))
		return;
	if (e)
		WARN(1, "table_walker: %s table %px (pfn %#lx) freed (%s path) while walker %u (mode %s, target pid %d) holds it, %llu us after its unlink\n",
		     tw_level_names[level], table,
		     page_to_pfn((const struct page *)table),
		     fallback ? "fallback" : "batch", holder->id,
		     tw_mode_name(holder->mode), READ_ONCE(holder->target_pid),
		     div_u64(ktime_get_ns() - e->unlink_ns, NSEC_PER_USEC));
	else
		WARN(1, "table_walker: %s table %px (pfn %#lx) freed (%s path) while walker %u (mode %s, target pid %d) holds it; its unlink was never seen\n",
		     tw_level_names[level], table,
		     page_to_pfn((const struct page *)table),
		     fallback ? "fallback" : "batch", holder->id,
		     tw_mode_name(holder->mode), READ_ONCE(holder->target_pid));
}

static void tw_on_free(void *table, bool fallback)
{
	struct tw_entry copy, *e;
	enum tw_level held_level;
	struct tw_walker *holder;
	bool tracked = false, twice = false;
	unsigned long flags;

	spin_lock_irqsave(&tw_track_lock, flags);
	holder = tw_find_holder(table, &held_level);
	e = tw_entry_of(table);
	if (e && e->state == TW_ST_FREED) {
		twice = true;
	} else if (e) {
		copy = *e;
		tracked = e->state != TW_ST_NONE;
		/*
		 * Past the hook, the page may go back to the allocator, and
		 * may come back as a table of another level.
		 */
		e->state = TW_ST_FREED;
		e->level = TW_LEVEL_UNKNOWN;
		e->reclaiming = false;
	}
	spin_unlock_irqrestore(&tw_track_lock, flags);

	if (tracked) {
		tw_count_free(&copy, fallback);
		tw_check_free_grace_period(table, &copy, fallback);
		tw_check_free_flushed(table, &copy);
	} else if (twice) {
		tw_count(TW_DOUBLE_FREES);
		WARN(tw_warn_allowed(&tw_warned_double_free),
		     "table_walker: table %px freed twice\n", table);
	} else {
		tw_count(TW_TABLES_FREED_UNTRACKED);
	}
	if (holder)
		tw_report_violation(table, holder, held_level,
				    tracked ? &copy : NULL, fallback);
}

/*
 * Invariant 10 (tables_freed_outside_hook), from the mm_page_free
 * tracepoint (pagefree.c): a page known as a user page table, because it
 * was unlinked through the hook and not yet freed through it, because
 * PT_RECLAIM named it for reclaim, or because a walker saw it as a table
 * since its last free, is going back to the page allocator without having
 * passed the free hook. Caught as it happens, with the freeing path in the
 * WARN.
 */
void tw_track_page_free(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), end = pfn + (1UL << order);
	unsigned long flags;
	struct tw_entry copy;
	bool bad;

	tw_count(TW_PAGE_FREES_SEEN);
	for (; pfn < end && pfn < tw_nr_entries; pfn++) {
		struct tw_entry *e = &tw_entries[pfn];

		/* Unlocked first look: nearly every page is no table of ours. */
		if (!tw_state_unlinked(READ_ONCE(e->state)) &&
		    READ_ONCE(e->level) == TW_LEVEL_UNKNOWN &&
		    !READ_ONCE(e->reclaiming))
			continue;
		spin_lock_irqsave(&tw_track_lock, flags);
		copy = *e;
		bad = tw_state_unlinked(e->state) ||
		      e->level != TW_LEVEL_UNKNOWN || e->reclaiming;
		if (bad) {
			/* Reported once: the page is the allocator's now. */
			e->state = TW_ST_FREED;
			e->level = TW_LEVEL_UNKNOWN;
			e->reclaiming = false;
		}
		spin_unlock_irqrestore(&tw_track_lock, flags);
		if (!bad)
			continue;
		tw_count(TW_TABLES_FREED_OUTSIDE_HOOK);
		if (copy.level == TW_LEVEL_PTE)
			tw_count(TW_TABLES_FREED_OUTSIDE_HOOK_PTE);
		else if (copy.level == TW_LEVEL_PMD)
			tw_count(TW_TABLES_FREED_OUTSIDE_HOOK_PMD);
		tw_note_first(TW_FIRST_FREED_OUTSIDE_HOOK);
		WARN(tw_warn_allowed(&tw_warned_page_free),
		     "table_walker: %s table page pfn %#lx (%s) returned to the page allocator without passing the free hook\n",
		     tw_level_names[copy.level], pfn,
		     tw_state_unlinked(copy.state) ? "unlinked through the hook" :
		     copy.reclaiming ? "named for reclaim by PT_RECLAIM" :
				       "seen as a table by a walker");
	}
}

static void tw_on_tlb_flush(struct mm_struct *mm)
{
	tw_flush_note(mm);
}

/*
 * Invariant 7 (tables_reclaimed_not_empty): PT_RECLAIM may free only an
 * empty PTE table. Its PMD entry is cleared before free_pte() names it, so
 * no fault can fill it any more and an entry still present here was left
 * by the zap: the page it maps is lost with the table (the force_break
 * bug, f39edcf6349a). The table is read, never written; it stays allocated
 * until its grace period.
 */
static unsigned int tw_count_present_ptes(void *table)
{
	pte_t *ptes = page_address((struct page *)table);
	unsigned int i, present = 0;

	for (i = 0; i < PTRS_PER_PTE; i++)
		if (!pte_none(ptep_get(&ptes[i])))
			present++;
	return present;
}

/* PT_RECLAIM names @table just before its unlink(): remember why. */
static void tw_on_reclaim(struct mm_struct *mm, void *table)
{
	unsigned int present = tw_count_present_ptes(table);
	unsigned long flags;
	struct tw_entry *e;

	spin_lock_irqsave(&tw_track_lock, flags);
	e = tw_entry_of(table);
	if (e)
		e->reclaiming = true;
	spin_unlock_irqrestore(&tw_track_lock, flags);
	if (present) {
		tw_count(TW_TABLES_RECLAIMED_NOT_EMPTY);
		tw_note_first(TW_FIRST_RECLAIMED_NOT_EMPTY);
		WARN(tw_warn_allowed(&tw_warned_reclaim),
		     "table_walker: PT_RECLAIM freed pte table %px of mm %px with %u entries still present\n",
		     table, mm, present);
	}
}

static const struct tlb_table_probe tw_probe = {
	.unlink = tw_on_unlink,
	.submit = tw_on_submit,
	.rcu_callback = tw_on_rcu_callback,
	.free = tw_on_free,
	.tlb_flush = tw_on_tlb_flush,
	.reclaim = tw_on_reclaim,
};

/*
 * Wait for every batch already handed to call_rcu(), then count what is
 * still unlinked: a leak unless some process is unmapping right now.
 */
void tw_track_quiesce(void)
{
	unsigned long flags, pfn, leaks = 0;

	rcu_barrier();
	spin_lock_irqsave(&tw_track_lock, flags);
	for (pfn = 0; pfn < tw_nr_entries; pfn++) {
		if (!tw_state_unlinked(tw_entries[pfn].state))
			continue;
		if (leaks++ < TW_WARN_LIMIT)
			pr_info("table_walker: leak: table pfn %#lx still in state %u\n",
				pfn, tw_entries[pfn].state);
	}
	spin_unlock_irqrestore(&tw_track_lock, flags);

	tw_count_set(TW_LEAKS, leaks);
	tw_count_set(TW_BATCH_IMBALANCE,
		     tw_count_read(TW_BATCHES_SUBMITTED) -
		     tw_count_read(TW_BATCHES_RCU_CALLBACKS) -
		     tw_count_read(TW_BATCHES_FREED_WITHOUT_GRACE_PERIOD));
	tw_count_set(TW_QUIESCED, 1);
}

int tw_track_init(void)
{
	int err;

	tw_nr_entries = max_mapnr;
	tw_entries = vzalloc(array_size(tw_nr_entries, sizeof(*tw_entries)));
	if (!tw_entries) {
		pr_err("table_walker: no memory for %lu table entries (%zu bytes each)\n",
		       tw_nr_entries, sizeof(*tw_entries));
		return -ENOMEM;
	}
	err = tlb_table_probe_register(&tw_probe);
	if (err) {
		pr_err("table_walker: tlb_table_probe_register: %d: another module holds the probe\n",
		       err);
		vfree(tw_entries);
		return err;
	}
	return 0;
}

void tw_track_exit(void)
{
	/* Returns after a grace period: no hook is running any more. */
	tlb_table_probe_unregister(&tw_probe);
	vfree(tw_entries);
}
