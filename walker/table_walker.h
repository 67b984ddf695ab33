/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared by the files of the table_walker module. */
#ifndef TABLE_WALKER_H
#define TABLE_WALKER_H

#include <linux/atomic.h>
#include <linux/prandom.h>
#include <linux/types.h>

struct mm_struct;
struct page;
struct pid;
struct task_struct;

#define TW_MAX_THREADS		8
/*
 * Tables one rcu walk may hold: every table of a storm's process (fork:
 * ~160, overflow: 1200 in one munmap), so that the unlinks it races hit a
 * held table. An irq walk holds fewer: it bounds an IRQs-off section.
 */
#define TW_HELD_MAX		1024
#define TW_HELD_MAX_IRQ		32
#define TW_DWELL_MAX_US_IRQ	1000
#define TW_DWELL_MAX_US_RCU	100000
#define TW_DWELL_DEFAULT_US	200
/* A WARN with a backtrace for the first few events of a kind only. */
#define TW_WARN_LIMIT		3

enum tw_mode {
	TW_MODE_IRQ,
	TW_MODE_RCU,
};

enum tw_target_kind {
	TW_TARGET_ALL,
	TW_TARGET_PID,
	TW_TARGET_PGRP,
};

/* Level of a page-table page, as far as a walker has seen it. */
enum tw_level {
	TW_LEVEL_UNKNOWN,
	TW_LEVEL_PMD,
	TW_LEVEL_PTE,
};

struct tw_config {
	enum tw_mode mode;
	enum tw_target_kind kind;
	pid_t target_nr;
	unsigned int threads;
	unsigned int dwell_us;
	u64 seed;
};

/* A table a walker reached in its current critical section. */
struct tw_held {
	struct page *page;
	enum tw_level level;
	/* The entry that pointed at the table, and what it held then. */
	unsigned long *parentp;
	unsigned long parent_val;
	/* Set by the unlink hook: the table was unlinked during this walk. */
	bool unlinked;
};

struct tw_walker {
	struct task_struct *task;
	unsigned int id;
	enum tw_mode mode;
	unsigned int dwell_us;
	struct rnd_state rnd;
	pid_t target_pid;
	/*
	 * Read by the probe hooks at any time: entries [0, nr_held) are
	 * written before nr_held is raised with a release store, and
	 * nr_held drops to 0 before the critical section ends.
	 */
	unsigned int nr_held;
	struct tw_held held[TW_HELD_MAX];
	/* Set by the unlink hook: a held table was unlinked in this walk. */
	bool overlap;
};

extern struct tw_walker tw_walkers[TW_MAX_THREADS];

/*
 * Counters, as (ENUM, name) pairs: the name is the key in the stats
 * file, so it must not change once tests read it.
 */
