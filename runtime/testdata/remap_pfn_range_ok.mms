# The right place for remap_pfn_range (remap_pfn_range_needs_mmap_write.mms):
# f_op->mmap. The VMA becomes VM_IO|VM_PFNMAP, its PTEs are special, and
# zap_vma_ptes (which acts only on VM_PFNMAP VMAs) clears them.
# Rule book 2.7, 2.8.

mm m
file dev

ops drv {
  mmap(file, vma) {
    return remap_pfn_range(vma, vma.vm_start, 0x80000, pages=2)
  }
}

vma v = mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
assert v.vm_flags & VM_PFNMAP
assert v.vm_flags & VM_IO

thread t {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x801000)
  assert pt.pfn == 0x80001
  pte_unmap_unlock(pt)
  assert zap_vma_ptes(v, 0x800000, pages=2) == 2
  mmap_read_unlock(m)
}

expect ok
