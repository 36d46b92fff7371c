# The correct form of vma_assert_stabilised.mms: the assertion holds under
# the mmap read lock, and under the VMA read lock alone.

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  vma w = vma_lookup(m, 0x200000)
  vma_assert_stabilised(w)
  mmap_read_unlock(m)
  vma r = lock_vma_under_rcu(m, 0x200000)
  if r {
    vma_assert_stabilised(r)
    vma_end_read(r)
  }
}

expect ok
