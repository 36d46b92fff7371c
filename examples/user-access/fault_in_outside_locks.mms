# Q: My write path copies from the user buffer with page faults disabled
#    (it holds a lock the fault path must not nest in), and the copy comes
#    back short. How do I make progress?
# A: As generic_perform_write() and the futex code do: drop what the fault
#    path cannot nest in, fault the range in with fault_in_readable()
#    (mm/gup.c: a byte loaded per page with unsafe_get_user(), which takes
#    the kernel-mode fault: mmap read lock -> handle_mm_fault -> unlock),
#    and retry the atomic copy, which may come back short again: the pages
#    are not pinned, so the loop is the contract. fault_in_readable() has
#    no might_fault() of its own; what it may take is the fault path's
#    mmap read lock, so no mmap or VMA lock of this mm, and no spinlock,
#    may be held.

mm m
spinlock hb_lock                     # a lock the fault path must not nest in
mmap(m, 0x200000, pages=2, prot=rw)  # the user's buffer, not yet touched

thread writer {
  tries = 0
  while true {
    spin_lock(hb_lock)
    pagefault_disable()
    left = __copy_from_user_inatomic(m, 0x200000, 2 * PAGE_SIZE)
    pagefault_enable()
    spin_unlock(hb_lock)
    if left == 0 {
      break
    }
    assert fault_in_readable(m, 0x200000, 2 * PAGE_SIZE) == 0, "the buffer is mapped"
    tries += 1
  }
  assert tries <= 2
}

thread dontneed {  # the pages may go again between the fault-in and the copy
  madvise(m, 0x200000, PAGE_SIZE, MADV_DONTNEED)
}

expect ok
