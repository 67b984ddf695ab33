// SPDX-License-Identifier: GPL-2.0
/* The debugfs interface: commands written to control, counters read from stats. */

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "table_walker.h"

#define TW_CMD_MAX	256
#define TW_USAGE							\
	"start [mode=irq|rcu] [target=all|pid:N|pgrp:N] [threads=1..8] "	\
	"[dwell_us=N] [seed=N], stop, reset or quiesce"

/* One command at a time: start and stop must not interleave. */
static DEFINE_MUTEX(tw_control_lock);
static struct dentry *tw_dir;

static int tw_parse_uint(const char *key, const char *val, unsigned int min,
			 unsigned int max, unsigned int *out)
{
	if (!kstrtouint(val, 10, out) && *out >= min && *out <= max)
		return 0;
	pr_err("table_walker: start: %s=%s: expected an integer in [%u, %u]\n",
	       key, val, min, max);
	return -EINVAL;
}

static int tw_parse_target(const char *val, struct tw_config *cfg)
{
	const char *num;

	if (!strcmp(val, "all")) {
		cfg->kind = TW_TARGET_ALL;
		return 0;
	}
	if (str_has_prefix(val, "pid:")) {
		cfg->kind = TW_TARGET_PID;
		num = val + strlen("pid:");
	} else if (str_has_prefix(val, "pgrp:")) {
		cfg->kind = TW_TARGET_PGRP;
		num = val + strlen("pgrp:");
	} else {
		num = NULL;
	}
	if (num && !kstrtoint(num, 10, &cfg->target_nr) && cfg->target_nr > 0)
		return 0;
	pr_err("table_walker: start: target=%s: expected all, pid:N or pgrp:N with N > 0\n",
	       val);
	return -EINVAL;
}

static int tw_parse_option(char *key, char *val, struct tw_config *cfg,
			   bool *have_seed)
{
	if (!strcmp(key, "mode")) {
		if (!strcmp(val, "irq")) {
			cfg->mode = TW_MODE_IRQ;
		} else if (!strcmp(val, "rcu")) {
			cfg->mode = TW_MODE_RCU;
		} else {
			pr_err("table_walker: start: mode=%s: expected irq or rcu\n",
			       val);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "target"))
		return tw_parse_target(val, cfg);
	if (!strcmp(key, "threads"))
		return tw_parse_uint(key, val, 1, TW_MAX_THREADS, &cfg->threads);
	if (!strcmp(key, "dwell_us"))
		return tw_parse_uint(key, val, 0, TW_DWELL_MAX_US_RCU,
				     &cfg->dwell_us);
	if (!strcmp(key, "seed")) {
		if (kstrtou64(val, 0, &cfg->seed)) {
			pr_err("table_walker: start: seed=%s: expected an unsigned 64-bit integer\n",
			       val);
			return -EINVAL;
		}
		*have_seed = true;
		return 0;
	}
	pr_err("table_walker: start: unknown key '%s': keys are mode, target, threads, dwell_us, seed\n",
	       key);
	return -EINVAL;
}

static int tw_parse_start(char *args, struct tw_config *cfg)
{
	bool have_seed = false;
	char *tok, *val;
	int err;

	*cfg = (struct tw_config){
		.mode = TW_MODE_RCU,
		.kind = TW_TARGET_ALL,
		.threads = 1,
		.dwell_us = TW_DWELL_DEFAULT_US,
	};
	while ((tok = strsep(&args, " \t")) != NULL) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val) {
			pr_err("table_walker: start: '%s' is not key=value: use " TW_USAGE "\n",
			       tok);
			return -EINVAL;
		}
		*val++ = '\0';
		err = tw_parse_option(tok, val, cfg, &have_seed);
		if (err)
			return err;
	}
	if (cfg->mode == TW_MODE_IRQ && cfg->dwell_us > TW_DWELL_MAX_US_IRQ) {
		pr_err("table_walker: start: dwell_us=%u: an irq-mode walk cannot be preempted, so its dwell is capped: use 0..%u\n",
		       cfg->dwell_us, TW_DWELL_MAX_US_IRQ);
		return -EINVAL;
	}
	if (!have_seed)
		cfg->seed = get_random_u64();
	return 0;
}

static int tw_no_args(const char *cmd, const char *args)
{
	if (!args || !*skip_spaces(args))
		return 0;
	pr_err("table_walker: %s takes no arguments, got '%s'\n", cmd, args);
	return -EINVAL;
}

static int tw_run_command(char *buf)
{
	char *cmd = strsep(&buf, " \t");
	struct tw_config cfg;
	int err;

	if (!strcmp(cmd, "start")) {
		err = tw_parse_start(buf, &cfg);
		return err ?: tw_runner_start(&cfg);
	}
	if (!strcmp(cmd, "stop")) {
		err = tw_no_args(cmd, buf);
		if (!err)
			tw_runner_stop();
		return err;
	}
	if (!strcmp(cmd, "reset")) {
		err = tw_no_args(cmd, buf);
		if (err)
			return err;
		if (tw_runner_running()) {
			pr_err("table_walker: reset: walkers are running: write 'stop' first\n");
			return -EBUSY;
		}
		/* Batches in flight would be counted on one side of the reset only. */
		rcu_barrier();
		tw_stats_reset();
		return 0;
	}
	if (!strcmp(cmd, "quiesce")) {
		err = tw_no_args(cmd, buf);
		if (!err)
			tw_track_quiesce();
		return err;
	}
	pr_err("table_walker: unknown command '%s': use " TW_USAGE "\n", cmd);
	return -EINVAL;
}

static ssize_t tw_control_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char buf[TW_CMD_MAX];
	int err;

	if (len >= sizeof(buf)) {
		pr_err("table_walker: command of %zu bytes: the limit is %d\n",
		       len, TW_CMD_MAX - 1);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';

	mutex_lock(&tw_control_lock);
	err = tw_run_command(strim(buf));
	mutex_unlock(&tw_control_lock);
	return err ?: len;
}

static const struct file_operations tw_control_fops = {
	.owner = THIS_MODULE,
	.write = tw_control_write,
	.llseek = noop_llseek,
};

static int tw_stats_seq_show(struct seq_file *m, void *v)
{
	tw_stats_show(m);
	return 0;
}

static int tw_stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, tw_stats_seq_show, NULL);
}

static int tw_invariants_file_show(struct seq_file *m, void *v)
{
	tw_invariants_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tw_invariants_file);

static const struct file_operations tw_stats_fops = {
	.owner = THIS_MODULE,
	.open = tw_stats_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

int tw_control_init(void)
{
	tw_dir = debugfs_create_dir("table_walker", NULL);
	if (IS_ERR(tw_dir)) {
		pr_err("table_walker: debugfs_create_dir: %ld: is CONFIG_DEBUG_FS set?\n",
		       PTR_ERR(tw_dir));
		return PTR_ERR(tw_dir);
	}
	debugfs_create_file("control", 0200, tw_dir, NULL, &tw_control_fops);
	debugfs_create_file("stats", 0444, tw_dir, NULL, &tw_stats_fops);
	debugfs_create_file("invariants", 0444, tw_dir, NULL,
			    &tw_invariants_file_fops);
	return 0;
}

/* Returns once no command or read is running any more. */
void tw_control_exit(void)
{
	debugfs_remove_recursive(tw_dir);
}
