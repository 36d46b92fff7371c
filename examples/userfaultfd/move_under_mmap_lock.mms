# Q: May UFFDIO_MOVE run with the mm's mmap lock held?
# A: No: uffd_lock_vma() takes the mmap read lock itself when the
#    destination VMA has no anon_vma yet, and uffd_move_lock() falls back
#    to it when lock_vma_under_rcu() cannot lock the source: a second read
#    hold, which deadlocks behind a queued writer (mm/userfaultfd.c:
#    uffd_lock_vma(): "Should be called without holding mmap_lock.").
#    move_resolves_fault.mms calls it with nothing held.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
mmap(m, 0x200000, pages=2, prot=rw, flags=private)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0

thread monitor {
  assert touch(m, 0x200000, write)
  mmap_read_lock(m)
  userfaultfd_move(ctx, 0x101000, 0x200000, PAGE_SIZE)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 18
