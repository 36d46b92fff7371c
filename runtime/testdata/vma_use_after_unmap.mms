# Rule vma/use-after-unmap: a VMA pointer outlives nothing. After munmap
# (here by the same thread, to make the order certain) the VMA is freed,
# even though the mmap lock is held again when it is used. Re-look it up.
# Rule book 2.14, 6.1.

mm m
vma v = mmap(m, 0x700000, pages=4, prot=rw)

thread t {
  munmap(m, 0x700000, pages=4)
  mmap_read_lock(m)
  zap_vma_range(v, 0x700000, pages=1)
  assert !vma_lookup(m, 0x700000), "the range is unmapped"
  mmap_read_unlock(m)
}

expect violation "vma/use-after-unmap: zap_vma_range: vma[0x700000-0x704000] was unmapped" at 12
