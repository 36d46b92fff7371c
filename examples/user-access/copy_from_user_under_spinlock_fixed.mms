# Q: How do I read user memory under a spinlock, then?
# A: As the futex code does (kernel/futex/futex.h: futex_get_value_locked();
#    kernel/futex/waitwake.c: futex_wait_setup()): disable page faults
#    around an _inatomic copy, which has no might_fault() and whose fault
#    takes no lock (arch/x86/mm/fault.c: do_user_addr_fault():
#    faulthandler_disabled() -> bad_area_nosemaphore() -> fixup_exception()).
#    A short copy means the page is not present: drop the lock, fault the
#    page in with a plain get_user() (which may sleep and take the mmap
#    lock: no spinlock is held now), and retry from the top, since the
#    value may have changed meanwhile. pagefault_disable() does not disable
#    preemption; the spinlock does, and nothing under it sleeps here.

mm m
spinlock hb_lock
mmap(m, 0x200000, pages=1, prot=rw)  # the futex word's page, not yet touched

# kernel/futex/futex.h: futex_get_value_locked(): guard(pagefault)()
func futex_get_value_locked(mm, uaddr) {
  pagefault_disable()
  left = __copy_from_user_inatomic(mm, uaddr, 4)
  pagefault_enable()
  if left != 0 {
    return -EFAULT
  }
  return 0
}

thread waiter {
  tries = 0
  while true {
    spin_lock(hb_lock)  # futex_q_lock()
    if futex_get_value_locked(m, 0x200000) == 0 {
      break  # checked under the lock
    }
    spin_unlock(hb_lock)  # futex_q_unlock()
    assert get_user(m, 0x200000) == 0, "fault it in"
    tries += 1
  }
  assert tries <= 2
  spin_unlock(hb_lock)  # futex_queue() drops it
}

thread dontneed {  # the page may go again
  madvise(m, 0x200000, PAGE_SIZE, MADV_DONTNEED)
}

expect ok
