# The correct form of vma_assert_write_locked.mms: vma_start_write() on
# each VMA under the mmap write lock, then the assertion holds until
# mmap_write_unlock() (vma_end_write_all).

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw)

thread t {
  mmap_write_lock(m)
  vma_start_write(v)
  vma_assert_write_locked(v)
  mmap_write_unlock(m)
}

expect ok
