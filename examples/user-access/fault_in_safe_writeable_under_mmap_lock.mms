# Q: fault_in_safe_writeable() does not write to the buffer, unlike
#    fault_in_writeable(). May I call it while I hold the mmap read lock?
# A: No: it takes the mmap read lock itself (mm/gup.c:
#    fault_in_safe_writeable(): mmap_read_lock(mm); fixup_user_fault() per
#    page; mmap_read_unlock(mm)). A second read acquisition of the same
#    rwsem is recursion lockdep reports, and a deadlock as soon as a writer
#    queues between the two. Call it with no lock of the mm held, as
#    fault_in_safe_writeable_unlocked.mms does.

mm m
mmap(m, 0x200000, pages=1, prot=rw)

thread reader {
  mmap_read_lock(m)
  left = fault_in_safe_writeable(m, 0x200000, PAGE_SIZE)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 15
