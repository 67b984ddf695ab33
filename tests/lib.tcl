# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the expect suites: boot a guest, run commands in it,
# read its counters, check them, power it off and give the runner a verdict.
#
# The runner (tests/harness/runner.py) sets TEST_DIR, LINUX, INITRAMFS, MEM, ARGS and
# BOOT_GUEST; everything a suite learns goes to files under TEST_DIR:
#   console.log    the guest's whole console
#   guest.pid      the UML process group, which the runner kills at the end
#   checks         one line per check or note: STATUS<TAB>MESSAGE, STATUS
#                  pass, fail, skip or note, the message escaped (record_line)
#   suite-verdict  the suite's own verdict: VERDICT<TAB>REASON, written last
#   counters       "key value" lines: the seed, and PREFIX.RUN.key for each
#                  storm and walker run (record_counters)
# tests/harness reads them (tests/README.md has the formats).

package require Expect

set test_dir $env(TEST_DIR)
set failures 0
set guest_alive 0
log_user 0
match_max -d 4000000

# Exit codes as in kselftest, from the file the runner's verdict reads too.
set fd [open [file join [file dirname [info script]] harness exit-codes]]
foreach line [split [read $fd] "\n"] {
	if {[regexp {^([a-z]+) ([0-9]+)$} $line -> name code]} { set exit_code($name) $code }
}
close $fd

# One seed per suite run drives the storms and the walkers: SEED= replays.
if {[info exists env(SEED)] && $env(SEED) ne ""} {
	set seed $env(SEED)
} else {
	set seed [expr {int(rand() * 2147483647)}]
}
set fd [open $test_dir/counters w]
puts $fd "seed $seed"
close $fd
close [open $test_dir/checks w]

# Backslash and control characters escaped, so that any message is one
# line of a file: \\ \t \n \r and \xNN (tests/harness/facts.py undoes it).
set record_escapes [list \\ \\\\ \t \\t \n \\n \r \\r \x7f \\x7f]
for {set c 0} {$c < 32} {incr c} {
	if {$c ni {9 10 13}} { lappend record_escapes [format %c $c] [format \\x%02x $c] }
}

# record_line FILE FIELD...: append the fields, escaped, TAB-separated.
proc record_line {file args} {
	set fd [open [file join $::test_dir $file] a]
	fconfigure $fd -encoding utf-8
	puts $fd [join [lmap field $args { string map $::record_escapes $field }] "\t"]
	close $fd
}

# The last note, which says why a suite skips or fails as expected when
# it calls finish with no reason.
set last_note ""
proc note {msg} {
	puts "$msg"
	flush stdout
	record_line checks note $msg
	set ::last_note $msg
}

proc fail {msg} {
	incr ::failures
	puts "FAIL: $msg"
	flush stdout
	record_line checks fail $msg
}

proc pass {msg} {
	puts "ok: $msg"
	flush stdout
	record_line checks pass $msg
}

# A check that cannot run here (it needs root, another user, a KASAN
# kernel): reported as skipped, MSG saying why, and never a failure.
proc skip_check {msg} {
	puts "SKIP: $msg"
	flush stdout
	record_line checks skip $msg
}

# check EXPR MSG: evaluate EXPR in the caller; count a failure when false.
proc check {expr msg} {
	if {[uplevel 1 [list expr $expr]]} {
		pass $msg
		return 1
	}
	fail "$msg (failed: [uplevel 1 [list subst $expr]])"
	return 0
}

