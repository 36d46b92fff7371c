# synchronize_rcu() inside a read-side section sleeps in atomic context and
# waits for its own section: it never returns. local_irq_enable() without
# local_irq_disable(), and a PMD entry cleared without the PMD lock (and
# without any walk-starting lock), are reported too.

mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
touch(m, 0x200000, write)

thread collapse {
  local_irq_enable()
  pte old = pmdp_collapse_flush(v, 0x200000)
  pte_free_defer(m, old)
}

thread self {
  rcu_read_lock()
  synchronize_rcu()
  rcu_read_unlock()
}

expect violation "irq/unbalanced" at 11
expect violation "pmdp_collapse_flush/needs-pmd-lock" at 12
expect violation "pgtable/non-terminal-change" at 12
expect violation "lock/sleep-in-atomic: synchronize_rcu may sleep" at 18
expect violation "rcu/context-switch-in-reader: synchronize_rcu blocks in schedule()" at 18
expect deadlock "self waits for RCU grace period held by self"
