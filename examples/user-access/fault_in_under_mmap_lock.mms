# Q: My driver looks the VMA up under the mmap read lock and, while it
#    still holds the lock, faults the user's buffer in with
#    fault_in_writeable() so that a later copy does not fault. Is that fine?
# A: No. fault_in_writeable() (mm/gup.c) stores a byte into each page with
#    unsafe_put_user(); a missing page takes the kernel-mode fault, which
#    takes the mmap read lock again (arch/x86/mm/fault.c:
#    do_user_addr_fault() -> lock_mm_and_find_vma()). An rwsem's read side
#    is not recursive: lockdep reports the recursion, and with a writer
#    (an mmap(), an munmap()) queued between the two read acquisitions the
#    second waits behind the writer, which waits for the first: deadlock.
#    Fault the buffer in with no lock of this mm held (fault_in_outside_locks.mms).
#    Nothing reports it without a writer: fault_in_writeable() has no
#    might_fault() of its own, and the fault's first try is
#    mmap_read_trylock() (lock_mm_and_find_vma() ->
#    get_mmap_lock_carefully()), which succeeds on a read-held rwsem with
#    no waiter and which lockdep does not check. With a writer queued the
#    trylock fails, mmap_read_lock_killable() blocks behind the writer,
#    and lockdep reports the recursion.

mm m
mmap(m, 0x200000, pages=1, prot=rw)  # the user's buffer, not yet touched

thread mapper {  # a writer of the same mm
  mmap(m, 0x400000, pages=1, prot=rw)
}

thread driver {
  mmap_read_lock(m)
  vma = find_vma(m, 0x200000)
  left = fault_in_writeable(m, 0x200000, PAGE_SIZE)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 30 sometimes
expect deadlock "mapper waits for m->mmap_lock (write) held by driver" sometimes
