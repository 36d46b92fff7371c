# Q: May ->huge_fault take the mmap lock, say to look at a neighbouring
#    VMA before it maps a PMD?
# A: No. create_huge_pmd() calls it without vmf_can_call_fault(), so a
#    per-VMA-lock fault runs it holding only the VMA read lock, whatever
#    vm_ops it has: blocking on the mmap lock there waits behind a writer
#    that waits in vma_start_write() for this very VMA lock (lockdep:
#    vma_lock -> mmap_lock against mmap_lock -> vma_lock). Under the mmap
#    lock it would be taken twice. Use vmf->flags & FAULT_FLAG_VMA_LOCK to
#    return VM_FAULT_RETRY after release_fault_lock(), or mmap_read_trylock()
#    (mm/memory.c: create_huge_pmd(), __vmf_anon_prepare()).

mm m
file dev

ops drv {
  huge_fault(vmf, order) {
    mmap_read_lock(vmf.vma.vm_mm)
    mmap_read_unlock(vmf.vma.vm_mm)
    return VM_FAULT_FALLBACK
  }
  fault(vmf) {
    page p = alloc_page()
    return p
  }
  map_pages(vmf, start_pgoff, end_pgoff) {
    return 0
  }
}

mmap(m, 0x200000, pages=512, prot=rw, flags=shared, file=dev, vm=hugepage, ops=drv)

thread user {
  vma v = lock_vma_under_rcu(m, 0x201000)
  if v {
    ret = handle_mm_fault(v, 0x201000, flags=read | vma_lock | allow_retry)
    if ret & (VM_FAULT_RETRY | VM_FAULT_COMPLETED) == 0 {
      vma_end_read(v)
    }
  }
}

expect violation "lock/mmap-under-vma-read" at 17
