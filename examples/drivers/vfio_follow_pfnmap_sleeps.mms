# Q: May the caller of follow_pfnmap_start() sleep (allocate with
#    GFP_KERNEL, take a mutex) before follow_pfnmap_end(), for instance to
#    record the PFN in an IOMMU domain as vfio_iommu_type1.c does?
# A: No: follow_pfnmap_start() returns with the PTE table's lock held
#    (pte_offset_map_lock(), a spinlock, inside an RCU read-side section:
#    mm/memory.c), and follow_pfnmap_end() releases it. vaddr_get_pfns()
#    copies args.pfn and calls follow_pfnmap_end() first, then maps the
#    IOMMU: vfio_follow_pfnmap.mms.

mm m
file vfio_device
page bar0
mutex iommu_lock

ops vfio_pci_mmap_ops {
  mmap(file, vma) {
    vma.vm_page_prot = pgprot_device(vma.vm_page_prot)
    return io_remap_pfn_range(vma, vma.vm_start, page_to_pfn(bar0), vma.vm_end - vma.vm_start, vma.vm_page_prot)
  }
}

vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=vfio_device, ops=vfio_pci_mmap_ops)

thread vfio_dma_map {
  mmap_read_lock(m)
  follow_pfnmap_args args
  args.vma = vma_lookup(m, 0x100000)
  args.address = 0x100000
  if follow_pfnmap_start(&args) == 0 {
    mutex_lock(iommu_lock)  # iommu_map() of args.pfn
    mutex_unlock(iommu_lock)
    follow_pfnmap_end(&args)
  }
  mmap_read_unlock(m)
}

expect violation "lock/sleep-in-atomic" at 30
