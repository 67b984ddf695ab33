# SPDX-License-Identifier: GPL-2.0
# The walker module and the storms: start a walker on a storm, set the
# fault knobs, read both sides' counters and check the walker's invariants
# (walker/README.md).

set walker_dir /sys/kernel/debug/table_walker

# How long a storm runs: the suite's short default, or DURATION (make soak).
proc storm_seconds {default} {
	if {[info exists ::env(DURATION)] && $::env(DURATION) ne ""} {
		return $::env(DURATION)
	}
	return $default
}

proc walker_control {cmd} {
	guest_run "echo '$cmd' > $::walker_dir/control"
}

# Turn a fault-injection capability of patches/0003 (a fault_attr under
# /sys/kernel/debug/mmu_gather/KNOB/) on (or 1): every call fails,
# quietly; or off (0). Options name its other files: -interval 1000
# fails one call in a thousand, -times N the first N, -task-filter Y
# marked tasks only.
set fault_dir /sys/kernel/debug/mmu_gather
proc set_fault {knob state args} {
	set dir $::fault_dir/$knob
	switch -- $state {
		on - 1 { set probability 100 }
		off - 0 { set probability 0 }
		default { error "set_fault: state $state: use on or off" }
	}
	set attrs [dict create interval 1 times -1 verbose 0 task-filter N]
	foreach {opt val} $args {
		if {![regexp {^-(interval|times|task-filter|space)$} $opt -> file]} {
			error "set_fault: unknown option $opt"
		}
		dict set attrs $file $val
	}
	# probability last: the capability is armed only once it is set up.
	dict set attrs probability $probability
	set cmds {}
	dict for {file val} $attrs { lappend cmds "echo $val > $dir/$file" }
	guest_run [join $cmds " && "]
}

# Switch one of the walker's checks (module parameter check_NAME) on (Y)
# or off (N): a negative control shows that check firing on its own.
proc set_walker_check {name value} {
	guest_run "echo $value > /sys/module/table_walker/parameters/check_$name"
}

# Run STORM (a command line; the suite's seed is appended) while walkers
# started with WALKER_OPTS walk; stop, quiesce, and return the storm's and
# the walker's counters as {storm walker}, both kept for the results.
proc storm_under_walker {storm walker_opts} {
	# After rcu_barrier(): nothing from before the storm is counted.
	walker_control reset
	walker_control "start $walker_opts seed=$::seed"
	# A storm ends at its -d: 60 s more is a hang, answered with a task
	# dump before the runner's limit (120 s for most suites) kills the guest.
	set out [guest_run "$storm -s $::seed" -timeout [expr {[storm_seconds 0] + 60}]]
	walker_control stop
	walker_control quiesce
	set walker [read_counters $::walker_dir/stats]
	set storm_counters [parse_counters $out]
	record_counters storm $storm_counters
	record_counters walker $walker
	return [list $storm_counters $walker]
}

# The storm option that ends a storm early, once every one of the walker's
# counters KEYS is above 0: a negative control needs its bug seen once,
# and its checks, not the storm's length, make the verdict.
proc stop_when {args} {
	return "--stop-when $::walker_dir/stats:[join $args ,]"
}

# storm_until KEY STORM SECONDS WALKER_OPTS ?CHECK?: storm_under_walker on
# the command line STORM, whose %d is the storm's seconds (SECONDS, or
# DURATION), until the walker's counter KEY is above 0. What KEY counts
# (a window, a table freed under a walker) needs an rcu walker preempted
# at the right instant, and on a loaded host the walkers get few turns: a
# storm after which KEY is still 0 and no check failed runs again, twice
# as long, up to three times. CHECK (default check_table_invariants; {}
# for a negative control, whose invariants are meant to break) runs on
# every run's counters, so a bug is never retried away. A soak's storms
# (DURATION) and irq walkers run once. Returns {storm walker} of the last.
proc storm_until {key storm seconds walker_opts {check check_table_invariants}} {
	set attempts 3
	if {[storm_seconds 0] != 0 || ![string match *mode=rcu* $walker_opts]} { set attempts 1 }
	set seconds [storm_seconds $seconds]
	for {set attempt 1} {1} {incr attempt} {
		lassign [storm_under_walker [format $storm $seconds] $walker_opts] s w
		if {$check ne ""} { {*}$check $w }
		if {[dict get $w $key] > 0 || $::failures > 0 || $attempt >= $attempts} {
			return [list $s $w]
		}
		note "$key stayed 0 in $seconds s ([dict get $w walks_rcu] rcu walks): running the storm again, twice as long"
		set seconds [expr {$seconds * 2}]
	}
}

# storm_until_window STORM SECONDS WALKER_OPTS: storm_until an rcu walker
# held a table while it was unlinked (a window), the invariants checked.
proc storm_until_window {storm seconds walker_opts} {
	return [storm_until window_hits_rcu $storm $seconds $walker_opts]
}

