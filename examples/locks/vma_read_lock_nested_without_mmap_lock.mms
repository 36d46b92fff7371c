# Q: May I call vma_start_read_locked_nested() without the mmap lock, to
#    read-lock a second VMA while I hold the first one's VMA read lock?
# A: No. It bumps vm_refcnt without checking for a writer, which is safe
#    only because the mmap lock keeps every writer out
#    (include/linux/mmap_lock.h: vma_start_read_locked_nested() ->
#    mmap_assert_locked()). Without it use lock_vma_under_rcu(), which may
#    fail. With nobody holding the mmap lock the assertion WARNs on every
#    kernel (rwsem_assert_held_nolockdep()).

mm m
vma dst = mmap(m, 0x100000, pages=1, prot=rw)
vma src = mmap(m, 0x200000, pages=1, prot=rw)

thread mover {
  vma d = lock_vma_under_rcu(m, 0x100000)
  if d {
    if vma_start_read_locked_nested(src, 1) {
      vma_end_read(src)
    }
    vma_end_read(d)
  }
}

expect violation "vma_start_read_locked_nested/needs-mmap-lock" at 17
