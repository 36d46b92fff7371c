# Q: My wait path reads a word of user memory while it holds its
#    hash-bucket spinlock (the value must not change between the check and
#    the queueing, as in futex_wait_setup()). copy_from_user() is short, so
#    is that fine?
# A: No. copy_from_user() starts with might_fault(), which under a spinlock
#    is "BUG: sleeping function called from invalid context" on a
#    CONFIG_DEBUG_ATOMIC_SLEEP kernel (mm/memory.c: __might_fault() ->
#    __might_sleep()), and it records hb_lock -> mmap_lock for lockdep
#    (might_lock_read()). Nothing worse happens at run time, but only by
#    luck of the fault path: the spinlock makes in_atomic() true (with
#    CONFIG_PREEMPT_COUNT), so when the page is not present
#    do_user_addr_fault() takes no lock and does not fault it in
#    (faulthandler_disabled() -> bad_area_nosemaphore() -> the exception
#    table): the copy comes back short and the wait fails with -EFAULT on a
#    valid address. Read it with page faults disabled on purpose and fault
#    the page in outside the lock: copy_from_user_under_spinlock_fixed.mms.

mm m
spinlock hb_lock
mmap(m, 0x200000, pages=1, prot=rw)  # the futex word's page, not yet touched

thread waiter {
  spin_lock(hb_lock)  # futex_q_lock()
  ret = 0
  if copy_from_user(m, 0x200000, 4) != 0 {
    ret = -EFAULT  # a valid address, but not present
  }
  spin_unlock(hb_lock)
}

expect violation "lock/sleep-in-atomic: might_fault may sleep, but spinlock hb_lock is held" at 25