# Boot a guest and wait for its shell; extra arguments go to the kernel.
# appliance.batch asks rootfs/sbin/appliance-shell for a non-interactive
# shell with terminal echo off, so that only command output comes back.
# With boot_under_shell set, boot-guest.sh runs as a shell's child, not
# as the leader of its process group: as make run starts it.
set boot_under_shell 0
proc boot_guest {args} {
	global env spawn_id
	foreach var {BOOT_GUEST LINUX INITRAMFS MEM} {
		if {![info exists env($var)]} {
			fail "boot_guest: $var is not set: run the suites with make test, which sets it"
			finish
		}
	}
	if {![info exists env(ARGS)]} { set env(ARGS) "" }
	set cmd [list $env(BOOT_GUEST) $env(LINUX) $env(INITRAMFS) $env(MEM) appliance.batch]
	foreach a [concat $env(ARGS) $args] { lappend cmd $a }
	if {$::boot_under_shell} { set cmd [concat [list sh -c {"$@"; exit $?} sh] $cmd] }
	log_file -a -noappend $::test_dir/console.log
	# Under the host simulator (tests/host-sim/), its log beside the console.
	if {[info exists env(XSTATE_SIM_SIZE)]} { set env(XSTATE_SIM_LOG) $::test_dir/xstate-sim.log }
	note "boot: [join $cmd]"
	spawn -noecho {*}$cmd
	set ::guest_alive 1
	set ::guest_tty $spawn_out(slave,name)
	set fd [open $::test_dir/guest.pid w]
	puts $fd [exp_pid]
	close $fd
	set timeout 60
	expect {
		-re {appliance: ready} {
			regexp {mconsole \(version 2\) initialized on (\S+)} $expect_out(buffer) -> ::mconsole_socket
		}
		timeout { fail "guest did not reach 'appliance: ready' within 60 s"; finish }
		eof { set ::guest_alive 0; fail "guest exited while booting"; finish }
	}
	expect {
		-re {appliance: batch shell \(pid ([0-9]+)\)} { set ::shell_pid $expect_out(1,string) }
		timeout { fail "guest started no shell"; finish }
		eof { set ::guest_alive 0; fail "guest exited before its shell"; finish }
	}
	# A job of its own there: the runner kills UML's group, which its pid names.
	if {$::boot_under_shell && [file readable [file dirname $::mconsole_socket]/pid]} {
		file copy -force [file dirname $::mconsole_socket]/pid $::test_dir/guest.pid
	}
}

# A console stall is an answer the guest holds back until more input
# arrives: a console interrupt UML missed (docs/known-issues.md, "The console").
# Nothing is typed while a command runs; only when its time is up does
# one empty line (a no-op for the batch shell) ask whether the answer was
# held back, and if it then comes, the suite fails for the stall.
set console_stalls 0
proc expect_answer {timeout_s what} {
	# No capture of what comes before the marker: expect matches again on
	# every read, and with a leading (.*?) Tcl's regexp engine makes that
	# quadratic in the output.
	# No newline after it either: a kernel message may come in between.
	set answer {@@rc=([0-9]+)@@}
	set timeout $timeout_s
	expect {
		-re $answer {}
		timeout {
			send "\r"
			set timeout 2
			expect {
				-re $answer {
					incr ::console_stalls
					fail "console stall: the answer to '$what' came only after an empty line was typed"
				}
				timeout {
					fail "no answer within $timeout_s s to: $what ([dump_guest_tasks])"
					finish
				}
				eof {
					set ::guest_alive 0
					fail "guest died while running: $what"
					finish
				}
			}
		}
		eof {
			set ::guest_alive 0
			fail "guest died while running: $what"
			finish
		}
	}
	set out [string range $expect_out(buffer) \
		0 end-[string length $expect_out(0,string)]]
	return [list [string trim [string map {"\r" ""} $out]] $expect_out(1,string)]
}

# A guest that stopped answering: its blocked tasks (sysrq w) and the
# batch shell's stack, through UML's management console, which needs no
# guest shell, go to DIR/guest-tasks (and the console log). Not sysrq t:
# on UML 6.12 it panics ("Segfault with no mm") in print_worker_info()'s
# copy_from_kernel_nofault(). Returns what the failure says.
set mconsole_socket ""
set shell_pid ""
set mconsole_tool [file normalize [file join [file dirname [info script]] .. scripts mconsole.py]]
proc dump_guest_tasks {} {
	if {$::mconsole_socket eq ""} { return "no task dump: UML printed no mconsole socket" }
	set dump ""
	foreach request [list "sysrq w" "stack $::shell_pid"] {
		set failed [catch {exec $::mconsole_tool $::mconsole_socket {*}$request 2>@1} out]
		append dump "# $request\n" $out "\n"
		if {$failed} {
			return "no task dump: $request: [lindex [split [string trim $out] "\n"] 0]"
		}
	}
	set fd [open $::test_dir/guest-tasks w]
	puts -nonewline $fd $dump
	close $fd
	# mconsole answers even when the stack cannot be walked (a SIGSEGV
	# in UML's own handler): name only a stack that came back.
	if {![string match "*Call Trace:*" $dump]} {
		return "blocked tasks in guest-tasks, the shell's stack unreadable"
	}
	return "blocked tasks and the shell's stack in guest-tasks"
}

