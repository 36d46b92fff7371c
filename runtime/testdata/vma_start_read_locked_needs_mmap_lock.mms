# Rule vma_start_read_locked/needs-mmap-lock: vma_start_read_locked() is
# for callers already holding the mmap lock (mmap_assert_locked()); others
# use lock_vma_under_rcu(). Rule book 1.1, 2.19, 6.1.

mm m
vma v = mmap(m, 0x300000, pages=1, prot=rw)

thread t {
  vma_start_read_locked(v)
  vma_end_read(v)
}

expect violation "vma_start_read_locked/needs-mmap-lock" at 9
