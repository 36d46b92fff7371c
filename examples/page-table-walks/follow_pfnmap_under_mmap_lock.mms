# Q: How do I look up the pfn behind an address of a VM_PFNMAP VMA?
# A: follow_pfnmap_start() under the mmap lock (or, for a file VMA, the
#    mapping's i_mmap_rwsem): it returns with the PTE lock held, so the entry
#    cannot change until follow_pfnmap_end(); nothing in between may sleep
#    (mm/memory.c: follow_pfnmap_start(), pfnmap_lockdep_assert(); rule book
#    2.23).

mm m
file dev

ops bar {
  mmap(file, vma) {
    return remap_pfn_range(vma, vma.vm_start, 0xfe000, pages=2)
  }
}

vma v = mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev, ops=bar)

thread reader {
  mmap_read_lock(m)
  int pfn = follow_pfnmap_start(v, 0x801000)
  if pfn >= 0 {
    assert pfn == 0xfe001
    follow_pfnmap_end(v, 0x801000)
  }
  mmap_read_unlock(m)
}

expect ok