# Run CMD in the guest and return its output; a non-zero status is a
# failure unless -status VAR asks for it instead.
proc guest_run {cmd args} {
	set limit 30
	set status_var ""
	foreach {opt val} $args {
		switch -- $opt {
			-timeout { set limit $val }
			-status { set status_var $val }
			default { error "guest_run: unknown option $opt" }
		}
	}
	# "cmd &" runs in the background: then $? is 0 and no ';' may follow.
	set sep [expr {[string match {*&} [string trimright $cmd]] ? " " : "; "}]
	send -- "$cmd${sep}echo \"@@rc=\$?@@\"\r"
	lassign [expect_answer $limit $cmd] out rc
	if {$status_var ne ""} {
		upvar 1 $status_var status
		set status $rc
	} elseif {$rc != 0} {
		fail "exit status $rc from: $cmd\n$out"
	}
	return $out
}

# Parse "key: value" lines into a dict.
proc parse_counters {text} {
	set d [dict create]
	foreach line [split $text "\n"] {
		if {[regexp {^\s*([A-Za-z0-9_.]+):\s*(\S+)\s*$} $line -> k v]} {
			dict set d $k $v
		}
	}
	return $d
}

# Read a file of "key: value" lines in the guest.
proc read_counters {path} {
	return [parse_counters [guest_run "cat $path"]]
}

# Keep counters for the results: PREFIX.RUN.key value, RUN counting this
# suite's calls with PREFIX from 1, so that a second storm's counters do
# not overwrite the first's.
proc record_counters {prefix counters} {
	set run [incr ::counter_runs($prefix)]
	set fd [open $::test_dir/counters a]
	dict for {k v} $counters { puts $fd "$prefix.$run.$k $v" }
	close $fd
}

# Power the guest off: straight away (poweroff -f) unless the suite set
# orderly_poweroff, which goes through busybox init's shutdown (about 2 s
# of SIGTERM, wait, SIGKILL that a test gains nothing from).
set orderly_poweroff 0
proc power_off {} {
	if {!$::guest_alive} return
	send [expr {$::orderly_poweroff ? "poweroff\r" : "poweroff -f\r"}]
	set timeout 30
	expect {
		eof {}
		timeout {
			send "\r"
			set timeout 2
			expect {
				eof {
					incr ::console_stalls
					fail "console stall: poweroff ran only after an empty line was typed"
				}
				timeout { fail "guest did not power off within 30 s" }
			}
		}
	}
	catch wait
	set ::guest_alive 0
}

# Under gdb, when the kernel stopped or hung where it should not have:
# stop it (Ctrl-C; at gdb's prompt it only clears the line) and put every
# thread's backtrace in the console log, for the failure's reader.
proc gdb_backtrace {} {
	send "\x03"
	set timeout 10
	expect -re {\(gdb\) $}
	send "thread apply all bt\r"
	# Past the prompt that a Ctrl-C at the prompt prints: up to the one
	# after the threads. Returns what gdb printed.
	expect -re {Thread [0-9]+ .*\(gdb\) $}
	return $expect_out(buffer)
}

# Power off, record the suite's verdict and exit with its code: fail if
# any check failed, else VERDICT (pass by default; xfail/xpass/skip for the
# suites that need them) for REASON. An xfail, xpass or skip with no REASON
# takes the last note; a failure's reason is its first failed check, unless
# given.
proc finish {{verdict pass} {reason ""}} {
	if {$reason eq "" && $verdict ni {pass fail}} {
		set reason $::last_note
	}
	power_off
	if {$::failures > 0 && $verdict eq "pass"} { set verdict fail }
	if {$verdict eq "pass"} { set reason "" }
	if {$::console_stalls > 0} { note "console stalls: $::console_stalls" }
	puts "verdict: $verdict"
	flush stdout
	record_line suite-verdict $verdict $reason
	exit $::exit_code($verdict)
}

# --- the walker module and the storms ----------------------------------------
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
