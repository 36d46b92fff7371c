# Q: What locks does a page fault handler run with?
# A: The mmap read lock, or the VMA read lock (FAULT_FLAG_VMA_LOCK); vmf.vma_lock
#    says which, and a handler must test it rather than assume either. With
#    ->map_pages the fault *may* run under the VMA lock: for a user-mode
#    fault whose lock_vma_under_rcu() succeeded (no writer, no waiting
#    writer); otherwise, and always without ->map_pages (vmf_can_call_fault),
#    under the mmap read lock. Both allow installing PTEs, so
#    vmf_insert_page_mkwrite is fine here, and the handler may sleep
#    (alloc_page). Rule book 2.6 and 2.26.

mm m
file dev

ops drv {
  map_pages(vmf, start, end) {}
  fault(vmf) {
    assert vmf.vma_lock || m.mmap_lock.held, "the fault holds one of the two; vmf.vma_lock says which"
    page p = alloc_page()
    return vmf_insert_page_mkwrite(vmf, p, vmf.write)
  }
}

mmap(m, 0x100000, pages=16, prot=rw, flags=shared, file=dev, vm=mixedmap, ops=drv)

thread user {
  assert touch(m, 0x100000, write)
}

thread other {
  assert touch(m, 0x104000, read)
}

expect ok
