# Q: May a GEM fault handler call vmf_insert_pfn() while holding its
#    buffer object's spinlock?
# A: No: vmf_insert_pfn() may allocate a page table (pte_alloc(), which
#    sleeps) before it takes the PTE lock (mm/memory.c: insert_pfn() ->
#    get_locked_pte()). drm_gem_shmem_fault() holds the object's dma_resv
#    lock, a mutex, not a spinlock. drm_gem_fault.mms is the fixed form.

mm m
file drm
page bo_page = alloc_page()
spinlock bo_lock

ops drm_gem_vm_ops {
  mmap(file, vma) {
    vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP)
    return 0
  }
  fault(vmf) {
    spin_lock(bo_lock)
    ret = vmf_insert_pfn(vmf.vma, vmf.address, page_to_pfn(bo_page))
    spin_unlock(bo_lock)
    return ret
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=drm, ops=drm_gem_vm_ops)

thread user {
  touch(m, 0x100000, read)
}

expect violation "lock/sleep-in-atomic" at 20