#define TW_COUNTERS(X)							\
	X(WALKS, walks)							\
	X(WALKS_IRQ, walks_irq)						\
	X(WALKS_RCU, walks_rcu)						\
	X(TABLES_VISITED, tables_visited)				\
	X(TABLES_VISITED_PMD, tables_visited_pmd)			\
	X(TABLES_VISITED_PTE, tables_visited_pte)			\
	X(PAGES_GRABBED, pages_grabbed)					\
	X(PAGES_RECHECK_FAILED, pages_recheck_failed)			\
	X(GARBAGE_ENTRIES, garbage_entries)				\
	X(WINDOW_HITS, window_hits)					\
	X(WINDOW_HITS_IRQ, window_hits_irq)				\
	X(WINDOW_HITS_RCU, window_hits_rcu)				\
	X(WALKS_OVERLAPPING_FREE, walks_overlapping_free)		\
	X(WALKS_OVERLAPPING_FREE_IRQ, walks_overlapping_free_irq)	\
	X(WALKS_OVERLAPPING_FREE_RCU, walks_overlapping_free_rcu)	\
	X(UNLINKS_SEEN_BY_WALKER, unlinks_seen_by_walker)		\
	X(VIOLATIONS, violations)					\
	X(VIOLATIONS_IRQ, violations_irq)				\
	X(VIOLATIONS_RCU, violations_rcu)				\
	X(ORACLE_VIOLATIONS, oracle_violations)				\
	X(FLUSH_VIOLATIONS, flush_violations)				\
	X(FLUSH_VIOLATIONS_SUBMIT, flush_violations_submit)		\
	X(FLUSH_VIOLATIONS_FREE, flush_violations_free)			\
	X(FLUSH_UNCHECKED, flush_unchecked)				\
	X(DOUBLE_FREES, double_frees)					\
	X(TABLES_UNLINKED, tables_unlinked)				\
	X(TABLES_UNLINKED_PTE, tables_unlinked_pte)			\
	X(TABLES_UNLINKED_PMD, tables_unlinked_pmd)			\
	X(TABLES_UNLINKED_UNKNOWN, tables_unlinked_unknown)		\
	X(TABLES_UNLINKED_FALLBACK, tables_unlinked_fallback)		\
	X(TABLES_UNLINKED_MUNMAP, tables_unlinked_munmap)		\
	X(TABLES_UNLINKED_EXIT, tables_unlinked_exit)			\
	X(TABLES_UNLINKED_MADVISE, tables_unlinked_madvise)		\
	X(TABLES_FREED, tables_freed)					\
	X(TABLES_FREED_RCU, tables_freed_rcu)				\
	X(TABLES_FREED_FALLBACK, tables_freed_fallback)			\
	X(TABLES_FREED_MUNMAP, tables_freed_munmap)			\
	X(TABLES_FREED_EXIT, tables_freed_exit)				\
	X(TABLES_FREED_MADVISE, tables_freed_madvise)			\
	X(TABLES_FREED_UNTRACKED, tables_freed_untracked)		\
	X(FREED_WITHOUT_GRACE_PERIOD, freed_without_grace_period)	\
	X(BATCHES_SUBMITTED, batches_submitted)				\
	X(BATCHES_FULL, batches_full)					\
	X(BATCHES_RCU_CALLBACKS, batches_rcu_callbacks)			\
	X(BATCHES_FREED_WITHOUT_GRACE_PERIOD,				\
	  batches_freed_without_grace_period)				\
	X(BATCHES_UNTRACKED, batches_untracked)				\
	X(TLB_FLUSHES, tlb_flushes)					\
	X(MM_TABLE_FULL, mm_table_full)					\
	X(GRACE_PERIOD_CHECKS, grace_period_checks)			\
	X(GRACE_PERIOD_VIOLATIONS, grace_period_violations)		\
	X(FALLBACK_FREES_WITHOUT_GRACE_PERIOD,				\
	  fallback_frees_without_grace_period)				\
	X(PAGE_FREES_SEEN, page_frees_seen)				\
	X(TABLES_FREED_OUTSIDE_HOOK, tables_freed_outside_hook)	\
	X(TABLES_FREED_OUTSIDE_HOOK_PTE, tables_freed_outside_hook_pte)	\
	X(TABLES_FREED_OUTSIDE_HOOK_PMD, tables_freed_outside_hook_pmd)	\
	X(UNLINKS_BEHIND_TRACKER, unlinks_behind_tracker)		\
	X(LEAKS, leaks)							\
	X(LEAKS_SEEN_AT_CALLBACK, leaks_seen_at_callback)		\
	X(TABLES_RECLAIMED_NOT_EMPTY, tables_reclaimed_not_empty)	\
	X(BATCH_IMBALANCE, batch_imbalance)				\
	X(QUIESCED, quiesced)

/*
 * The counters a correct kernel keeps at 0 in every storm: the tests read
 * this list from the invariants file, so it is written down once, here.
 * freed_without_grace_period, batches_untracked and tables_freed_untracked
 * hold only if nothing was in flight at the last reset; flush_unchecked and
 * mm_table_full only while the mm slots of flush.c last.
 */
