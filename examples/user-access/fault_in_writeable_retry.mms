# Q: My read path fills the user's buffer while it holds a spinlock, with
#    page faults disabled. What do I do when the copy comes back short?
# A: Drop the spinlock, fault the buffer in for writing with
#    fault_in_writeable() (mm/gup.c: a zero byte stored into each page with
#    unsafe_put_user(); the kernel-mode fault takes the mmap read lock,
#    which no lock held here forbids), and retry: the pages are not pinned,
#    and the copy may come back short again. fault_in_writeable() writes
#    the buffer; for a buffer that must not be written before the copy,
#    fault_in_safe_writeable() (fault_in_safe_writeable_unlocked.mms).

mm m
spinlock lock
mmap(m, 0x200000, pages=1, prot=rw)  # the user's buffer, not yet touched

thread reader {
  tries = 0
  while true {
    spin_lock(lock)
    pagefault_disable()
    left = __copy_to_user_inatomic(m, 0x200000, 64)
    pagefault_enable()
    spin_unlock(lock)
    if left == 0 {
      break
    }
    assert fault_in_writeable(m, 0x200000, 64) == 0, "the buffer is mapped"
    tries += 1
  }
  assert tries <= 2
}

thread dontneed {  # the page may go again between the fault-in and the copy
  madvise(m, 0x200000, PAGE_SIZE, MADV_DONTNEED)
}

expect ok
