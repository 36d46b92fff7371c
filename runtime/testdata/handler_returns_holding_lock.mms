# Rule handler/returns-holding-lock: a handler releases what it took before
# it returns (a lock kept by ->fault is held when the fault returns to user
# space: lockdep's "lock held when returning to user space"). Rule book 2.26.

mm m
file dev
mutex io_lock

ops leaky {
  fault(vmf) {
    mutex_lock(io_lock)
    page p = alloc_page()
    return p
  }
}

ops tidy {
  fault(vmf) {
    mutex_lock(io_lock)
    page p = alloc_page()
    mutex_unlock(io_lock)
    return p
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, ops=leaky)
mmap(m, 0x200000, pages=1, prot=rw, flags=shared, file=dev, ops=tidy)

thread user {
  touch(m, 0x100000, read)
}

thread other {
  touch(m, 0x200000, read)
}

expect violation "handler/returns-holding-lock: leaky.fault returns holding io_lock" at 13
expect violation "lock/held-at-exit: thread user exits holding io_lock" at 31
expect deadlock "other waits for io_lock"
