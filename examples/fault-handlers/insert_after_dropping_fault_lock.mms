# Q: My ->fault dropped the fault lock to wait for I/O. May it still
#    install the page?
# A: No: once release_fault_lock() has run, the handler holds neither the
#    mmap lock nor the VMA lock, and installing PTEs needs one of them
#    (process_addrs.rst "Page tables"; mm/memory.c: vmf_insert_page_mkwrite()
#    checks nothing). It must return VM_FAULT_RETRY and let the retried
#    fault, with FAULT_FLAG_TRIED and the lock held again, install the page
#    (mm/filemap.c: filemap_fault() does this).

mm m
file dev

ops drv {
  fault(vmf) {
    page p = alloc_page()
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)
      vmf_insert_page_mkwrite(vmf, p, vmf.write)
      return VM_FAULT_RETRY
    }
    return vmf_insert_page_mkwrite(vmf, p, vmf.write)
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, vm=mixedmap, ops=drv)

thread user {
  touch(m, 0x100000, write)
}

expect violation "vmf_insert/needs-fault-lock" at 18
