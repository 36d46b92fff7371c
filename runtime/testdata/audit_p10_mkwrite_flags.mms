# Audit probe p10 (§2.3, §4, §6 fix 1): ->page_mkwrite runs with
# vmf->flags = FAULT_FLAG_WRITE|FAULT_FLAG_MKWRITE (mm/memory.c:
# do_page_mkwrite()): no FAULT_FLAG_VMA_LOCK and no FAULT_FLAG_ALLOW_RETRY,
# even when the fault holds only the VMA lock. A handler that tests the
# flags never drops the lock; one that drops it anyway is reported, and
# release_fault_lock() follows the flags it sees (mmap_read_unlock).

mm m
file dev
seen_retry = true
ops drv {
  map_pages(vmf, start, end) {}
  fault(vmf) {
    page p = alloc_page()
    return p
  }
  page_mkwrite(vmf) {
    seen_retry = vmf.allow_retry || vmf.vma_lock
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)
      msleep(1)
      return VM_FAULT_RETRY
    }
  }
}
ops bad {
  map_pages(vmf, start, end) {}
  fault(vmf) {
    page p = alloc_page()
    return p
  }
  page_mkwrite(vmf) {
    release_fault_lock(vmf)  # under the VMA lock: drops the mmap lock it does not hold
    return VM_FAULT_RETRY
  }
}
ops drops {
  fault(vmf) {
    page p = alloc_page()
    return p
  }
  page_mkwrite(vmf) {  # no ->map_pages: runs under the mmap read lock
    release_fault_lock(vmf)
    return VM_FAULT_RETRY
  }
}
mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=dev, ops=bad)
mmap(m, 0x300000, pages=2, prot=rw, flags=shared, file=dev, ops=drops)
thread u {
  assert touch(m, 0x100000, read)
  assert touch(m, 0x100000, write)
  assert !seen_retry, "page_mkwrite sees neither ALLOW_RETRY nor VMA_LOCK"
  assert touch(m, 0x200000, read)
  touch(m, 0x200000, write)
  assert touch(m, 0x300000, read)
  touch(m, 0x300000, write)
}
expect violation "lock/unlock-not-held: release_fault_lock: m->mmap_lock is not held" at 33
expect violation "fault/dropped-lock: drops.page_mkwrite released the fault lock (m->mmap_lock), but ->page_mkwrite runs with" at 44
