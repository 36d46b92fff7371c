# Q: I call get_user_pages_remote() on another process's mm. Which lock,
#    and what does `locked` change?
# A: Hold a reference on the mm and its mmap lock. Without `locked` GUP
#    keeps the lock throughout; with it (FOLL_UNLOCKABLE) a fault may drop
#    the lock for I/O (FAULT_FLAG_ALLOW_RETRY): GUP re-takes it to retry the
#    page with FOLL_TRIED and returns with *locked == 0, so the caller
#    unlocks only if it still holds the lock (mm/gup.c:
#    __get_user_pages_locked(), faultin_page()). pin_user_pages_remote() is
#    the FOLL_PIN twin; get_user_page_vma_remote() returns one page with a
#    reference.

mm m
file dev

ops drv {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)  # wait for the device without the lock
      msleep(1)
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
mmap(m, 0x200000, pages=2, prot=rw)
page_array pinned  # pin_user_pages*() need a pages array (is_valid_gup_args)

thread tracer {
  mmap_read_lock(m)
  assert get_user_pages_remote(m, 0x100000, pages=2, gup_flags=FOLL_WRITE, locked=true) == 2
  if lockdep_is_held(m.mmap_lock) {
    mmap_read_unlock(m)
  }
  mmap_read_lock(m)
  assert pin_user_pages_remote(m, 0x200000, pages=2, gup_flags=FOLL_WRITE, array=pinned) == 2
  page p = get_user_page_vma_remote(m, 0x200000, FOLL_WRITE)
  assert p
  put_page(p)
  unpin_user_pages(pinned, 2)
  mmap_read_unlock(m)
}

expect ok
