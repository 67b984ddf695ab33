// SPDX-License-Identifier: GPL-2.0
/* The walker threads: which mm each one walks next, and starting and stopping them. */

#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>

#include "table_walker.h"

/*
 * Walks a walker makes on one mm before it picks a target again: long
 * enough to go on walking an mm through its exit_mmap() and after it.
 */
#define TW_WALKS_PER_TARGET	16

/* Written by control.c under its mutex, read by stats at any time. */
static struct tw_config tw_cfg;
static bool tw_started_once;
static bool tw_running;
static unsigned int tw_nr_threads;
/* The pid or process group of the target; NULL for all. */
static struct pid *tw_target;

static bool tw_is_candidate(struct task_struct *p)
{
	return !(p->flags & PF_KTHREAD) && READ_ONCE(p->mm);
}

/* mm_count only: we must not keep the address space alive. */
static struct mm_struct *tw_grab_mm(struct task_struct *p, pid_t *pid)
{
	struct mm_struct *mm;

	task_lock(p);
	mm = p->mm;
	if (mm) {
		mmgrab(mm);
		*pid = task_tgid_nr(p);
	}
	task_unlock(p);
	return mm;
}

/* Count @p if it has an mm; grab that mm if @p is candidate number @pick. */
static bool tw_consider(struct task_struct *p, unsigned int *seen,
			unsigned int pick, struct mm_struct **mm, pid_t *pid)
{
	if (!tw_is_candidate(p) || (*seen)++ != pick)
		return false;
	*mm = tw_grab_mm(p, pid);
	return true;
}

/*
 * Visit the target's processes under rcu_read_lock(), which keeps the
 * task list and the pid's task lists walkable. Returns how many were
 * candidates, stopping at number @pick (UINT_MAX: count them all).
 */
static unsigned int tw_scan(unsigned int pick, struct mm_struct **mm,
			    pid_t *pid)
{
	struct task_struct *p;
	unsigned int seen = 0;

	switch (tw_cfg.kind) {
	case TW_TARGET_PID:
		p = pid_task(tw_target, PIDTYPE_PID);
		if (p)
			tw_consider(p, &seen, pick, mm, pid);
		break;
	case TW_TARGET_PGRP:
		do_each_pid_task(tw_target, PIDTYPE_PGID, p) {
			if (tw_consider(p, &seen, pick, mm, pid))
				return seen;
		} while_each_pid_task(tw_target, PIDTYPE_PGID, p);
		break;
	case TW_TARGET_ALL:
		for_each_process(p) {
			if (tw_consider(p, &seen, pick, mm, pid))
				return seen;
		}
		break;
	}
	return seen;
}

/* A random process of the target, rescanned each time: groups change. */
static struct mm_struct *tw_pick_target(struct tw_walker *w, pid_t *pid)
{
	struct mm_struct *mm = NULL;
	unsigned int n;

	rcu_read_lock();
	n = tw_scan(UINT_MAX, &mm, pid);
	if (n)
		tw_scan(prandom_u32_state(&w->rnd) % n, &mm, pid);
	rcu_read_unlock();
	return mm;
}

static int tw_walker_thread(void *data)
{
	struct tw_walker *w = data;
	struct mm_struct *mm = NULL;
	unsigned int left = 0;
	pid_t pid = 0;

	while (!kthread_should_stop()) {
		if (!left) {
			if (mm)
				mmdrop(mm);
			mm = tw_pick_target(w, &pid);
			if (!mm) {
				/* The target is gone, or has no mm yet. */
				schedule_timeout_interruptible(msecs_to_jiffies(10));
				continue;
			}
			WRITE_ONCE(w->target_pid, pid);
			left = TW_WALKS_PER_TARGET;
		}
		tw_walk_once(w, mm);
		left--;
		/* Outside the critical section: an irq-mode walker yields here. */
		cond_resched();
	}
	if (mm)
		mmdrop(mm);
	return 0;
}

static void tw_stop_threads(unsigned int n)
{
	while (n--) {
		kthread_stop(tw_walkers[n].task);
		tw_walkers[n].task = NULL;
	}
}

