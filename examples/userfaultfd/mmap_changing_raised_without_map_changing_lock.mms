# Q: A non-cooperative event raises ctx->mmap_changing under the mmap write
#    lock alone, as fs/userfaultfd.c did before 5e4c24a57b0c ("userfaultfd:
#    protect mmap_changing with rw_sem in userfaulfd_ctx", v6.9). Is that
#    enough now that the UFFDIO_* ioctls run under a VMA read lock
#    (867a43a34ff8 "userfaultfd: use per-vma locks in userfaultfd
#    operations")?
# A: No: the mmap write lock no longer excludes an ioctl that passed its
#    mmap_changing test under a VMA read lock, and it goes on changing the
#    range while the event changes the mappings; only map_changing_lock,
#    held for write around the increment, does. The kernel checks nothing.
#    The correct form is mmap_changing_raised_under_map_changing_lock.mms.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0

thread event {
  mmap_write_lock(m)
  ctx.mmap_changing += 1  # atomic_inc(&ctx->mmap_changing), v6.8
  mmap_write_unlock(m)
  ctx.mmap_changing -= 1
}

expect violation "userfaultfd/mmap-changing-unlocked" at 20
