# The correct form of vma_assert_locked.mms: the VMA read lock that
# lock_vma_under_rcu() returns satisfies vma_assert_locked() until
# vma_end_read(); so does vma_start_read_locked() under the mmap read lock
# once the mmap lock is dropped.

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw)

thread t {
  vma r = lock_vma_under_rcu(m, 0x200000)
  if r {
    vma_assert_locked(r)
    vma_end_read(r)
  }
  mmap_read_lock(m)
  if vma_start_read_locked(v) {
    mmap_read_unlock(m)
    vma_assert_locked(v)
    vma_end_read(v)
  } else {
    mmap_read_unlock(m)
  }
}

expect ok
