// SPDX-License-Identifier: GPL-2.0
/* Fills whole PTE tables and MADV_DONTNEEDs them while other threads fault into them. */
/*
 * What it exercises: PT_RECLAIM (patches/0004-0009). madvise(MADV_DONTNEED)
 * over a range that covers whole PMD-sized (2 MiB, storm_common.h) pieces
 * zaps their pages and then frees each PTE table it emptied, through
 * pte_free_tlb() and the mmu_gather, while the mm stays alive: the third
 * path that frees tables, after munmap and exit.
 *
 * Reclaiming threads each own a region of --tables 2 MiB-aligned pieces:
 * they fill every page of it with MADV_POPULATE_WRITE (one call: 12288
 * faults from user space take half a minute on a loaded UML guest), then
 * MADV_DONTNEED all of it in one call. With the default 20 tables (10240
 * pages) that call gathers more pages than the mmu_gather holds (9698: 8 +
 * MAX_GATHER_BATCH_COUNT batches of 510), so zap_pte_range() has to break
 * off (force_break), flush, reschedule and come back in the middle of a
 * table: the case of the upstream fix "mm: pgtable: fix incorrect reclaim
 * of non-empty PTE pages". Faulting threads meanwhile write to random pages
 * of every region, in bursts, sleeping between them; with --policy other
 * they run when a reclaimer reschedules or is preempted inside madvise(),
 * and a page they fault in there must keep its table.
 *
 * To open that gap often rather than by luck: --file 1 maps a memfd
 * privately and only reads it (map_file()), so a pass costs minor faults
 * instead of zeroing 40 MiB, and --wake-us makes the faulting threads
 * SCHED_FIFO sleepers (become_waker()) that preempt the reclaimer while it
 * flushes after a break, its PTE lock dropped.
 *
 * Witnesses that need no hook of ours: VmPTE in /proc/self/status, read
 * once around a clean DONTNEED of every region before any faulting thread
 * starts (vmpte_touched_kb, vmpte_dontneed_kb), and around every pass
 * (vmpte_drops: passes after which it was lower). A table reclaimed with a
 * page still mapped shows at exit as "BUG: Bad rss-counter state".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "storm_common.h"

#define MAX_THREADS	16

static long reclaimers = 1;
static long faulters = 4;
static long tables = 20;
static long burst = 64;
static long wake_us;
static long file_backed;

static const struct storm_option options[] = {
	{ "reclaimers", 'r', "N", 1, MAX_THREADS, &reclaimers,
	  "threads that fill and MADV_DONTNEED a region" },
	{ "faulters", 't', "N", 0, MAX_THREADS, &faulters,
	  "threads writing into those regions meanwhile" },
	{ "tables", 0, "N", 1, 512, &tables,
	  "2 MiB-aligned pieces (pte tables) per region" },
	{ "burst", 0, "N", 1, 4096, &burst,
	  "pages a faulting thread writes per wakeup" },
	{ "file", 0, "0|1", 0, 1, &file_backed,
	  "1: regions map a memfd MAP_PRIVATE, filled and faulted by reads" },
	{ "wake-us", 0, "US", 0, 1000000, &wake_us,
	  "faulting threads: SCHED_FIFO, US asleep between bursts (0: yield)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

enum { PASSES, PAGES_TOUCHED, TABLES_ADVISED, FAULTS, VMPTE_DROPS,
       VMPTE_TOUCHED_KB, VMPTE_DONTNEED_KB };
static const char *const counter_names[] = {
	"dontneed_passes", "pages_touched", "tables_advised", "faults",
	"vmpte_drops", "vmpte_touched_kb", "vmpte_dontneed_kb", NULL
};

struct region {
	struct storm *s;
	char *base;
	size_t len;
	pthread_t tid;
	int err;		/* errno of the failed call, 0: none */
	const char *what;	/* the failed call */
};

struct faulter {
	struct storm *s;
	struct region *regions;
	uint64_t rng;
	pthread_t tid;
};

static int faulters_stop;

