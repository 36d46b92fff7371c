# Q: Does the mmap read lock satisfy vma_assert_locked()?
# A: No: vma_assert_locked() (include/linux/mmap_lock.h, kernel-doc that
#    process_addrs.rst renders) asks for the VMA's own lock, read
#    (lock_vma_under_rcu, vma_start_read_locked) or write (vma_start_write).
#    Under the mmap read lock alone it fails; a debug kernel warns
#    (VM_WARN_ON_ONCE_VMA; 6.18: VM_BUG_ON_VMA). Paths that accept either
#    lock assert vma_assert_stabilised() instead.

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  vma_assert_locked(v)
  mmap_read_unlock(m)
}

expect violation "vma_assert_locked/not-locked" at 14
