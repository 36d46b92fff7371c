# Rule fault/retry-nowait-dropped-lock: under FAULT_FLAG_RETRY_NOWAIT
# (vmf.retry_nowait; GUP's FOLL_NOWAIT, mm/gup.c: faultin_page()) a fault
# handler that would wait returns VM_FAULT_RETRY keeping the fault lock,
# as mm/filemap.c: __folio_lock_or_retry() does ("CAUTION! In this case,
# mmap_lock/per-VMA lock is not released even though returning
# VM_FAULT_RETRY"), and the caller goes on holding it: faultin_page()
# leaves *locked = 1. Dropping it is the bug: the caller's unlock then
# finds the lock gone. A VM_FAULT_COMPLETED under it also trips
# faultin_page()'s WARN_ON_ONCE(fault_flags & FAULT_FLAG_RETRY_NOWAIT).

mm m
file dev

ops keeps {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      if vmf.retry_nowait {
        return VM_FAULT_RETRY  # the fault lock still held
      }
      release_fault_lock(vmf)
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}

ops drops {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}

ops completes {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)
      return VM_FAULT_COMPLETED
    }
    page p = alloc_page()
    return p
  }
}

vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, ops=keeps)
mmap(m, 0x200000, pages=1, prot=rw, flags=shared, file=dev, ops=drops)
mmap(m, 0x300000, pages=1, prot=rw, flags=shared, file=dev, ops=completes)

thread t {
  mmap_read_lock(m)
  # the kernel's own call: VM_FAULT_RETRY, the lock kept
  assert handle_mm_fault(v, 0x100000, FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT, NULL) == VM_FAULT_RETRY
  assert lockdep_is_held(m.mmap_lock)
  # GUP with FOLL_NOWAIT: -EBUSY from faultin_page(), no page, the lock held
  assert get_user_pages_remote(m, 0x100000, 1, FOLL_NOWAIT, nil, nil) == 0
  assert lockdep_is_held(m.mmap_lock)
  assert get_user_pages_remote(m, 0x100000, 1, 0, nil, nil) == 1  # no retry allowed: the handler waits
  get_user_pages_remote(m, 0x200000, 1, FOLL_NOWAIT, nil, nil)
  mmap_read_unlock(m)  # GUP's caller still counts on the lock
  mmap_read_lock(m)
  get_user_pages_remote(m, 0x300000, 1, FOLL_NOWAIT, nil, nil)
  mmap_read_unlock(m)
}

expect violation "fault/retry-nowait-dropped-lock: drops.fault released the fault lock (m->mmap_lock), but the fault has FAULT_FLAG_RETRY_NOWAIT" at 32
expect violation "lock/unlock-not-held: mmap_read_unlock: m->mmap_lock is not held" at 64
expect violation "fault/retry-nowait-dropped-lock: completes.fault released the fault lock (m->mmap_lock)" at 43
expect violation "kernel/WARN_ON" at 66
expect violation "lock/unlock-not-held: mmap_read_unlock: m->mmap_lock is not held" at 67