/* VmPTE of this process in kB, or -1 when /proc/self/status has none. */
static long read_vmpte_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmPTE:", 6)) {
			kb = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

/* One fault: a write to anonymous memory, a read of the file's page. */
static void fault_in(char *page)
{
	if (file_backed)
		(void)*(volatile char *)page;
	else
		*(volatile char *)page = 1;
}

/* Every page faulted in, in one call; page by page where the kernel lacks it. */
static void touch_all(struct region *r)
{
	size_t off;

	if (madvise(r->base, r->len, file_backed ? MADV_POPULATE_READ : MADV_POPULATE_WRITE))
		for (off = 0; off < r->len; off += PAGE_BYTES)
			fault_in(r->base + off);
	storm_count(r->s, PAGES_TOUCHED, r->len / PAGE_BYTES);
}

/*
 * --file 1: the region maps a memfd privately and is only read, so its
 * pages stay in the page cache: a pass costs minor faults, not the
 * allocation and zeroing of 40 MiB, and the zap still gathers every page
 * (clean file pages need no delayed rmap), so it breaks off once the
 * mmu_gather is full, as with anonymous memory.
 */
static int map_file(struct region *r)
{
	int fd;

	/* A read fault on a hole of a memfd allocates the page (shmem_fault). */
	fd = memfd_create("madvise_storm", 0);
	if (fd < 0 || ftruncate(fd, r->len)) {
		if (fd >= 0)
			close(fd);
		return storm_fail(r->s, "memfd_create and ftruncate");
	}
	if (mmap(r->base, r->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
		 fd, 0) == MAP_FAILED) {
		close(fd);
		return storm_fail(r->s, "mmap of the memfd");
	}
	close(fd);
	return 0;
}

static int dontneed(struct region *r)
{
	if (madvise(r->base, r->len, MADV_DONTNEED)) {
		r->err = errno;
		r->what = "madvise(MADV_DONTNEED)";
		return 1;
	}
	storm_count(r->s, TABLES_ADVISED, r->len / PTE_TABLE_SPAN);
	return 0;
}

/* One pass: fill every page, then give the whole region back in one call. */
static int reclaim_pass(struct region *r)
{
	long before, after;

	touch_all(r);
	before = read_vmpte_kb();
	storm_pause_us(r->s->pause_touch_us);
	if (dontneed(r))
		return 1;
	after = read_vmpte_kb();
	if (after >= 0 && after < before)
		storm_count(r->s, VMPTE_DROPS, 1);
	storm_count(r->s, PASSES, 1);
	storm_pause_us(r->s->pause_unmap_us);
	return 0;
}

static void *reclaim_loop(void *arg)
{
	struct region *r = arg;

	while (storm_next_op(r->s) >= 0) {
		if (reclaim_pass(r))
			break;
		storm_op_done(r->s);
	}
	return NULL;
}

/*
 * With --wake-us a faulting thread is SCHED_FIFO, so each of its wakeups
 * preempts a reclaimer at once: also in the flush after a force_break,
 * while a table is half zapped and its PTE lock dropped. The faulting
 * thread then runs in that gap, the retry case of PT_RECLAIM, many times
 * a second instead of at the odd timer tick.
 */
static void become_waker(struct faulter *f)
{
	struct sched_param sp = { .sched_priority = f->s->priority };
	int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);

	if (err)
		storm_info(f->s, "faulting thread stays SCHED_OTHER: SCHED_FIFO: %s", strerror(err));
}

/* Bursts of writes to random pages of every region, a sleep between them. */
static void *fault_loop(void *arg)
{
	struct faulter *f = arg;
	size_t pages = (size_t)tables * (PTE_TABLE_SPAN / PAGE_BYTES);
	long k;

	if (wake_us)
		become_waker(f);
	while (!__atomic_load_n(&faulters_stop, __ATOMIC_RELAXED)) {
		for (k = 0; k < burst; k++) {
			struct region *r = &f->regions[rng_below(&f->rng, reclaimers)];

			fault_in(r->base + rng_below(&f->rng, pages) * PAGE_BYTES);
		}
		storm_count(f->s, FAULTS, burst);
		if (wake_us)
			storm_pause_us(wake_us);
		else if (f->s->pause_touch_us)
			storm_pause_us(f->s->pause_touch_us);
		else
			sched_yield();
	}
	return NULL;
}

