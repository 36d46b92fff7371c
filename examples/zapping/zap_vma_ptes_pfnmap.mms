# Q: How does a driver zap the PTEs it installed with remap_pfn_range()?
# A: zap_vma_ptes() on its VM_PFNMAP VMA, with the VMA stable (the mmap lock
#    here; the VMA read lock or an rmap lock also do). It returns silently
#    for any other VMA (mm/memory.c: zap_vma_ptes(): "if (!range_in_vma(vma,
#    address, address + size) || !(vma->vm_flags & VM_PFNMAP)) return;").

mm m
file dev

ops bar {
  mmap(file, vma) {
    return remap_pfn_range(vma, vma.vm_start, 0xfe000, pages=2)
  }
}

vma v = mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev, ops=bar)

thread driver {
  mmap_read_lock(m)
  zap_vma_ptes(v, 0x800000, pages=2)
  mmap_read_unlock(m)
}

expect ok
