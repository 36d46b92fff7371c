# Q: May a fault handler that dropped the fault lock still prepare the
#    anon_vma?
# A: No. Without FAULT_FLAG_VMA_LOCK, vmf_anon_prepare() calls
#    __anon_vma_prepare() directly, and that asserts the mmap lock
#    (mmap_assert_locked(), a WARN on every kernel): after
#    release_fault_lock() the handler holds nothing, and a concurrent munmap
#    may free the VMA. Prepare first, or return VM_FAULT_RETRY after the
#    lock is gone (mm/memory.c: __vmf_anon_prepare(); rule book 2.25).

mm m
file dev

ops drv {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)
      vmf_anon_prepare(vmf)
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=4, prot=rw, flags=private, file=dev, ops=drv)

thread user {
  touch(m, 0x100000, read)
}

expect violation "anon_vma_prepare/needs-mmap-lock" at 17
