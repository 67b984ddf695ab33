// SPDX-License-Identifier: GPL-2.0
/* TLB flushes per mm, numbered, so that a table's free can ask "flushed since unlink?". */

#include <linux/hash.h>
#include <linux/spinlock.h>

#include "table_walker.h"

/*
 * One slot per mm_struct address ever flushed or unlinked from. Slots
 * are never reused: mm_structs come from a slab that hands the same few
 * addresses out again, and a stale slot can only make a later check
 * pass that an exact one would pass too (its seq is older than any
 * unlink of the new mm). A full table is counted and skips the check.
 */
#define TW_MM_SLOTS_BITS	12
#define TW_MM_SLOTS		(1U << TW_MM_SLOTS_BITS)

struct tw_mm_slot {
	struct mm_struct *mm;
	u64 last_flush_seq;
};

static struct tw_mm_slot tw_mm_slots[TW_MM_SLOTS];
/* The hooks run in process context and, for frees, in softirq. */
static DEFINE_SPINLOCK(tw_flush_lock);
static u64 tw_flush_counter;

/* Caller holds tw_flush_lock. */
static int tw_flush_slot_locked(struct mm_struct *mm)
{
	unsigned int i = hash_ptr(mm, TW_MM_SLOTS_BITS);
	unsigned int n;

	for (n = 0; n < TW_MM_SLOTS; n++, i = (i + 1) % TW_MM_SLOTS) {
		if (tw_mm_slots[i].mm == mm)
			return i;
		if (!tw_mm_slots[i].mm) {
			tw_mm_slots[i].mm = mm;
			tw_mm_slots[i].last_flush_seq = 0;
			return i;
		}
	}
	tw_count(TW_MM_TABLE_FULL);
	return -1;
}

/* The number of the latest flush of any mm: a table unlinked now needs a later one. */
u64 tw_flush_seq(void)
{
	unsigned long flags;
	u64 seq;

	spin_lock_irqsave(&tw_flush_lock, flags);
	seq = tw_flush_counter;
	spin_unlock_irqrestore(&tw_flush_lock, flags);
	return seq;
}

/* The slot of @mm for tw_flushed_since(), or -1 when the table is full. */
int tw_flush_slot(struct mm_struct *mm)
{
	unsigned long flags;
	int slot;

	spin_lock_irqsave(&tw_flush_lock, flags);
	slot = tw_flush_slot_locked(mm);
	spin_unlock_irqrestore(&tw_flush_lock, flags);
	return slot;
}

void tw_flush_note(struct mm_struct *mm)
{
	unsigned long flags;
	int slot;

	spin_lock_irqsave(&tw_flush_lock, flags);
	tw_flush_counter++;
	slot = tw_flush_slot_locked(mm);
	if (slot >= 0)
		tw_mm_slots[slot].last_flush_seq = tw_flush_counter;
	spin_unlock_irqrestore(&tw_flush_lock, flags);
	tw_count(TW_TLB_FLUSHES);
}

/* Has the mm of @slot been flushed after flush number @seq? */
bool tw_flushed_since(int slot, u64 seq)
{
	unsigned long flags;
	bool flushed;

	spin_lock_irqsave(&tw_flush_lock, flags);
	flushed = tw_mm_slots[slot].last_flush_seq > seq;
	spin_unlock_irqrestore(&tw_flush_lock, flags);
	return flushed;
}
