# Rule vma/not-stable: flush_tlb_range() reads the VMA, so it must be
# stable: mmap lock, VMA read lock or rmap lock. Rule book 2.40, 6.1.

mm m
vma v = mmap(m, 0x900000, pages=1, prot=rw)

thread t {
  flush_tlb_range(v, 0x900000, pages=1)
  vma r = lock_vma_under_rcu(m, 0x900000)
  flush_tlb_range(r, 0x900000, pages=1)  # fine under the VMA lock
  vma_end_read(r)
}

expect violation "vma/not-stable: flush_tlb_range" at 8
