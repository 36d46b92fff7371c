# The fix of uffd-move-lock-vmas-recursive-buggy.mms, 30af24facf0a
# "userfaultfd: fix deadlock warning when locking src and dst VMAs"
# (v6.9-rc2): uffd_move_lock()'s fallback takes the source VMA's lock with
# down_read_nested(..., SINGLE_DEPTH_NESTING), a lockdep class of its own,
# as today's vma_start_read_locked_nested(src_vma, SINGLE_DEPTH_NESTING)
# does. Clean in every interleaving.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)  # the destination
mmap(m, 0x200000, pages=2, prot=rw, flags=private)  # the source
ctx = userfaultfd(m)
assert touch(m, 0x100000, write)  # the destination VMA gets its anon_vma
assert userfaultfd_register(ctx, 0x102000, 0x2000, UFFDIO_REGISTER_MODE_MISSING) == 0

# mm/userfaultfd.c: uffd_move_lock() as 30af24facf0a made it (v6.9-rc2), under
# the mmap read lock: the second VMA as lockdep subclass SINGLE_DEPTH_NESTING
func uffd_move_lock_vmas(dst_vma, src_vma) {
  down_read(dst_vma.vm_lock)  # down_read(&(*dst_vmap)->vm_lock->lock)
  if dst_vma != src_vma {
    down_read_nested(src_vma.vm_lock, SINGLE_DEPTH_NESTING)  # down_read_nested(&(*src_vmap)->vm_lock->lock, SINGLE_DEPTH_NESTING)
  }
  return 0
}

thread monitor {
  assert touch(m, 0x200000, write)
  userfaultfd_move(ctx, 0x102000, 0x200000, PAGE_SIZE)
}

thread writer {
  mmap_write_lock(m)
  vma_start_write(find_vma(m, 0x200000))  # as mprotect() or madvise() would
  mmap_write_unlock(m)
}

expect ok
