# Rule fault/dropped-lock: a fault handler may drop the fault lock only when
# the fault allows retry (vmf.allow_retry, FAULT_FLAG_ALLOW_RETRY), with
# release_fault_lock(), and must then return VM_FAULT_RETRY; the retried
# fault has vmf.tried set. Rule book 2.26 ("When it may drop the lock").

mm m
file dev

ops bad {
  fault(vmf) {
    release_fault_lock(vmf)  # drops the mmap lock...
    page p = alloc_page()
    return p  # ...but does not say so
  }
}

ops nogo {
  fault(vmf) {
    release_fault_lock(vmf)  # GUP's faults do not allow retry
    return VM_FAULT_RETRY
  }
}

ops good {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)  # wait for I/O without the lock
      msleep(1)
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, ops=bad)
mmap(m, 0x200000, pages=1, prot=rw, flags=shared, file=dev, ops=nogo)
mmap(m, 0x300000, pages=1, prot=rw, flags=shared, file=dev, ops=good)

thread user {
  touch(m, 0x100000, read)
  assert touch(m, 0x300000, read), "the retried fault maps the page"
}

thread pinner {
  mmap_read_lock(m)
  get_user_pages(m, 0x200000, pages=1)
  mmap_read_unlock(m)
}

expect violation "fault/dropped-lock: bad.fault released the fault lock (m->mmap_lock) but did not return VM_FAULT_RETRY" at 13
expect violation "fault/dropped-lock: nogo.fault released the fault lock (m->mmap_lock), but this fault does not allow retry" at 20
expect violation "lock/unlock-not-held: mmap_read_unlock: m->mmap_lock is not held" at 48
