# Q: My fault handler must wait for I/O. May it sleep holding the fault lock?
# A: It may sleep, but a long wait should not hold the mmap lock. When the
#    fault allows retry (vmf.allow_retry: FAULT_FLAG_ALLOW_RETRY, set for user
#    faults) and this is the first try (!vmf.tried), the handler drops the
#    lock with release_fault_lock(vmf), waits, and returns VM_FAULT_RETRY; the
#    core retries the fault with FAULT_FLAG_TRIED. filemap's
#    __folio_lock_or_retry() is the model (rule book 2.26). Dropping the lock
#    in any other way is reported (runtime/testdata/fault_dropped_lock.mms).

mm m
file dev

ops drv {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)
      msleep(10)  # the "I/O", without the mmap lock
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  assert touch(m, 0x100000, read)
}

thread writer {  # not blocked for the whole "I/O"
  mmap_write_lock(m)
  mmap_write_unlock(m)
}

expect ok
