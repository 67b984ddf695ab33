# SPDX-License-Identifier: GPL-2.0
# The guest's console: boot a guest (its whole console in TEST_DIR/console.log,
# its UML process group in TEST_DIR/guest.pid, which the runner kills at the
# end), run commands in its batch shell, read files, power it off; and what
# to do when it stops answering.

package require Expect

set guest_alive 0
log_user 0
match_max -d 4000000

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
set mconsole_tool [file normalize [file join [file dirname [info script]] .. .. scripts mconsole.py]]
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

# Read a file of "key: value" lines in the guest.
proc read_counters {path} {
	return [parse_counters [guest_run "cat $path"]]
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
