// SPDX-License-Identifier: GPL-2.0
/* Module entry: tracking starts at load, walkers only on a 'start' command. */

#include <linux/init.h>
#include <linux/module.h>

#include "table_walker.h"

static int __init tw_init(void)
{
	int err;

	tw_stats_reset();
	err = tw_track_init();
	if (err)
		return err;
	err = tw_control_init();
	if (err) {
		tw_track_exit();
		return err;
	}
	pr_info("table_walker: tracking page-table frees; control in /sys/kernel/debug/table_walker/\n");
	return 0;
}

/* Commands first, then walkers, then the probe: nothing may call us late. */
static void __exit tw_exit(void)
{
	tw_control_exit();
	tw_runner_stop();
	tw_track_exit();
}

module_init(tw_init);
module_exit(tw_exit);
MODULE_DESCRIPTION("Lockless page-table walker racing RCU page-table freeing");
MODULE_LICENSE("GPL");