# The invariants every healthy run keeps: no table freed under a walker
# or before a grace period, none freed twice, leaked or past the hooks, a
# TLB flush between unlink and free, and every batch handed to RCU came
# back through its callback. The walker lists the counters that must be
# 0 (TW_INVARIANTS in walker/table_walker.h); they are read from it.
proc check_table_invariants {w} {
	foreach key [split [guest_run "cat $::walker_dir/invariants"] "\n"] {
		check {[dict get $w $key] == 0} "$key is 0"
	}
	check {[dict get $w quiesced] == 1} "the walker's accounting ran after rcu_barrier()"
	check {[dict get $w tables_unlinked] > 0} "tables were unlinked ([dict get $w tables_unlinked])"
	check {[dict get $w batches_rcu_callbacks] > 0} "batches were freed by their RCU callback"
}

# A storm that frees both levels: the walkers saw pte and pmd tables among
# those unlinked (a table's level is known once a walker visited it).
proc check_levels_unlinked {w} {
	foreach level {pte pmd} {
		set n [dict get $w tables_unlinked_$level]
		check {$n > 0} "$level tables were unlinked ($n seen by a walker)"
	}
}

# The walker counts each table it saw freed by why it was unlinked
# (tables_freed_munmap, _exit, _madvise; fallback frees apart): tables
# unlinked for REASON (the part of the key) by WHO were freed.
proc check_freed_because {w reason who} {
	set n [dict get $w tables_freed_$reason]
	check {$n > 0} "tables unlinked by $who were freed through the mmu_gather ($n)"
}

# Make every non-sleeping page allocation of tasks marked make-it-fail
# fail (fail_page_alloc): the batch page of tlb_remove_table() is one, so
# such a task frees its tables through tlb_remove_table_one(). Returns the
# command prefix that runs a program marked.
proc fail_nonsleeping_allocations {} {
	set d /sys/kernel/debug/fail_page_alloc
	foreach {file value} {task-filter Y ignore-gfp-wait Y ignore-gfp-highmem N
			min-order 0 probability 100 interval 1 times -1 verbose 0} {
		guest_run "echo $value > $d/$file"
	}
	return {sh -c 'echo 1 > /proc/self/make-it-fail && exec "$0" "$@"'}
}

# Run the madvise storm (PT_RECLAIM, patches/0004-0009) under walkers
# started with WALKER_OPTS, with the checks every mode shares: tables were
# reclaimed by madvise (pt_reclaim_* in /proc/vmstat, patches/0009), VmPTE
# fell across a clean MADV_DONTNEED (no hook of ours), and the walker saw
# pte tables go with no invariant broken. Returns {storm walker reclaimed}
# for the mode's own checks. --policy other and faulting threads that
# yield instead of sleeping: they then run while a reclaimer is inside
# madvise() with its PTE lock dropped, the race the storm is for.
# SECONDS is the storm's length; STORM_OPTS adds madvise_storm options
# (storm-madvise.exp: its waking faulting threads open that gap hundreds
# of times more often).
proc run_madvise_storm {walker_opts seconds {storm_opts ""}} {
	set vmstat "grep ^pt_reclaim_ /proc/vmstat | sed 's/ /: /'"
	set before [parse_counters [guest_run $vmstat]]
	lassign [storm_until_window "madvise_storm -d %d --policy other --pause-touch-us 0 $storm_opts" $seconds $walker_opts] storm w
	set after [parse_counters [guest_run $vmstat]]
	set reclaimed [dict create]
	foreach path {fast slow} {
		dict set reclaimed $path [expr {[dict get $after pt_reclaim_$path] - [dict get $before pt_reclaim_$path]}]
	}
	record_counters vmstat $reclaimed
	set total [expr {[dict get $reclaimed fast] + [dict get $reclaimed slow]}]
	check {$total > 0} "madvise reclaimed $total pte tables ([dict get $reclaimed fast] fast path, [dict get $reclaimed slow] slow path)"
	# Each pass gathers more pages than one mmu_gather holds: the zap
	# breaks off inside a table (force_break) and, with the upstream fix
	# (patches/0006), that table goes to the slow path's recheck.
	# Two witnesses that share no code: the vm events of patches/0009
	# and the probe's reclaim hook (patches/0010) seen by the walker.
	check {[dict get $w tables_unlinked_madvise] == $total} \
		"the walker saw the same $total tables unlinked by madvise reclaim ([dict get $w tables_unlinked_madvise])"
	check_freed_because $w madvise "madvise reclaim"
	check {[dict get $reclaimed slow] > 0} "a zap broke off inside a table and the slow path rechecked it ([dict get $reclaimed slow] times)"
	check {[dict get $storm vmpte_dontneed_kb] < [dict get $storm vmpte_touched_kb]} \
		"VmPTE fell from [dict get $storm vmpte_touched_kb] kB to [dict get $storm vmpte_dontneed_kb] kB across MADV_DONTNEED"
	check {[dict get $w tables_unlinked_pte] > 0} "walkers saw pte tables unlinked ([dict get $w tables_unlinked_pte])"
	check {[dict get $storm faults] > 0} "faulting threads faulted pages into the regions ([dict get $storm faults] faults)"
	note "in-storm passes after which VmPTE was lower: [dict get $storm vmpte_drops] of [dict get $storm dontneed_passes]"
	return [list $storm $w $reclaimed]
}
