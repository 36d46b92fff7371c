# Q: And with page faults disabled?
# A: pagefault_disable() makes faulthandler_disabled() true whatever the
#    preemption model: a page that is not present ends the copy at once,
#    without a lock (arch/x86/mm/fault.c: do_user_addr_fault() ->
#    bad_area_nosemaphore() -> kernelmode_fixup_or_oops() ->
#    fixup_exception()), and the copy returns the bytes it did not copy:
#    the caller treats that as -EFAULT, or retries outside the reader with a
#    copy that may fault. mm/maccess.c: copy_from_user_nofault() is this
#    sequence.

mm m
mmap(m, 0x200000, pages=2, prot=rw)  # the user's buffers, not yet touched

thread sampler {
  rcu_read_lock()
  pagefault_disable()
  assert pagefault_disabled()  # current->pagefault_disabled is 1
  left = __copy_from_user_inatomic(m, 0x200000, 16)
  assert left == 16, "not present: nothing copied, nothing faulted in"
  left = __copy_to_user_inatomic(m, 0x201000, 16)
  pagefault_enable()
  rcu_read_unlock()
  assert copy_from_user_nofault(m, 0x200000, 16) == -EFAULT
}

expect ok
