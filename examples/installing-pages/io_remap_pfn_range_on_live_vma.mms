# Q: May a driver remap more I/O memory into a VMA that is already mapped?
# A: No. io_remap_pfn_range() is remap_pfn_range(): on a live VMA under the
#    mmap read lock it rewrites vm_flags and vm_pgoff racing with faults (the
#    2026 kernel checks nothing; 6.18 WARNs through vm_flags_set()), and over
#    PTEs that are already populated remap_pte_range() hits
#    BUG_ON(!pte_none()). vm_iomap_memory() has the same rules
#    (mm/memory.c; rule book 2.7).

mm m
file dev

ops bar {
  mmap(file, vma) {
    return io_remap_pfn_range(vma, vma.vm_start, 0xfe000, pages=2)
  }
}

vma v = mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev, ops=bar)

thread bad {
  mmap_read_lock(m)
  io_remap_pfn_range(v, 0x800000, 0xfe100, pages=1)
  mmap_read_unlock(m)
}

thread bad_iomap {
  mmap_read_lock(m)
  vm_iomap_memory(v, 0xfe100000, 0x2000)
  mmap_read_unlock(m)
}

expect violation "remap_pfn_range/needs-mmap-write" at 22
expect fatal "remap_pfn_range/pte-not-none" at 22
expect violation "remap_pfn_range/needs-mmap-write" at 28
expect fatal "remap_pfn_range/pte-not-none" at 28
