# Q: An event path that takes ctx->map_changing_lock first and the mmap
#    lock inside it, the reverse of the kernel's paths: is that a problem?
# A: Yes: the non-cooperative events take map_changing_lock for write
#    under the mmap write lock (fs/userfaultfd.c: mremap_userfaultfd_prep(),
#    userfaultfd_unmap_prep(), dup_userfaultfd()), and the ioctls for read
#    under the VMA read lock or the mmap read lock (mm/userfaultfd.c:
#    mfill_atomic(), move_pages()); taking the mmap lock under it closes a
#    cycle lockdep reports, and a deadlock with an ioctl that waits for
#    the rwsem behind a queued writer. The kernel's order is in
#    mmap_changing_raised_under_map_changing_lock.mms.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)

thread event {
  down_write(ctx.map_changing_lock)
  mmap_write_lock(m)
  ctx.mmap_changing += 1
  mmap_write_unlock(m)
  up_write(ctx.map_changing_lock)
}

thread ioctl {
  mmap_read_lock(m)  # uffd_mfill_lock()'s fallback: find_vma_and_prepare_anon()
  down_read(ctx.map_changing_lock)
  up_read(ctx.map_changing_lock)
  mmap_read_unlock(m)
}

expect violation "lockdep/circular" at 18
expect deadlock sometimes
