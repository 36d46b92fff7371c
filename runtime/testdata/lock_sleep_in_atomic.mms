# Rule lock/sleep-in-atomic: nothing that may sleep runs under a spinlock.
# Here might_sleep() and a GFP_KERNEL allocation (might_alloc()) run under
# mm->page_table_lock; blocking on a sleeping lock (the mmap lock) there is
# sleeping too. msleep() has no might_sleep() of its own
# (kernel/time/sleep_timeout.c): its schedule() is what reports it.
# Rule book 1.1 (page-table locks are spinlocks), 1.3 (might_sleep()).
# The kernel reports it only with CONFIG_DEBUG_ATOMIC_SLEEP.

mm m

thread t {
  spin_lock(m.page_table_lock)
  might_sleep()
  msleep(1)
  page p = alloc_page()
  spin_unlock(m.page_table_lock)
}

expect violation "lock/sleep-in-atomic: might_sleep() may sleep, but spinlock m->page_table_lock is held" at 13
expect violation "sched/scheduling-while-atomic: msleep() blocks in schedule(), but spinlock m->page_table_lock is held" at 14
expect violation "lock/sleep-in-atomic: alloc_page(GFP_KERNEL) may sleep" at 15
