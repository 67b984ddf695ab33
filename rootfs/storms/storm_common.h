/* SPDX-License-Identifier: GPL-2.0 */
/* Shared options, counters, PRNG and page-table layout helpers for every storm. */
#ifndef STORM_COMMON_H
#define STORM_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * What one touched byte costs in page tables. UML x86_64 builds with
 * CONFIG_3_LEVEL_PGTABLES (arch/um/include/asm/pgtable-3level.h):
 * PMD_SHIFT 21, PGDIR_SHIFT 30, PUD folded into the pgd.
 *  - A pte table maps 2 MiB, so one byte per 2 MiB populates one pte table.
 *  - A pmd table maps 1 GiB (one pgd entry), so one byte per 1 GiB populates
 *    one pmd table and one pte table.
 * Each touched byte also costs a 4 KiB data page: 1024 pte tables ~ 8 MiB.
 * The spans are the same on native x86_64 (PMD_SHIFT 21, PUD_SHIFT 30).
 */
#define PTE_TABLE_SPAN	(1UL << 21)
#define PMD_TABLE_SPAN	(1UL << 30)
#define PAGE_BYTES	4096UL

/*
 * MAX_TABLE_BATCH in include/asm-generic/tlb.h: the table pointers that fit
 * in one page after struct mmu_table_batch's rcu_head (16 bytes) and nr
 * (padded to 8): (4096 - 24) / 8 = 509 with 4 KiB pages on 64-bit.
 */
#define TABLE_BATCH_MAX	509

#define STORM_MAX_COUNTERS	16

/* A storm-specific integer option, declared next to its help text. */
struct storm_option {
	const char *name;	/* long name, without "--" */
	int short_name;		/* 0: long option only */
	const char *arg;	/* placeholder in the usage, e.g. "MIB" */
	long min, max;
	long *value;		/* holds the default (none if out of range) */
	const char *help;
};

/* The layout options of the storms that map wide, sparse regions. */
#define STORM_SPAN_OPTIONS(pte_span_mib, pmd_span_gib)			\
	{ "pte-span-mib", 0, "MIB", 2, 2048, &(pte_span_mib),		\
	  "a byte per 2 MiB: a pte table each" },			\
	{ "pmd-span-gib", 0, "GIB", 0, 256, &(pmd_span_gib),		\
	  "a byte per 1 GiB: a pmd + a pte table each" }

/* Lives in a MAP_SHARED page so that worker processes add to one total. */
struct storm_shared {
	long claimed;		/* iterations handed out, for -n */
	long ops;
	long out_of_resources;	/* EAGAIN/ENOMEM retries, not failures */
	long stop_when_met;	/* --stop-when's watcher stopped the storm */
	long counters[STORM_MAX_COUNTERS];
};

struct storm {
	/* Filled in by the storm before storm_init(). */
	const char *name;
	const char *summary;			/* one line for the usage */
	const struct storm_option *options;	/* ends with .name == NULL */
	const char *const *counter_names;	/* ends with NULL */

	/* Filled in by storm_init(). */
	long duration;		/* seconds, 0: no time limit */
	long iterations;	/* 0: no limit */
	long jobs;
	uint64_t seed;
	int policy;
	long priority;
	long nice;		/* out of range: leave it alone */
	long pause_touch_us, pause_unmap_us, pause_exit_us;
	bool quiet, verbose;
	struct storm_shared *shared;
	double start;
	bool stop_when;		/* --stop-when was given */
	int stop_watcher;	/* its watcher process; 0: none or reaped */
};

/* Counts of the tables a touch_region() call populated in a fresh region. */
struct table_count {
	long pages;
	long pte_tables;
	long pmd_tables;
};

/* Parse options (exit 2 on a bad one), setpgid, set the policy, print pgid/seed. */
void storm_init(struct storm *s, int argc, char **argv);
/* The next iteration's number, or -1 once -d, -n or a signal says stop. */
long storm_next_op(struct storm *s);
void storm_op_done(struct storm *s);
void storm_count(struct storm *s, int counter, long n);
/* Print the key: value results; returns status, the exit code. */
int storm_finish(struct storm *s, int status);

void storm_info(const struct storm *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void storm_verbose(const struct storm *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "name: what failed: strerror (errno)" on stderr; returns 1. */
int storm_fail(const struct storm *s, const char *what);

void storm_pause_us(long us);

/* A sparse RW anonymous mapping at an align boundary, or NULL after a message. */
void *storm_map(struct storm *s, size_t len, size_t align);
/* Write one byte per stride; adds to *tc and returns its table total. */
long touch_region(char *base, size_t len, size_t stride, struct table_count *tc);

/* Fork -j children running child(s, iteration, arg) until the storm stops. */
int storm_run_children(struct storm *s, int exit_counter, const void *arg,
		       int (*child)(struct storm *s, long idx, const void *arg));
/* Run worker() -j times, in this process when -j 1, with per-index seeds. */
int storm_run_workers(struct storm *s,
		      int (*worker)(struct storm *s, int idx, uint64_t seed));

uint64_t rng_seed(uint64_t seed, uint64_t stream);
uint64_t rng_next(uint64_t *state);
uint64_t rng_below(uint64_t *state, uint64_t n);

/* --stop-when FILE:KEY[,KEY...] (storm_stop_when.c): NULL or what is wrong. */
const char *storm_stop_when_parse(const char *arg);
/* Fork the watcher, if --stop-when was given; exit 2 if FILE lacks a KEY. */
void storm_stop_when_start(struct storm *s);
void storm_stop_when_end(struct storm *s);

/* Between storm_options.c and storm_runtime.c; storms call storm_init() instead. */
/* Set the defaults, then parse; *explicit: --policy or --priority was given. */
void storm_parse_options(struct storm *s, int argc, char **argv, bool *explicit);
/* Print "prefix: message" as one line to f; no prefix when prefix is NULL. */
void storm_vline(FILE *f, const char *prefix, const char *fmt, va_list ap);

#endif
