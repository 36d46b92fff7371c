# Q: An error path of mine calls pagefault_enable() a second time. The
#    kernel says nothing; is it harmless?
# A: No. pagefault_enable() is a bare decrement of the task's
#    current->pagefault_disabled (include/linux/uaccess.h:
#    pagefault_disabled_dec()), and nothing checks it: the count goes to -1,
#    and pagefault_disabled() tests it against 0. From then on the thread's
#    page faults are disabled: its next copy_from_user() of a page that is
#    not present comes back short instead of faulting it in, and back in
#    user mode its faults on mapped memory get SIGSEGV (arch/x86/mm/fault.c:
#    do_user_addr_fault(): faulthandler_disabled() -> bad_area_nosemaphore()).
#    Nothing resets the count on the way out either
#    (__exit_to_user_mode_validate() checks kmap, IRQs and lockdep's held
#    locks, not this). Pair every enable with its disable on every path.

mm m
spinlock drv_lock
mmap(m, 0x200000, pages=2, prot=rw)  # the user's buffer, not yet touched

func read_word_locked(mm, uaddr) {
  spin_lock(drv_lock)
  pagefault_disable()
  left = __copy_from_user_inatomic(mm, uaddr, 8)
  pagefault_enable()
  spin_unlock(drv_lock)
  if left != 0 {
    pagefault_enable()  # the bug: a second enable on the error path
    return -EFAULT
  }
  return 0
}

thread ioctl {
  if read_word_locked(m, 0x200000) != 0 {
    assert pagefault_disabled(), "the count is -1: disabled"
    # the usual fallback: fault it in and copy, sleeping, no lock held;
    # but faults are still disabled, so nothing is faulted in
    assert copy_from_user(m, 0x201000, 8) == 8, "a short copy of a valid buffer"
  }
  assert !touch(m, 0x201000, write), "SIGSEGV on a mapped page"
}

expect violation "pagefault/unbalanced-enable" at 26
expect violation "pagefault/disabled-at-user-return: user access at 0x201000 while the pagefault_disabled count is -1" at 39
expect violation "pagefault/disabled-at-user-return: thread ioctl exits" at 40
