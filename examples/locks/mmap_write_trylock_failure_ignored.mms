# Q: v6.4's khugepaged took the mmap write lock with mmap_write_trylock()
#    while it held i_mmap_rwsem. What if a caller ignores its failure?
# A: It failed because another task holds the mmap lock: whatever the
#    caller then does runs under no lock of its own, beside the holder, and
#    its mmap_write_unlock() releases an rwsem it never took. Lockdep prints
#    "bad unlock balance detected" (kernel/locking/lockdep.c:
#    __lock_release()); without lockdep up_write() clears the holder's
#    count. (mmap_write_trylock() was deleted in v6.6, "mm: delete
#    mmap_write_trylock() and vma_try_start_write()"; mmscript keeps it as
#    down_write_trylock() of the mmap lock.) The correct use is
#    locks/vma_try_start_write_under_i_mmap.mms.

mm m
mmap(m, 0x200000, pages=4, prot=r)

thread user {
  mmap_read_lock(m)
  vma v = vma_lookup(m, 0x200000)
  mmap_read_unlock(m)
}

thread khugepaged {
  mmap_write_trylock(m)  # the result is dropped
  mmap_write_unlock(m)
}

expect violation "mmap_write_trylock/failure-ignored" at 24 sometimes
