// SPDX-License-Identifier: GPL-2.0
/* Module entry: tracking starts at load, walkers only on a 'start' command. */

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "table_walker.h"

/* Read by the hooks on every call: writable at run time. */
bool tw_check_grace_period = true;
module_param_named(check_grace_period, tw_check_grace_period, bool, 0644);
MODULE_PARM_DESC(check_grace_period,
		 "A table freed before a grace period since its unlink is a violation (default Y)");
bool tw_check_page_free = true;
module_param_named(check_page_free, tw_check_page_free, bool, 0644);
MODULE_PARM_DESC(check_page_free,
		 "A known table that reaches the page allocator past the free hook is a violation (default Y)");
bool tw_check_unlink = true;
module_param_named(check_unlink, tw_check_unlink, bool, 0644);
MODULE_PARM_DESC(check_unlink,
		 "A held table whose parent entry changed with no unlink hook call is a violation (default Y)");

static int __init tw_init(void)
{
	int err;

	tw_stats_reset();
	err = tw_track_init();
	if (err)
		return err;
	err = tw_page_free_init();
	if (err) {
		tw_track_exit();
		return err;
	}
	err = tw_control_init();
	if (err) {
		tw_page_free_exit();
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
	tw_page_free_exit();
	tw_track_exit();
}

module_init(tw_init);
module_exit(tw_exit);
MODULE_DESCRIPTION("Lockless page-table walker racing RCU page-table freeing");
MODULE_LICENSE("GPL");