static int tw_resolve_target(const struct tw_config *cfg)
{
	enum pid_type type = cfg->kind == TW_TARGET_PID ? PIDTYPE_PID :
							   PIDTYPE_PGID;
	bool found;

	tw_target = NULL;
	if (cfg->kind == TW_TARGET_ALL)
		return 0;
	tw_target = find_get_pid(cfg->target_nr);
	rcu_read_lock();
	found = tw_target && pid_task(tw_target, type);
	rcu_read_unlock();
	if (found)
		return 0;
	pr_err("table_walker: start: no %s %d: give a live %s\n",
	       cfg->kind == TW_TARGET_PID ? "process" : "process group",
	       cfg->target_nr, cfg->kind == TW_TARGET_PID ? "pid" : "pgrp");
	put_pid(tw_target);
	tw_target = NULL;
	return -ESRCH;
}

int tw_runner_start(const struct tw_config *cfg)
{
	unsigned int i;
	int err;

	if (tw_running) {
		pr_err("table_walker: start: walkers are running: write 'stop' first\n");
		return -EBUSY;
	}
	tw_cfg = *cfg;
	err = tw_resolve_target(cfg);
	if (err)
		return err;
	tw_started_once = true;
	tw_count_set(TW_QUIESCED, 0);
	tw_stats_restart_clock();
	for (i = 0; i < cfg->threads; i++) {
		struct tw_walker *w = &tw_walkers[i];
		struct task_struct *t;

		w->id = i;
		w->mode = cfg->mode;
		w->dwell_us = cfg->dwell_us;
		w->target_pid = 0;
		prandom_seed_state(&w->rnd, cfg->seed + i);
		t = kthread_create(tw_walker_thread, w, "tw_walker/%u", i);
		if (IS_ERR(t)) {
			pr_err("table_walker: start: kthread_create walker %u: %ld\n",
			       i, PTR_ERR(t));
			tw_stop_threads(i);
			put_pid(tw_target);
			tw_target = NULL;
			tw_stats_stop_clock();
			return PTR_ERR(t);
		}
		/* SCHED_OTHER, nice 0: a SCHED_FIFO storm preempts the walker. */
		sched_set_normal(t, 0);
		w->task = t;
		wake_up_process(t);
	}
	tw_nr_threads = cfg->threads;
	WRITE_ONCE(tw_running, true);
	pr_info("table_walker: started %u %s walker(s), dwell %u us, seed %llu\n",
		cfg->threads, tw_mode_name(cfg->mode), cfg->dwell_us, cfg->seed);
	return 0;
}

void tw_runner_stop(void)
{
	if (!tw_running)
		return;
	tw_stop_threads(tw_nr_threads);
	tw_nr_threads = 0;
	put_pid(tw_target);
	tw_target = NULL;
	WRITE_ONCE(tw_running, false);
	tw_stats_stop_clock();
	pr_info("table_walker: stopped\n");
}

bool tw_runner_running(void)
{
	return READ_ONCE(tw_running);
}

/* The configuration of the current or last run. */
void tw_runner_show(struct seq_file *m)
{
	seq_printf(m, "running: %d\n", READ_ONCE(tw_running));
	if (!tw_started_once) {
		seq_puts(m, "mode: none\ntarget: none\nthreads: 0\ndwell_us: 0\nseed: 0\n");
		return;
	}
	seq_printf(m, "mode: %s\n", tw_mode_name(tw_cfg.mode));
	if (tw_cfg.kind == TW_TARGET_ALL)
		seq_puts(m, "target: all\n");
	else
		seq_printf(m, "target: %s:%d\n",
			   tw_cfg.kind == TW_TARGET_PID ? "pid" : "pgrp",
			   tw_cfg.target_nr);
	seq_printf(m, "threads: %u\n", tw_cfg.threads);
	seq_printf(m, "dwell_us: %u\n", tw_cfg.dwell_us);
	seq_printf(m, "seed: %llu\n", tw_cfg.seed);
}
