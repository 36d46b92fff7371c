# Q: My ->fault waits for a read in flight (its folio locked). What does
#    it do when GUP asked not to wait (FOLL_NOWAIT)?
# A: Return VM_FAULT_RETRY keeping the fault lock. FOLL_NOWAIT makes
#    faultin_page() fault with FAULT_FLAG_ALLOW_RETRY |
#    FAULT_FLAG_RETRY_NOWAIT (vmf.retry_nowait), and filemap's
#    __folio_lock_or_retry() then returns VM_FAULT_RETRY before
#    release_fault_lock(): "CAUTION! In this case, mmap_lock/per-VMA lock
#    is not released even though returning VM_FAULT_RETRY". GUP returns
#    the pages it has (0 here, the page not ready) with *locked still 1,
#    and the caller unlocks (mm/gup.c: faultin_page(),
#    __get_user_pages_locked(); KVM's async page faults ask this way:
#    virt/kvm/kvm_main.c: hva_to_pfn_slow()). Without FOLL_NOWAIT the same
#    handler drops the lock to wait. Dropping it under FOLL_NOWAIT is
#    gup_nowait_fault_drops_lock.mms.

mm m
file dev
page cache = alloc_page()  # the device's page, being read in

ops drv {
  fault(vmf) {
    # __folio_lock_or_retry(folio, vmf)
    if !folio_trylock(cache) {
      if vmf.allow_retry && !vmf.tried {  # fault_flag_allow_retry_first()
        if vmf.retry_nowait {
          return VM_FAULT_RETRY  # the fault lock still held
        }
        release_fault_lock(vmf)
        folio_lock(cache)  # folio_wait_locked(): wait for the read
        folio_unlock(cache)
        return VM_FAULT_RETRY
      }
      folio_lock(cache)
    }
    folio_unlock(cache)
    get_page(cache)
    return cache
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)
page_array pages

thread io {  # the read in flight holds the folio lock
  folio_lock(cache)
  msleep(1)
  folio_unlock(cache)
}

thread vcpu {  # try without waiting, as an async page fault does
  mmap_read_lock(m)
  n = get_user_pages_remote(m, 0x100000, 1, FOLL_WRITE | FOLL_NOWAIT, pages, NULL)
  mmap_read_unlock(m)  # GUP kept it: *locked is still 1
  if n == 1 {
    put_page(pages[0])
  }
}

expect ok
