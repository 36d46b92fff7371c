# Q: May a fault handler take mmap_read_lock itself?
# A: No. Without ->map_pages the handler already runs under the mmap read
#    lock. rwsems are not recursive: once a writer queues, a second read
#    lock waits behind it, and the writer waits for the first read lock.
#    Lockdep reports the recursion; the run below reaches the deadlock.

mm m
file dev

ops drv {
  fault(vmf) {
    mmap_read_lock(m)
    page p = alloc_page()
    mmap_read_unlock(m)
    return vmf_insert_page(vmf.vma, vmf.address, p)
  }
}

mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, vm=mixedmap, ops=drv)

thread user {
  touch(m, 0x100000, write)
}

thread writer {
  mmap_write_lock(m)
  mmap_write_unlock(m)
}

expect violation "lock/recursive: recursive locking: m->mmap_lock already held for read" at 12
expect deadlock
