// SPDX-License-Identifier: GPL-2.0
/* The module's counters, its grace-period latency histogram, and their text form. */

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>

#include "table_walker.h"

/* le_1 .. le_16777216 us (16.8 s), then le_inf. */
#define TW_GP_BUCKETS	25

static atomic64_t tw_counters[TW_NR_COUNTERS];

static const char *const tw_counter_names[TW_NR_COUNTERS] = {
#define TW_COUNTER_NAME(id, name) [TW_##id] = #name,
	TW_COUNTERS(TW_COUNTER_NAME)
#undef TW_COUNTER_NAME
};

static const char *const tw_first_names[TW_NR_FIRSTS] = {
	[TW_FIRST_VIOLATION] = "first_violation_ms",
	[TW_FIRST_ORACLE_VIOLATION] = "first_oracle_violation_ms",
	[TW_FIRST_FLUSH_VIOLATION] = "first_flush_violation_ms",
	[TW_FIRST_GRACE_PERIOD_VIOLATION] = "first_grace_period_violation_ms",
	[TW_FIRST_FREED_OUTSIDE_HOOK] = "first_freed_outside_hook_ms",
	[TW_FIRST_UNLINK_BEHIND_TRACKER] = "first_unlink_behind_tracker_ms",
	[TW_FIRST_LEAK] = "first_leak_ms",
	[TW_FIRST_RECLAIMED_NOT_EMPTY] = "first_reclaimed_not_empty_ms",
};

static const enum tw_counter tw_invariants[] = {
#define TW_INVARIANT(id) TW_##id,
	TW_INVARIANTS(TW_INVARIANT)
#undef TW_INVARIANT
};

/* Bucket i counts latencies in (2^(i-1), 2^i] us; the last one the rest. */
static atomic64_t tw_gp_buckets[TW_GP_BUCKETS + 1];
static atomic64_t tw_gp_max_us;
static atomic64_t tw_gp_sum_us;

/*
 * The clock the rates and first-event times are read against: it starts
 * at `start` or `reset` and stops at `stop`. 0 in tw_first_ns: no event.
 */
static atomic64_t tw_epoch_ns;
static atomic64_t tw_stopped_ns;
static atomic64_t tw_first_ns[TW_NR_FIRSTS];

void tw_count(enum tw_counter c)
{
	atomic64_inc(&tw_counters[c]);
}

void tw_count_add(enum tw_counter c, s64 n)
{
	atomic64_add(n, &tw_counters[c]);
}

void tw_count_set(enum tw_counter c, s64 n)
{
	atomic64_set(&tw_counters[c], n);
}

s64 tw_count_read(enum tw_counter c)
{
	return atomic64_read(&tw_counters[c]);
}

void tw_note_first(enum tw_first f)
{
	atomic64_cmpxchg(&tw_first_ns[f], 0, ktime_get_ns());
}

void tw_note_gp_latency(u64 ns)
{
	u64 us = div_u64(ns, NSEC_PER_USEC);
	unsigned int b = us <= 1 ? 0 : ilog2(us - 1) + 1;
	s64 max = atomic64_read(&tw_gp_max_us);

	atomic64_inc(&tw_gp_buckets[min(b, TW_GP_BUCKETS)]);
	atomic64_add(us, &tw_gp_sum_us);
	while (us > max) {
		s64 old = atomic64_cmpxchg(&tw_gp_max_us, max, us);

		if (old == max)
			break;
		max = old;
	}
}

/* Allow a WARN for the first TW_WARN_LIMIT events counted in @warned. */
bool tw_warn_allowed(atomic_t *warned)
{
	return atomic_inc_return(warned) <= TW_WARN_LIMIT;
}

void tw_stats_restart_clock(void)
{
	unsigned int i;

	for (i = 0; i < TW_NR_FIRSTS; i++)
		atomic64_set(&tw_first_ns[i], 0);
	atomic64_set(&tw_epoch_ns, ktime_get_ns());
	atomic64_set(&tw_stopped_ns, 0);
}

void tw_stats_stop_clock(void)
{
	atomic64_set(&tw_stopped_ns, ktime_get_ns());
}

void tw_stats_reset(void)
{
	unsigned int i;

	for (i = 0; i < TW_NR_COUNTERS; i++)
		atomic64_set(&tw_counters[i], 0);
	for (i = 0; i <= TW_GP_BUCKETS; i++)
		atomic64_set(&tw_gp_buckets[i], 0);
	atomic64_set(&tw_gp_max_us, 0);
	atomic64_set(&tw_gp_sum_us, 0);
	tw_stats_restart_clock();
	tw_stats_stop_clock();
}

static void tw_show_clock(struct seq_file *m)
{
	s64 epoch = atomic64_read(&tw_epoch_ns);
	s64 stopped = atomic64_read(&tw_stopped_ns);
	s64 now = stopped ? stopped : ktime_get_ns();
	unsigned int i;

	seq_printf(m, "elapsed_ms: %lld\n", div_s64(now - epoch, NSEC_PER_MSEC));
	for (i = 0; i < TW_NR_FIRSTS; i++) {
		s64 t = atomic64_read(&tw_first_ns[i]);

		seq_printf(m, "%s: %lld\n", tw_first_names[i],
			   t ? div_s64(t - epoch, NSEC_PER_MSEC) : -1LL);
	}
}

/* Buckets print cumulatively, as "le" promises: le_inf == count. */
static void tw_show_gp_latency(struct seq_file *m)
{
	s64 sum = 0;
	unsigned int i;

	for (i = 0; i < TW_GP_BUCKETS; i++) {
		sum += atomic64_read(&tw_gp_buckets[i]);
		seq_printf(m, "gp_latency_us_le_%lu: %lld\n", 1UL << i, sum);
	}
	sum += atomic64_read(&tw_gp_buckets[TW_GP_BUCKETS]);
	seq_printf(m, "gp_latency_us_le_inf: %lld\n", sum);
	seq_printf(m, "gp_latency_us_max: %lld\n", atomic64_read(&tw_gp_max_us));
	seq_printf(m, "gp_latency_us_sum: %lld\n", atomic64_read(&tw_gp_sum_us));
	seq_printf(m, "gp_latency_count: %lld\n", sum);
}

void tw_stats_show(struct seq_file *m)
{
	unsigned int i;

	tw_runner_show(m);
	tw_show_clock(m);
	for (i = 0; i < TW_NR_COUNTERS; i++)
		seq_printf(m, "%s: %lld\n", tw_counter_names[i],
			   atomic64_read(&tw_counters[i]));
	tw_show_gp_latency(m);
}

/* One counter name a line: those a correct kernel keeps at 0. */
void tw_invariants_show(struct seq_file *m)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tw_invariants); i++)
		seq_printf(m, "%s\n", tw_counter_names[tw_invariants[i]]);
}
