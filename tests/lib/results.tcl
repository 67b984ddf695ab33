# SPDX-License-Identifier: GPL-2.0
# A suite's results: its checks and notes, its counters, its verdict and
# exit status, in files under TEST_DIR that tests/harness reads
# (tests/README.md has the formats):
#   checks         one line per check or note: STATUS<TAB>MESSAGE, STATUS
#                  pass, fail, skip or note, the message escaped (record_line)
#   suite-verdict  the suite's own verdict: VERDICT<TAB>REASON, written last
#   counters       "key value" lines: the seed, and PREFIX.RUN.key for each
#                  storm and walker run (record_counters)

set test_dir $env(TEST_DIR)
set failures 0

# Exit codes as in kselftest, from the file the runner's verdict reads too.
set fd [open [file join [file dirname [info script]] .. harness exit-codes]]
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

# Keep counters for the results: PREFIX.RUN.key value, RUN counting this
# suite's calls with PREFIX from 1, so that a second storm's counters do
# not overwrite the first's.
proc record_counters {prefix counters} {
	set run [incr ::counter_runs($prefix)]
	set fd [open $::test_dir/counters a]
	dict for {k v} $counters { puts $fd "$prefix.$run.$k $v" }
	close $fd
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
