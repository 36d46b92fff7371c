# Rule zap_vma_ptes/not-pfnmap: zap_vma_ptes() acts only on VM_PFNMAP VMAs;
# on any other it silently does nothing, and the pages stay mapped.
# Rule book 2.8. (remap_pfn_range_ok.mms shows it working on a PFNMAP VMA.)

mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
touch(m, 0x200000, write)

thread t {
  mmap_read_lock(m)
  assert zap_vma_ptes(v, 0x200000, pages=1) == 0
  pte pt = pte_offset_map_lock(m, 0x200000)
  assert pt.present, "nothing was zapped"
  pte_unmap_unlock(pt)
  mmap_read_unlock(m)
}

expect violation "zap_vma_ptes/not-pfnmap" at 11
