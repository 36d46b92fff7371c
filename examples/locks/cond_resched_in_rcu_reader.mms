# Q: May a loop under rcu_read_lock() call cond_resched() to stay
#    responsive?
# A: No. With non-preemptible RCU (CONFIG_PREEMPT_RCU=n) a reader leaves no
#    trace in memory, and cond_resched() reports a quiescent state for the
#    CPU (kernel/sched/core.c: __cond_resched() -> rcu_all_qs()): a grace
#    period can end while the reader still uses what it protects. Only a
#    debug kernel says so (__might_resched(): "sleeping function called
#    from invalid context"). Leave the section around cond_resched() and
#    look the object up again: cond_resched_outside_rcu_reader.mms.

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread scanner {
  rcu_read_lock()
  for i in 0..2 {
    cond_resched()
  }
  rcu_read_unlock()
}

expect violation "cond_resched/rcu-reader" at 17
expect violation "lock/sleep-in-atomic" at 17