#define TW_INVARIANTS(X)						\
	X(VIOLATIONS)							\
	X(ORACLE_VIOLATIONS)						\
	X(FLUSH_VIOLATIONS)						\
	X(DOUBLE_FREES)							\
	X(LEAKS)							\
	X(LEAKS_SEEN_AT_CALLBACK)					\
	X(TABLES_RECLAIMED_NOT_EMPTY)					\
	X(BATCH_IMBALANCE)						\
	X(GRACE_PERIOD_VIOLATIONS)					\
	X(TABLES_FREED_OUTSIDE_HOOK)					\
	X(UNLINKS_BEHIND_TRACKER)					\
	X(FREED_WITHOUT_GRACE_PERIOD)					\
	X(FLUSH_UNCHECKED)						\
	X(MM_TABLE_FULL)						\
	X(GARBAGE_ENTRIES)						\
	X(BATCHES_UNTRACKED)						\
	X(TABLES_FREED_UNTRACKED)

enum tw_counter {
#define TW_COUNTER_ENUM(id, name) TW_##id,
	TW_COUNTERS(TW_COUNTER_ENUM)
#undef TW_COUNTER_ENUM
	TW_NR_COUNTERS
};

/* Events whose first occurrence is timed from the last start or reset. */
enum tw_first {
	TW_FIRST_VIOLATION,
	TW_FIRST_ORACLE_VIOLATION,
	TW_FIRST_FLUSH_VIOLATION,
	TW_FIRST_GRACE_PERIOD_VIOLATION,
	TW_FIRST_FREED_OUTSIDE_HOOK,
	TW_FIRST_UNLINK_BEHIND_TRACKER,
	TW_FIRST_LEAK,
	TW_FIRST_RECLAIMED_NOT_EMPTY,
	TW_NR_FIRSTS
};

/*
 * The checks added on top of the walker's own, each one switchable at run
 * time (module parameters check_*, main.c) to measure what it costs.
 */
extern bool tw_check_grace_period;
extern bool tw_check_page_free;
extern bool tw_check_unlink;

/* stats.c */
void tw_count(enum tw_counter c);
void tw_count_add(enum tw_counter c, s64 n);
void tw_count_set(enum tw_counter c, s64 n);
s64 tw_count_read(enum tw_counter c);
void tw_note_first(enum tw_first f);
void tw_note_gp_latency(u64 ns);
void tw_stats_reset(void);
void tw_stats_restart_clock(void);
void tw_stats_stop_clock(void);
struct seq_file;
void tw_stats_show(struct seq_file *m);
void tw_invariants_show(struct seq_file *m);
bool tw_warn_allowed(atomic_t *warned);

/* track.c */
int tw_track_init(void);
void tw_track_exit(void);
void tw_track_note_level(struct tw_walker *w, struct page *page,
			 enum tw_level level);
void tw_track_quiesce(void);
void tw_track_page_free(struct page *page, unsigned int order);

/* pagefree.c */
int tw_page_free_init(void);
void tw_page_free_exit(void);

/* flush.c */
u64 tw_flush_seq(void);
int tw_flush_slot(struct mm_struct *mm);
void tw_flush_note(struct mm_struct *mm);
bool tw_flushed_since(int slot, u64 seq);

/* walk.c */
void tw_walk_once(struct tw_walker *w, struct mm_struct *mm);
struct tw_walker *tw_find_holder(const struct page *page,
				 enum tw_level *level);
struct tw_walker *tw_mark_held_unlinked(const struct page *page,
					enum tw_level *level);
const char *tw_mode_name(enum tw_mode mode);

/* runner.c */
int tw_runner_start(const struct tw_config *cfg);
void tw_runner_stop(void);
bool tw_runner_running(void);
void tw_runner_show(struct seq_file *m);

/* control.c */
int tw_control_init(void);
void tw_control_exit(void);

#endif /* TABLE_WALKER_H */
