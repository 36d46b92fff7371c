# Q: A GPU driver (TTM) learns the caching of a buffer only when it is
#    faulted in, after mmap set vma->vm_page_prot: how does it give one
#    entry write-combining, and what does it hold?
# A: From ->fault, under the fault's lock (the VMA read lock, or the mmap
#    read lock on the fallback), with vmf_insert_pfn_prot(vma, addr, pfn,
#    prot) (mm/memory.c: "pgprot typically only differs from
#    @vma->vm_page_prot when drivers set caching- and encryption bits
#    different than those of @vma->vm_page_prot, because the caching- or
#    encryption mode may not be known at mmap() time"), as
#    drivers/gpu/drm/ttm/ttm_bo_vm.c: ttm_bo_vm_fault_reserved() does with
#    ttm_io_prot(). The entry gets prot's cache mode; its rules are
#    vmf_insert_pfn()'s. A DAX-like write fault of a VM_MIXEDMAP mapping
#    installs a dirty, writable entry with vmf_insert_mixed_mkwrite().

mm m
file gpu
file pmem
page bo_page = alloc_page()
page dax_page = alloc_page()

ops ttm_bo_vm_ops {
  mmap(file, vma) {
    vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP)
    return 0
  }
  fault(vmf) {
    prot = pgprot_writecombine(vmf.vma.vm_page_prot)  # ttm_io_prot()
    return vmf_insert_pfn_prot(vmf.vma, vmf.address, page_to_pfn(bo_page) + 0x100000, prot)
  }
}

ops dax_vm_ops {
  fault(vmf) {
    pfn = page_to_pfn(dax_page) + 0x100000  # device memory: no struct page
    if vmf.write {
      return vmf_insert_mixed_mkwrite(vmf.vma, vmf.address, pfn)
    }
    return vmf_insert_mixed(vmf.vma, vmf.address, pfn)
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=gpu, ops=ttm_bo_vm_ops)
mmap(m, 0x400000, pages=1, prot=rw, flags=shared, file=pmem, vm=mixedmap, ops=dax_vm_ops)

thread user {
  assert touch(m, 0x100000, read)
  assert touch(m, 0x400000, write)
  mmap_read_lock(m)
  pte = pte_offset_map_lock(m, 0x100000)
  assert pte.cachemode == _PAGE_CACHE_MODE_WC
  pte_unmap_unlock(pte)
  pte = pte_offset_map_lock(m, 0x400000)
  assert pte.writable
  pte_unmap_unlock(pte)
  mmap_read_unlock(m)
}

expect ok
