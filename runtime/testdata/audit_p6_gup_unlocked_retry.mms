# Audit probe p6 (§2.8): get_user_pages_unlocked sets FOLL_UNLOCKABLE, so
# its faults carry FAULT_FLAG_ALLOW_RETRY (mm/gup.c: faultin_page()). A
# handler may drop the lock for I/O; GUP re-takes it and faults the page
# again with FAULT_FLAG_TRIED. get_user_pages (locked) never allows it.

mm m
file dev
retries = 0
ops drv {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      retries = retries + 1
      release_fault_lock(vmf)
      msleep(1)
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}
mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
thread t {
  assert get_user_pages_unlocked(m, 0x100000, pages=1) == 1
  assert get_user_pages_fast(m, 0x101000, pages=1) == 1
  assert retries == 2, "both faults allowed retry"
  mmap_read_lock(m)
  assert get_user_pages(m, 0x100000, pages=1) == 1
  mmap_read_unlock(m)
}
expect ok
