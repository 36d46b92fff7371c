# Q: A monitor reads the userfaultfd (read(2): userfaultfd_ctx_read())
#    from a context that holds a spinlock: can it?
# A: No: the read sleeps (TASK_INTERRUPTIBLE on ctx->fd_wqh) until a fault
#    is queued; might_sleep() under a spinlock is "sleeping function
#    called from invalid context". fault_waits_for_monitor.mms reads with
#    nothing held.

mm m
spinlock sl
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0

thread faulter {
  assert touch(m, 0x101000, write)
}

thread monitor {
  spin_lock(sl)
  addr = userfaultfd_ctx_read(ctx)
  spin_unlock(sl)
  assert userfaultfd_unregister(ctx, addr, PAGE_SIZE) == 0
}

expect violation "lock/sleep-in-atomic" at 20
