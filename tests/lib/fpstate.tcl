# SPDX-License-Identifier: GPL-2.0
# Helpers of the suites that run rootfs/checks/fpstate_check in the guest:
# fpstate (this host) and host-* (another host's shape, simulated).
source [file join [file dirname [info script]] suite.tcl]

# Run fpstate_check ARGS in the guest; returns {status plan results
# output}, results a dict of subtest name -> {pass|fail|skip reason}.
proc run_fpstate_check {args} {
	# Under the host simulator the guest's CPUID is this CPU's: a frame is
	# judged by the simulated host's size.
	if {[info exists ::env(XSTATE_SIM_SIZE)]} { lappend args --host-xstate $::env(XSTATE_SIM_SIZE) }
	set out [guest_run "fpstate_check $args" -status status -timeout 120]
	set plan -1
	set results [dict create]
	foreach line [split $out "\n"] {
		regexp {^1\.\.([0-9]+)$} $line -> plan
		if {[regexp {^(not )?ok [0-9]+ (\S+)(?: # (.*))?$} $line -> not name why]} {
			if {$not ne ""} {
				dict set results $name [list fail $why]
			} elseif {[regexp {^SKIP ?(.*)} $why -> why]} {
				dict set results $name [list skip $why]
			} else {
				dict set results $name [list pass ""]
			}
		}
	}
	return [list $status $plan $results $out]
}

# A subtest's {verdict reason}, or {missing ""} when it did not report.
proc subtest_result {results name} {
	if {[dict exists $results $name]} { return [dict get $results $name] }
	return {missing ""}
}

# The value of fpstate_check's "# KEY: VALUE" line in OUT, or "".
proc fpstate_line {out key} {
	foreach line [split $out "\n"] {
		if {[regexp "^# $key: (.*)\$" $line -> value]} { return $value }
	}
	return ""
}

# Every subtest of one fpstate_check run as a check of the suite; its
# context-switch counts kept as counters. Returns the run's output.
proc check_fpstate {args} {
	lassign [run_fpstate_check {*}$args] status plan results out
	foreach line [split $out "\n"] {
		if {[regexp {^# (cpu|frame|tested|not tested): } $line]} { note [string range $line 2 end] }
		if {[regexp {^# (threads|processes|fork): .* over ([0-9]+) context switches$} $line -> test n]} {
			dict set switches ${test}_context_switches $n
		}
	}
	if {[info exists switches]} { record_counters fpstate $switches }
	if {$status == $::exit_code(skip)} {
		finish skip "fpstate_check skipped every subtest: [lindex [dict values $results] 0 1]"
	}
	check {$plan > 0 && [dict size $results] == $plan} \
		"fpstate_check reported all of its $plan subtests ([dict size $results], exit status $status)"
	dict for {name result} $results {
		lassign $result verdict why
		switch $verdict {
			pass { pass "fpstate_check $name" }
			skip { skip_check "fpstate_check $name: $why" }
			fail { fail "fpstate_check $name: $why" }
		}
	}
	check {$status == 0} "fpstate_check exits 0 (status $status)"
	return $out
}

# --- host shapes (tests/host-sim/) -------------------------------------------
# The register classes a host whose XSTATE regset is N bytes saves: N ->
# classes, from tests/host-sim/shapes.
set host_shape_classes [dict create]
set fd [open [file join [file dirname [info script]] .. host-sim shapes]]
foreach line [split [read $fd] "\n"] {
	if {[regexp {^([0-9]+) \S+ (.*)$} $line -> n classes]} { dict set host_shape_classes $n $classes }
}
close $fd

# Boot as a host whose XSTATE regset is N bytes (the shim in UML's
# ptrace), run fpstate_check, and check that the guest's kernel saves what
# that host has, of what this CPU offers, and that the shim refused none
# of its sets. Finishes the suite.
proc check_host_shape {n} {
	global env
	set env(XSTATE_SIM_SIZE) $n
	boot_guest
	set out [check_fpstate]
	set offered ""
	regexp {offer (.*)$} [fpstate_line $out cpu] -> offered
	set want [lmap c [dict get $::host_shape_classes $n] { if {$c in $offered} { set c } else continue }]
	set tested [fpstate_line $out tested]
	check {$tested eq [join $want " "]} \
		"the guest's kernel saves what an $n-byte host has of what this CPU offers ($offered): $want (tested: $tested)"
	power_off
	check_shim_log $n
	finish
}

# The shim's log of this suite's guest: it presented N bytes, and the
# kernel's sets went through, none refused (a refusal is what kills a
# guest on such a host). The log's lines, not its totals: those come only
# from a process that exits through exit(), and UML may not.
proc check_shim_log {n} {
	set fd [open $::env(XSTATE_SIM_LOG)]
	set log [read $fd]
	close $fd
	set sets [regexp -all -line {SETREGSET pid [0-9]+: [0-9]+ bytes as } $log]
	set refusals [regexp -all -inline -line {^.*: (?:EFAULT|EINVAL)\M.*$} $log]
	if {$n == 0} {
		check {[string match "*ENODEV (no XSAVE)*" $log]} "the shim answered the guest's kernel as a host without XSAVE (ENODEV)"
	} else {
		check {[string match "*presenting $n bytes*" $log]} "the shim presented the host's XSTATE regset as $n bytes"
		check {$sets > 0} "the guest's kernel set the regset through the shim ($sets sets logged)"
	}
	check {[llength $refusals] == 0} "the shim refused none of the kernel's requests ([lindex $refusals 0])"
}
