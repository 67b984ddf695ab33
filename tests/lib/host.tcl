# SPDX-License-Identifier: GPL-2.0
# Helpers of the suites that check the host side, with no guest: a command
# that must fail with a message, and the missing-package check that must
# run as a user other than root. Sourced after suite.tcl.

# expect_error WHAT PATTERN CMD...: CMD must fail with output matching PATTERN
proc expect_error {what pattern args} {
	set out [exec sh -c {"$@" 2>&1; echo "exit status $?"} sh {*}$args]
	regexp {exit status ([0-9]+)$} $out -> rc
	check {$rc != 0} "$what: exits non-zero ($rc)"
	check {[regexp -- $pattern $out]} "$what: says '$pattern'"
}

# check_missing_package SCRIPT: need-packages.sh, when not run by root,
# stops naming the exact apt-get line (root would install the package
# instead). A normal user runs SCRIPT as is; root runs it as nobody, which
# works only where nobody can reach SCRIPT (not in a clone under /root or
# a mktemp -d, both 0700). Returns "" when the check ran, else the reason
# it was skipped, also recorded as a skipped check: a correct tree never
# fails it.
proc check_missing_package {script} {
	set what "missing package, not root"
	set prefix {}
	if {[exec id -u] == 0} {
		set prefix {setpriv --reuid=65534 --regid=65534 --clear-groups}
		# test -x as nobody fails both when a directory is closed to it and
		# when setpriv may not switch users here (a container without
		# CAP_SETUID); the reason says which.
		if {[catch {exec {*}$prefix test -x $script 2>@1} err]} {
			if {[string match "child process exited abnormally" $err]} {
				set err "a directory above it is closed to other users"
			}
			set reason "runs as root, and user nobody (65534) cannot run $script: $err"
			skip_check "$what: $reason"
			return $reason
		}
	}
	expect_error $what {sudo apt-get install -y no-such-package} \
		{*}$prefix $script test no-such-package:no-such-command
	return ""
}
