# SPDX-License-Identifier: GPL-2.0
# gdb set-up for the appliance's UML kernel (make gdb): let UML's own
# signals through, load the kernel's scripts/gdb helpers, and define the
# breakpoints a table-free session usually wants.

# UML runs on SIGSEGV (its page faults) and SIGUSR1 (its process switches):
# they are part of normal operation, not bugs.
handle SIGSEGV nostop noprint pass
handle SIGUSR1 nostop noprint pass
handle SIGUSR2 nostop noprint pass
handle SIGALRM nostop noprint pass
handle SIGIO nostop noprint pass
handle SIGWINCH nostop noprint pass
set pagination off
set confirm off
# UML forks a host process for each guest process and helper: gdb's
# "[Detaching after fork from child process N]" line for each would land
# in the middle of the guest's console output on the shared terminal.
set print inferior-events off
set breakpoint pending on

# gdb does not auto-load vmlinux-gdb.py for a binary named "linux".
python
import os
import gdb
kobj = os.path.dirname(gdb.current_progspace().filename)
gdb.execute("add-auto-load-safe-path " + kobj)
gdb.execute("add-auto-load-safe-path " + os.path.realpath(os.path.join(kobj, "source")))
try:
    gdb.execute("source " + os.path.join(kobj, "vmlinux-gdb.py"))
except gdb.error as e:
    print("appliance.gdb: scripts/gdb helpers not loaded: %s" % e)
end

define break-table-free
	break tlb_remove_table
	break tlb_remove_table_rcu
end
document break-table-free
Break where a page-table page is queued (tlb_remove_table) and where its
batch is freed after the grace period (tlb_remove_table_rcu).
end

# lx-symbols looks for "vmlinux" (not "linux") and for modules below the
# current directory: run it from the kernel's build directory.
python
class LoadWalkerSymbols(gdb.Command):
    """Load the symbols of table_walker.ko (once the guest has loaded it)
so that breakpoints on its tw_* functions resolve."""

    def __init__(self):
        super().__init__("load-walker-symbols", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        gdb.execute("cd " + kobj)
        gdb.execute("lx-symbols")

LoadWalkerSymbols()
end

echo appliance.gdb: 'run' boots the guest; 'break-table-free' sets the table-free breakpoints.\n
