# Q: My fault handler takes the driver's mutex. May my ioctl hold that mutex
#    while it pins user pages?
# A: No. The fault runs under the mmap lock, so lockdep learns
#    mmap_lock -> drv_lock; pinning (or any copy_to_user) under drv_lock takes
#    the mmap lock and faults: drv_lock -> mmap_lock, a circular dependency.
#    Here the ioctl's own fault even re-enters the handler and deadlocks on
#    drv_lock. Pin first, or drop the mutex around user accesses.
#    Lockdep reports the inversion at whichever lock comes second: at the
#    ioctl's pin when the user's fault ran first, at the fault's mutex_lock
#    when the ioctl took drv_lock -> mmap_lock first; the interleavings
#    decide which, so each is expected sometimes.

mm m
file dev
mutex drv_lock

ops drv {
  fault(vmf) {
    mutex_lock(drv_lock)
    page p = alloc_page()
    mutex_unlock(drv_lock)
    return vmf_insert_page(vmf.vma, vmf.address, p)
  }
}

mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, vm=mixedmap, ops=drv)

thread user {
  touch(m, 0x100000, write)
}

thread ioctl {
  repeat 2 { msleep(1) }  # after the user's fault has run
  mutex_lock(drv_lock)
  get_user_pages_unlocked(m, 0x101000, pages=1)
  mutex_unlock(drv_lock)
}

expect violation "lockdep/circular: possible circular locking dependency: taking m->mmap_lock (&mm->mmap_lock) while holding drv_lock" at 35 sometimes
expect violation "lockdep/circular: possible circular locking dependency: taking drv_lock while holding m->mmap_lock" at 19 sometimes
expect violation "lock/recursive: recursive locking: drv_lock already held" at 19 always
expect deadlock "ioctl waits for drv_lock" always
