# Q: A driver copies from user memory while it holds its own mutex, and the
#    user memory is registered with userfaultfd; the monitor thread that
#    resolves the fault first calls into the driver, which takes the same
#    mutex. What happens?
# A: The copy's fault sleeps in handle_userfault() until the monitor
#    resolves it, still holding the driver's mutex: handle_userfault()
#    drops only the fault lock (release_fault_lock()). The monitor blocks
#    on the mutex and never reads the fault: both hang (the hung-task
#    watchdog's report). A kernel path must not fault on user memory
#    under a lock the fault's resolution may need; copy before taking the
#    lock, or copy with page faults disabled and retry outside it, as
#    mfill_atomic() does. The correct form is
#    examples/userfaultfd/fault_waits_for_monitor.mms.

mm m
mutex drv_lock
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0

thread writer {
  mutex_lock(drv_lock)             # the driver's write(): its state under its mutex
  copy_from_user(m, 0x101000, 64)  # the user buffer is registered: faults
  mutex_unlock(drv_lock)
}

thread monitor {
  mutex_lock(drv_lock)  # an ioctl of the same driver first
  mutex_unlock(drv_lock)
  addr = userfaultfd_ctx_read(ctx)
  assert userfaultfd_unregister(ctx, addr, PAGE_SIZE) == 0
}

expect deadlock sometimes
