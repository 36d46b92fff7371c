# Audit probe p7 (§2.6): a read fault on a present PTE under the VMA lock,
# on a VMA without ->map_pages. The kernel gives up the VMA lock only where
# vmf_can_call_fault() is reached (before ->fault or ->page_mkwrite); a
# present PTE never gets there, so the fault finishes with 0 under the VMA
# lock. A missing page does reach it: VM_FAULT_RETRY, VMA lock dropped.

mm m
file dev
ops drv {
  fault(vmf) {
    page p = alloc_page()
    return p
  }
}
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
thread t {
  touch(m, 0x100000, read)
  vma r = lock_vma_under_rcu(m, 0x100000)
  if r {
    rc = handle_mm_fault(r, 0x100000, flags=read | vma_lock | allow_retry)
    assert rc == 0, "present PTE: done under the VMA lock"
    rc = handle_mm_fault(r, 0x101000, flags=read | vma_lock | allow_retry)
    assert rc == VM_FAULT_RETRY, "->fault without ->map_pages: retry under mmap_lock"
    if rc != VM_FAULT_RETRY { vma_end_read(r) }
  }
}
expect ok