/*
 * The witness without faulting threads: every region filled, VmPTE read,
 * every region advised away, VmPTE read again. With PT_RECLAIM it drops by
 * about a page per table; without, it stays.
 */
static int measure_vmpte(struct storm *s, struct region *regions)
{
	long touched, advised;
	int i;

	for (i = 0; i < reclaimers; i++)
		touch_all(&regions[i]);
	touched = read_vmpte_kb();
	for (i = 0; i < reclaimers; i++)
		if (dontneed(&regions[i]))
			return 1;
	advised = read_vmpte_kb();
	if (touched < 0 || advised < 0) {
		errno = ENOENT;
		return storm_fail(s, "VmPTE in /proc/self/status");
	}
	storm_count(s, VMPTE_TOUCHED_KB, touched);
	storm_count(s, VMPTE_DONTNEED_KB, advised);
	storm_info(s, "VmPTE: %ld kB filled, %ld kB after MADV_DONTNEED", touched, advised);
	return 0;
}

static int start_threads(struct storm *s, struct region *regions, struct faulter *f,
			 uint64_t seed, int *started_r, int *started_f)
{
	int i, err = 0;

	for (i = 0; i < faulters && !err; i++) {
		f[i] = (struct faulter){ .s = s, .regions = regions,
					 .rng = rng_seed(seed, 1000 + i) };
		err = pthread_create(&f[i].tid, NULL, fault_loop, &f[i]);
		*started_f += !err;
	}
	for (i = 0; i < reclaimers && !err; i++) {
		err = pthread_create(&regions[i].tid, NULL, reclaim_loop, &regions[i]);
		*started_r += !err;
	}
	if (err) {
		errno = err;
		return storm_fail(s, "pthread_create");
	}
	return 0;
}

static int worker(struct storm *s, int idx, uint64_t seed)
{
	struct region regions[MAX_THREADS] = { 0 };
	struct faulter f[MAX_THREADS];
	int i, rc = 0, started_r = 0, started_f = 0;

	for (i = 0; i < reclaimers; i++) {
		regions[i].s = s;
		regions[i].len = (size_t)tables * PTE_TABLE_SPAN;
		regions[i].base = storm_map(s, regions[i].len, PTE_TABLE_SPAN);
		if (!regions[i].base || (file_backed && map_file(&regions[i])))
			return 1;
	}
	storm_verbose(s, "worker %d: %ld regions of %ld tables at %p", idx,
		      reclaimers, tables, (void *)regions[0].base);
	if (measure_vmpte(s, regions))
		rc = 1;
	if (!rc)
		rc = start_threads(s, regions, f, seed, &started_r, &started_f);
	for (i = 0; i < started_r; i++)
		pthread_join(regions[i].tid, NULL);
	__atomic_store_n(&faulters_stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < started_f; i++)
		pthread_join(f[i].tid, NULL);
	for (i = 0; i < reclaimers; i++) {
		if (regions[i].err) {
			errno = regions[i].err;
			rc = storm_fail(s, regions[i].what);
		}
		munmap(regions[i].base, regions[i].len);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct storm s = {
		.name = "madvise_storm",
		.summary = "Fill whole 2 MiB-aligned pte tables and MADV_DONTNEED them in one\n"
			   "call (PT_RECLAIM frees the emptied tables) while other threads\n"
			   "fault into the same regions; -j worker processes.",
		.options = options,
		.counter_names = counter_names,
	};

	storm_init(&s, argc, argv);
	storm_info(&s, "layout: %ld reclaimers x %ld pte tables, %ld faulting threads",
		   reclaimers, tables, faulters);
	return storm_finish(&s, storm_run_workers(&s, worker));
}
