# Q: What must I hold to zap pages with zap_vma_range?
# A: Zapping only clears leaf entries, so the VMA must merely be stable: the
#    mmap read lock is enough (process_addrs.rst "Page tables", rule book 2.8).

mm m
vma v = mmap(m, 0x200000, pages=8, prot=rw)

thread user {
  for i in 0..8 {
    assert touch(m, 0x200000 + i * PAGE_SIZE, write)
  }
}

thread reclaimer {
  mmap_read_lock(m)
  vma z = find_vma(m, 0x200000)
  zap_vma_range(z, 0x200000, pages=4)
  mmap_read_unlock(m)
}

expect ok
