# synchronize_rcu() waits for every RCU read-side section that began before
# it (kernel/rcu/tree.c: synchronize_rcu()), and only for those: a section
# begun after it started is not waited for. Holding a spinlock or running
# with IRQs off is a read-side section too. Holds in every interleaving.

mm m
inside = false
left = false
late_inside = false

thread reader {
  rcu_read_lock()
  inside = true
  rcu_read_lock()  # a few steps inside the section
  rcu_read_unlock()
  rcu_read_lock()
  rcu_read_unlock()
  left = true
  rcu_read_unlock()
}

thread spinner {
  spin_lock(m.page_table_lock)  # preemption off: a read-side section
  spin_unlock(m.page_table_lock)
}

thread updater {
  was_inside = inside && !left  # read in the same step as the call
  synchronize_rcu()
  assert !was_inside || left, "the grace period outlived the reader that began before it"
}

expect ok
