# mlock()'s __mm_populate() faults the range in through GUP with
# FOLL_UNLOCKABLE (mm/gup.c: populate_vma_page_range() with &locked): a
# ->fault that drops the lock and returns VM_FAULT_RETRY is retried with
# FAULT_FLAG_TRIED under the re-taken lock, once per page, and the pages
# end up mapped.

mm m
file dev
drops = 0
ops drv {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)
      drops += 1
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}
mmap(m, 0x100000, pages=2, prot=r, flags=shared, file=dev, ops=drv)
thread t {
  assert mlock(m, 0x100000, 0x2000) == 0
  assert drops == 2
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x101000)
  assert pt.present
  pte_unmap_unlock(pt)
  mmap_read_unlock(m)
}
expect ok
