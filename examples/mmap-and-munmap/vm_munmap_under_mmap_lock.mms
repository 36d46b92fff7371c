# Q: My driver already holds the mmap lock; may it call vm_munmap() or
#    vm_mmap()?
# A: No: both take mmap_write_lock_killable() themselves (mm/mmap.c:
#    __vm_munmap(); mm/util.c: vm_mmap_pgoff()), and the rwsem is not
#    recursive, so the caller waits for itself: lockdep's recursive
#    locking, then the deadlock. Under the lock, call do_munmap() or
#    do_mmap() (as mremap_to() does), or drop the lock first. And
#    find_vma_prev() without the lock walks a maple tree a concurrent
#    munmap may free (lockdep's "suspicious RCU usage").

mm m
mm n
mmap(m, 0x100000, pages=2, prot=rw)
mmap(n, 0x100000, pages=2, prot=rw)

thread unmapper {
  mmap_read_lock(m)
  vm_munmap(m, 0x100000, 0x1000)
  mmap_read_unlock(m)
}

thread mapper {
  mmap_write_lock(n)
  vm_mmap(n, nil, 0x300000, 0x1000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0)
  mmap_write_unlock(n)
}

thread looker {
  vma prev
  vma = find_vma_prev(n, 0x200000, &prev)
}

expect violation "lock/recursive" at 18
expect violation "lock/recursive" at 24
expect violation "vma_iter/needs-lock" at 30
expect deadlock
