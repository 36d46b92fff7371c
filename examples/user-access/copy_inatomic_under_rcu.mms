# Q: I copy from and to user memory inside rcu_read_lock() with the
#    _inatomic variants, which have no might_fault(). RCU readers cannot
#    sleep, so the copy cannot fault, can it?
# A: It can. The _inatomic copies do not disable page faults; the caller
#    must (include/linux/uaccess.h: "The caller should also make sure he
#    pins the user space address so that we don't result in page fault and
#    sleep"). The fault handler gives up only when faulthandler_disabled():
#    pagefault_disabled() || in_atomic(), and rcu_read_lock() leaves
#    preempt_count alone on a CONFIG_PREEMPT_RCU kernel. So a page that is
#    not present is faulted in: do_user_addr_fault() takes the mmap read
#    lock, which may sleep, inside the RCU read-side critical section
#    ("BUG: sleeping function called from invalid context" with
#    CONFIG_DEBUG_ATOMIC_SLEEP; "Voluntary context switch within RCU
#    read-side critical section!" if it blocks). Wrap the copies in
#    pagefault_disable()/pagefault_enable(): copy_inatomic_under_rcu_fixed.mms.

mm m
mmap(m, 0x200000, pages=2, prot=rw)  # the user's buffers, not yet touched

thread sampler {
  rcu_read_lock()
  left = __copy_from_user_inatomic(m, 0x200000, 16)
  left = __copy_to_user_inatomic(m, 0x201000, 16)
  rcu_read_unlock()
}

expect violation "lock/sleep-in-atomic" at 22
expect violation "lock/sleep-in-atomic" at 23
