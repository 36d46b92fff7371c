# Q: What goes wrong if the caller of get_user_pages_remote() with locked
#    unlocks the mmap lock without testing *locked?
# A: A fault that returned VM_FAULT_RETRY dropped the lock (*locked = 0),
#    so the caller's mmap_read_unlock() releases a lock it does not hold
#    (lockdep: "bad unlock balance detected"; without lockdep the rwsem's
#    count goes wrong). The fixed form tests locked first:
#    kernel_form_gup_remote_locked.mms.

mm m
file dev

ops drv {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)  # wait for the device without the lock
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
page_array pages

thread tracer {
  int locked = 1
  mmap_read_lock(m)
  n = get_user_pages_remote(m, 0x100000, 2, FOLL_WRITE, pages, locked)
  mmap_read_unlock(m)
  for i in 0..n {
    put_page(pages[i])
  }
}

expect violation "lock/unlock-not-held" at 30
