# Rule fault/retry-holding-lock: VM_FAULT_RETRY tells the core that the
# handler released the fault lock (release_fault_lock). Returning it with
# the lock still held leaks the lock: the core never releases it. mmscript's
# faults never set FAULT_FLAG_RETRY_NOWAIT, the one case where a handler
# returns VM_FAULT_RETRY holding the lock. The retried fault then takes the
# mmap lock a second time. Rule book 2.26.

mm m
file dev

ops forgetful {
  fault(vmf) {
    return VM_FAULT_RETRY
  }
}

mmap(m, 0x100000, pages=1, prot=r, flags=shared, file=dev, ops=forgetful)

thread user {
  touch(m, 0x100000, read)
}

expect violation "fault/retry-holding-lock: forgetful.fault returned VM_FAULT_RETRY still holding the fault lock (m->mmap_lock)" at 13
expect violation "lock/recursive: recursive locking: m->mmap_lock already held for read" at 20
expect violation "lock/held-at-exit: thread user exits holding m->mmap_lock (read)" at 21
