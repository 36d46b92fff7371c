# Q: A GPU driver maps a buffer object with write-combining and fills it
#    lazily from ->fault with vmf_insert_pfn(), as drivers/gpu/drm/drm_gem.c:
#    drm_gem_mmap_obj() sets the VMA up (VM_PFNMAP | VM_DONTEXPAND |
#    VM_DONTDUMP, vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(
#    vma->vm_flags)), then pgprot_decrypted()) and a GEM fault handler such
#    as drivers/gpu/drm/drm_gem_shmem_helper.c: drm_gem_shmem_fault() inserts
#    the page's PFN. Which locks does the fault hold, and what does the
#    entry get?
# A: ->fault runs under the VMA read lock (or the mmap read lock on the
#    fallback); vmf_insert_pfn() needs one of them and installs the entry
#    under the PTE lock, built from vma->vm_page_prot (mm/memory.c:
#    insert_pfn()): write-combining. vmf_insert_pfn() itself may not run
#    under a spinlock the handler took (it allocates page tables):
#    drm_gem_fault_under_spinlock.mms.

mm m
file drm
page bo_page = alloc_page()

ops drm_gem_vm_ops {
  mmap(file, vma) {
    vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP)
    vma.vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma.vm_flags))
    vma.vm_page_prot = pgprot_decrypted(vma.vm_page_prot)
    return 0
  }
  fault(vmf) {
    vma = vmf.vma
    return vmf_insert_pfn(vma, vmf.address, page_to_pfn(bo_page))
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=drm, ops=drm_gem_vm_ops)

thread user {
  assert touch(m, 0x100000, read)
  mmap_read_lock(m)
  pte = pte_offset_map_lock(m, 0x100000)
  assert pte.cachemode == _PAGE_CACHE_MODE_WC
  pte_unmap_unlock(pte)
  mmap_read_unlock(m)
}

expect ok
