# SPDX-License-Identifier: GPL-2.0
# Scripted session of the gdb suite: boot; when the suite calls sync(2)
# during a storm, stop at the next RCU callback that frees a table batch,
# print the batch and the backtrace, then let the guest finish. (It stops
# on sync(2), a known point, rather than on Ctrl-C: gdb-interrupt checks
# Ctrl-C.)
break ksys_sync
run
delete
printf "@@gdb: sync from the suite\n"
# At the entry, before the prologue, the callback's argument is in %rdi;
# struct rcu_head is the first member of struct mmu_table_batch.
break *tlb_remove_table_rcu
continue
# No string arguments: gdb copies a string literal into the inferior with
# an inferior call, and Debian 12's gdb cannot restore the registers after
# one on a host whose XSAVE state is over 2696 bytes (AMX).
printf "@@gdb: stopped in tlb_remove_table_rcu\n"
# MAX_TABLE_BATCH as include/asm-generic/tlb.h defines it, on this
# kernel's struct (UML's pages are 4 KiB).
printf "@@gdb: batch nr=%u max=%u first=%p\n", ((struct mmu_table_batch *)$rdi)->nr, (4096 - sizeof(struct mmu_table_batch)) / sizeof(void *), ((struct mmu_table_batch *)$rdi)->tables[0]
bt 8
delete
continue
