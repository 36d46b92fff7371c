# Q: VFIO maps a device BAR into user space and later, to program the IOMMU,
#    translates the user address back to the PFN. Which locks does the
#    translation need?
# A: The BAR is mapped as drivers/pci/mmap.c: pci_mmap_resource_range()
#    does, vma->vm_page_prot = pgprot_device(vma->vm_page_prot) (x86:
#    pgprot_noncached(), UC-) and io_remap_pfn_range() in f_op->mmap.
#    drivers/vfio/vfio_iommu_type1.c: vaddr_get_pfns() holds the mmap read
#    lock and calls follow_fault_pfn(): follow_pfnmap_start() returns the
#    PFN with the PTE lock held (mm/memory.c), so nothing may sleep until
#    follow_pfnmap_end(); when the entry is missing it faults it in with
#    fixup_user_fault(mm, vaddr, FAULT_FLAG_REMOTE | FAULT_FLAG_WRITE,
#    &unlocked) and looks again. mmscript's follow_pfnmap_start(vma, addr)
#    returns args.pfn (or -EINVAL) instead of filling a struct
#    follow_pfnmap_args, and fixup_user_fault() does not write *unlocked
#    back: after it, look the VMA up again. vfio_follow_pfnmap_sleeps.mms
#    sleeps between start and end.

mm m
file vfio_device
page bar0

ops vfio_pci_mmap_ops {
  mmap(file, vma) {
    vma.vm_page_prot = pgprot_device(vma.vm_page_prot)
    return io_remap_pfn_range(vma, vma.vm_start, page_to_pfn(bar0), vma.vm_end - vma.vm_start, vma.vm_page_prot)
  }
}

vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=vfio_device, ops=vfio_pci_mmap_ops)

func follow_fault_pfn(vma, mm, vaddr, write_fault) {
  ret = follow_pfnmap_start(vma, vaddr)
  if ret < 0 {
    ret = fixup_user_fault(mm, vaddr, FAULT_FLAG_REMOTE | FAULT_FLAG_WRITE, true)
    if ret {
      return ret
    }
    vma = vma_lookup(mm, vaddr)  # *unlocked: the VMA may have changed
    if !vma {
      return -EAGAIN
    }
    ret = follow_pfnmap_start(vma, vaddr)
    if ret < 0 {
      return ret
    }
  }
  pfn = ret
  follow_pfnmap_end(vma, vaddr)
  return pfn
}

thread vfio_dma_map {
  mmap_read_lock(m)
  vma = vma_lookup(m, 0x100000)
  assert vma && follow_fault_pfn(vma, m, 0x100000, true) == page_to_pfn(bar0)
  mmap_read_unlock(m)
}

thread user {
  assert touch(m, 0x100000, write)
  mmap_read_lock(m)
  pte = pte_offset_map_lock(m, 0x100000)
  assert pte.cachemode == _PAGE_CACHE_MODE_UC_MINUS
  pte_unmap_unlock(pte)
  mmap_read_unlock(m)
}

expect ok
