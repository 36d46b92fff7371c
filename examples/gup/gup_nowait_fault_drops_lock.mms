# Q: Under FOLL_NOWAIT, may my ->fault drop the mmap lock to wait, as it
#    does for a fault that allows retry?
# A: No. FOLL_NOWAIT's fault has FAULT_FLAG_RETRY_NOWAIT (vmf.retry_nowait)
#    beside FAULT_FLAG_ALLOW_RETRY: "Don't drop mmap_lock and wait when
#    retrying" (include/linux/mm_types.h: enum fault_flag). faultin_page()
#    does not set *locked = 0 for its VM_FAULT_RETRY, so GUP and its caller
#    go on as if they held the lock, and the caller's mmap_read_unlock()
#    releases a lock it no longer holds (lockdep: bad unlock balance). This
#    handler forgets the vmf.retry_nowait test of
#    gup_nowait_fault_keeps_lock.mms; it goes wrong only when the read in
#    flight holds the folio as the fault comes.

mm m
file dev
page cache = alloc_page()  # the device's page, being read in

ops drv {
  fault(vmf) {
    # __folio_lock_or_retry(folio, vmf)
    if !folio_trylock(cache) {
      if vmf.allow_retry && !vmf.tried {  # fault_flag_allow_retry_first()
        release_fault_lock(vmf)  # under FAULT_FLAG_RETRY_NOWAIT too
        folio_lock(cache)        # folio_wait_locked(): wait for the read
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
  mmap_read_unlock(m)  # *locked is still 1: the caller unlocks
  if n == 1 {
    put_page(pages[0])
  }
}

expect violation "fault/retry-nowait-dropped-lock" at 25
expect violation "lock/unlock-not-held" at 47
