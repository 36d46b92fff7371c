# Q: How does a long scan that reads under RCU give up the CPU?
# A: Between read-side sections: rcu_read_unlock(), cond_resched(), then
#    rcu_read_lock() and a fresh lookup, as the kernel's scanners do
#    (kernel/sched/core.c: __cond_resched(); the broken form:
#    cond_resched_in_rcu_reader.mms). cond_resched() also must not run
#    under a spinlock: like might_sleep() it is a sleep point.

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread scanner {
  for i in 0..2 {
    rcu_read_lock()
    pte = pte_offset_map(m, 0x100000)
    if pte {
      pte_unmap(pte)
    }
    rcu_read_unlock()
    cond_resched()
  }
}

expect ok
