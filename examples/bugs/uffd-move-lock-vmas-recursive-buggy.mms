# 30af24facf0a "userfaultfd: fix deadlock warning when locking src and dst
# VMAs" (Lokesh Gidra, v6.9-rc2; Fixes: 867a43a34ff8 "userfaultfd: use
# per-vma locks in userfaultfd operations", v6.9-rc1; syzbot): when
# lock_vma_under_rcu() cannot lock the source VMA, uffd_move_lock() falls
# back to the mmap read lock and read-locks both VMAs with down_read() on
# their vm_lock->lock, two locks of one lockdep class: "possible recursive
# locking detected". It cannot deadlock (a writer needs the mmap write
# lock this path holds), but lockdep cannot know that; the fix takes the
# second with down_read_nested(..., SINGLE_DEPTH_NESTING). The script runs
# the library's UFFDIO_MOVE with v6.9-rc1's locking lines in place of
# today's (vma_start_read_locked() and vma_start_read_locked_nested()); a
# writer that write-locks the source VMA makes lock_vma_under_rcu() fail
# and the fallback run. Fixed: uffd-move-lock-vmas-recursive-fixed.mms.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)  # the destination
mmap(m, 0x200000, pages=2, prot=rw, flags=private)  # the source
ctx = userfaultfd(m)
assert touch(m, 0x100000, write)  # the destination VMA gets its anon_vma
assert userfaultfd_register(ctx, 0x102000, 0x2000, UFFDIO_REGISTER_MODE_MISSING) == 0

# mm/userfaultfd.c: uffd_move_lock() of v6.9-rc1, under the mmap read lock:
# "See comment in uffd_lock_vma() as to why not using vma_start_read() here."
func uffd_move_lock_vmas(dst_vma, src_vma) {
  down_read(dst_vma.vm_lock)  # down_read(&(*dst_vmap)->vm_lock->lock)
  if dst_vma != src_vma {
    down_read(src_vma.vm_lock)  # down_read(&(*src_vmap)->vm_lock->lock)
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

expect violation "lock/recursive" at 27
