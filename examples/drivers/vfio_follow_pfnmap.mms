# Q: VFIO maps a device BAR into user space and later, to program the IOMMU,
#    translates the user address back to the PFN. Which locks does the
#    translation need?
# A: The mmap lock (or the file's i_mmap_rwsem), held from
#    follow_pfnmap_start() to follow_pfnmap_end(): start walks the page
#    tables and returns with the PTE lock held (mm/memory.c), so nothing
#    may sleep until end (vfio_follow_pfnmap_sleeps.mms). vfio-pci maps
#    the BAR on fault (drivers/vfio/pci/vfio_pci_core.c: VM_PFNMAP set in
#    ->mmap, vmf_insert_pfn() in the fault handler), so the first start
#    finds no entry: drivers/vfio/vfio_iommu_type1.c: follow_fault_pfn()
#    faults it in with fixup_user_fault(mm, vaddr, FAULT_FLAG_REMOTE |
#    FAULT_FLAG_WRITE, &unlocked) and starts again; *unlocked set means the
#    fault dropped the mmap lock, the VMA may be gone, and
#    vaddr_get_pfns() looks it up again (-EAGAIN, goto retry). Written as
#    the driver is: struct follow_pfnmap_args, &unlocked, *pfn, ->.

mm m
file vfio_device
page bar0

ops vfio_pci_mmap_ops {
  mmap(file, vma) {
    vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP)
    vma->vm_page_prot = pgprot_device(vma->vm_page_prot)
    return 0
  }
  fault(vmf) {
    return vmf_insert_pfn(vmf->vma, vmf->address, page_to_pfn(bar0))
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=vfio_device, ops=vfio_pci_mmap_ops)

func follow_fault_pfn(vma, mm, vaddr, pfn, write_fault) {
  follow_pfnmap_args args
  args.vma = vma
  args.address = vaddr
  ret = follow_pfnmap_start(&args)
  if ret {
    bool unlocked = false
    flags = FAULT_FLAG_REMOTE
    if write_fault {
      flags |= FAULT_FLAG_WRITE
    }
    ret = fixup_user_fault(mm, vaddr, flags, &unlocked)
    if unlocked {
      return -EAGAIN
    }
    if ret {
      return ret
    }
    ret = follow_pfnmap_start(&args)
    if ret {
      return ret
    }
  }
  if write_fault && !args.writable {
    ret = -EFAULT
  } else {
    *pfn = args.pfn
  }
  follow_pfnmap_end(&args)
  return ret
}

func vaddr_get_pfns(mm, vaddr, pfn) {
  mmap_read_lock(mm)
  while true {  # retry:
    vma = vma_lookup(mm, vaddr)
    ret = -EFAULT
    if vma && vma->vm_flags & VM_PFNMAP != 0 {
      ret = follow_fault_pfn(vma, mm, vaddr, pfn, true)
      if ret == -EAGAIN {
        continue
      }
    }
    break
  }
  mmap_read_unlock(mm)
  return ret
}

thread vfio_dma_map {
  pfn = 0
  assert vaddr_get_pfns(m, 0x100000, &pfn) == 0
  assert pfn == page_to_pfn(bar0)
}

thread user {
  assert touch(m, 0x100000, write)
  mmap_read_lock(m)
  pte = pte_offset_map_lock(m, 0x100000)
  assert pte->cachemode == _PAGE_CACHE_MODE_UC_MINUS
  pte_unmap_unlock(pte)
  mmap_read_unlock(m)
}

expect ok
