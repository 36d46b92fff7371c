# Rule zap_vma_range/range: the zapped range lies inside the VMA
# (VM_WARN_ON_ONCE in __zap_vma_range, debug kernels only); a range that
# runs past it would clear a neighbour's entries. Rule book 2.8.

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw)
mmap(m, 0x202000, pages=2, prot=r)
touch(m, 0x201000, write)
touch(m, 0x202000, read)

thread t {
  mmap_read_lock(m)
  zap_vma_range(v, 0x201000, pages=2)
  mmap_read_unlock(m)
}

expect violation "zap_vma_range/range" at 13
