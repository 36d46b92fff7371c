# Q: May I use zap_vma_ptes() on an ordinary VMA, or without a lock?
# A: zap_vma_ptes() is only for VM_PFNMAP VMAs: on any other it returns
#    without zapping anything (mm/memory.c: zap_vma_ptes(), no warning), so
#    the pages stay mapped; use zap_vma_range() there. And like every zap it
#    needs the VMA stable (mmap, VMA or rmap lock): without one munmap may
#    free the VMA and its tables meanwhile (unchecked).

mm m
file dev

ops bar {
  mmap(file, vma) {
    return remap_pfn_range(vma, vma.vm_start, 0xfe000, pages=2)
  }
}

vma io = mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev, ops=bar)
vma anon = mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)

thread driver {
  mmap_read_lock(m)
  zap_vma_ptes(anon, 0x100000, pages=2)
  mmap_read_unlock(m)
  zap_vma_ptes(io, 0x800000, pages=2)
}

expect violation "zap_vma_ptes/not-pfnmap" at 23
expect violation "pgtable/zap-needs-stable-vma" at 25
