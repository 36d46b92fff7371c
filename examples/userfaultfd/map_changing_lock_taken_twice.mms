# Q: May a UFFDIO_* path take ctx->map_changing_lock again while it holds
#    it, to re-test mmap_changing in a helper, or take it for write to
#    raise mmap_changing itself?
# A: No: it is an rw_semaphore and writers are served in order, so a
#    second down_read() waits behind an event's queued down_write(), which
#    waits for the first read hold: lockdep reports the recursion and the
#    threads hang. mfill_atomic() takes it once, after uffd_mfill_lock(),
#    and drops it before it copies with faults enabled (the -ENOENT path);
#    mmap_changing_raised_under_map_changing_lock.mms is the kernel's use.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)

thread ioctl {
  down_read(ctx.map_changing_lock)
  down_read(ctx.map_changing_lock)  # a helper re-tests mmap_changing
  up_read(ctx.map_changing_lock)
  up_read(ctx.map_changing_lock)
}

thread event {
  down_write(ctx.map_changing_lock)
  up_write(ctx.map_changing_lock)
}

thread upgrader {
  down_read(ctx.map_changing_lock)
  down_write(ctx.map_changing_lock)  # "upgrade" to raise mmap_changing
  up_write(ctx.map_changing_lock)
  up_read(ctx.map_changing_lock)
}

expect violation "lock/recursive" at 17
expect violation "lock/recursive" at 29
expect deadlock
