# Q: My driver's ioctl holds its mutex while it copies the result to the
#    user, and its ->fault handler takes the same mutex. Is that a problem?
# A: Yes: lockdep reports a circular dependency, even if no copy ever
#    faults. copy_to_user() starts with might_fault(), which records
#    drv_lock -> mmap_lock (might_lock_read(&current->mm->mmap_lock)), and
#    the fault path holds the mmap lock when it calls ->fault, which takes
#    drv_lock: mmap_lock -> drv_lock. A real fault on the copied page while
#    another thread faults on the driver's mapping deadlocks (mm/memory.c:
#    __might_fault(); include/linux/uaccess.h: copy_to_user()).

mm m
file dev
mutex drv_lock

ops drv {
  fault(vmf) {
    mutex_lock(drv_lock)
    page p = alloc_page()
    mutex_unlock(drv_lock)
    return p
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)
mmap(m, 0x200000, pages=1, prot=rw)
touch(m, 0x200000, write)  # the user buffer is mapped: the copy will not fault
touch(m, 0x100000, read)   # a fault on the driver's mapping: mmap_lock -> drv_lock

thread ioctl {
  mutex_lock(drv_lock)
  copy_to_user(m, 0x200000, 8)
  mutex_unlock(drv_lock)
}

expect violation "lockdep/circular" at 31
