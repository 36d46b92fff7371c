# Rule fault/retry-holding-lock: VM_FAULT_RETRY tells the core that the
# handler released the fault lock (release_fault_lock); returned with the
# lock held, the lock leaks (but under FAULT_FLAG_RETRY_NOWAIT, which the
# user fault never sets: fault_retry_nowait.mms). The retried fault takes
# the lock again with lock_mm_and_find_vma()'s mmap_read_trylock(), which
# succeeds on the reader's own lock, unchecked by lockdep. Rule book 2.26.

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
expect violation "lock/held-at-exit: thread user exits holding m->mmap_lock (read)" at 21
