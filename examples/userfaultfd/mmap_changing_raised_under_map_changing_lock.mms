# Q: A non-cooperative event (mremap with UFFD_FEATURE_EVENT_REMAP, fork
#    with UFFD_FEATURE_EVENT_FORK, ...) marks the userfaultfd context
#    busy while it changes the mappings; a UFFDIO_* ioctl runs meanwhile
#    under the VMA read lock. How do the two exclude each other?
# A: The event raises ctx->mmap_changing under ctx->map_changing_lock held
#    for write (fs/userfaultfd.c: mremap_userfaultfd_prep(): down_write();
#    atomic_inc(); up_write()); the ioctl takes the lock for read after its
#    VMA lock and tests mmap_changing under it, failing with -EAGAIN, and
#    keeps it until its change is done (mm/userfaultfd.c: mfill_atomic(),
#    move_pages()). Lockdep orders mmap_lock -> map_changing_lock and
#    vm_lock -> map_changing_lock.

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0

thread event {
  mmap_write_lock(m)  # mremap(): the event's path holds the mmap write lock
  down_write(ctx.map_changing_lock)
  ctx.mmap_changing += 1  # atomic_inc(&ctx->mmap_changing)
  up_write(ctx.map_changing_lock)
  mmap_write_unlock(m)
  ctx.mmap_changing -= 1  # userfaultfd_event_wait_completion(): atomic_dec()
}

# the ioctl side of mfill_atomic(), by hand
thread ioctl {
  vma w = lock_vma_under_rcu(m, 0x100000)  # uffd_mfill_lock() -> uffd_lock_vma()
  if w {
    down_read(ctx.map_changing_lock)
    busy = ctx.mmap_changing != 0  # -EAGAIN
    up_read(ctx.map_changing_lock)
    vma_end_read(w)
  }
}

expect ok
