# Q: What does the table-freeing side get wrong most easily?
# A: Clearing the PMD without pmd_lock() races with every other PMD-lock
#    holder (mm/khugepaged.c takes pmd_lock() around pmdp_collapse_flush();
#    the function asserts nothing). synchronize_rcu() inside a read-side
#    section sleeps in atomic context and waits for its own section: it
#    never returns (kernel/rcu/tree.c: synchronize_rcu() RCU_LOCKDEP_WARN
#    "Illegal synchronize_rcu() in RCU read-side critical section").
#    tlb_remove_table_sync_one() with IRQs off waits for its own IPI.
#    rcu_read_unlock() without rcu_read_lock() is lockdep's; local_irq_enable()
#    of enabled IRQs nobody reports (lockdep counts redundant_hardirqs_on).

mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
touch(m, 0x200000, write)

thread collapse {
  local_irq_enable()
  rcu_read_unlock()
  pte old = pmdp_collapse_flush(v, 0x200000)
  tlb_remove_table(m, old)
}

thread self {
  rcu_read_lock()
  synchronize_rcu()
  rcu_read_unlock()
}

expect violation "irq/unbalanced" at 17
expect violation "rcu/unbalanced" at 18
expect violation "pmdp_collapse_flush/needs-pmd-lock" at 19
expect violation "pgtable/non-terminal-change" at 19
expect violation "lock/sleep-in-atomic: synchronize_rcu may sleep" at 25
expect violation "rcu/context-switch-in-reader: synchronize_rcu blocks in schedule()" at 25
expect deadlock "self waits for RCU grace period held by self"
