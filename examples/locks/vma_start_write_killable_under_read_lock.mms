# Q: May I call vma_start_write_killable() with the mmap lock held for
#    read?
# A: No: a VMA write lock needs the mmap write lock
#    (__vma_start_write() -> mmap_assert_write_locked()). Under the read
#    lock no other task can hold it for write, so the assertion
#    (rwsem_assert_held_write_nolockdep()) WARNs on every kernel, and a
#    fault holding the VMA read lock may run at once anyway.

mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw)

thread writer {
  mmap_read_lock(m)
  if vma_start_write_killable(v) == 0 {
    # change the VMA (-EINTR: a fatal signal came; return it)
  }
  mmap_read_unlock(m)
}

expect violation "vma_start_write/needs-mmap-write" at 14
