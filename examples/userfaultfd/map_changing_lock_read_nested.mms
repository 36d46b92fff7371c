# Q: A helper takes ctx->map_changing_lock for read again while its caller
#    holds it, annotated down_read_nested(..., SINGLE_DEPTH_NESTING) so
#    that lockdep stays quiet. Is the annotation a fix?
# A: No: a subclass tells lockdep that two locks of one class are ordered
#    (the source and the destination VMA of uffd_move_lock()); the same
#    rwsem taken twice still waits behind a writer queued in between (an
#    event's down_write()), which waits for the first hold: the threads
#    hang, and lockdep, told otherwise, prints nothing.
#    map_changing_lock_taken_twice.mms is the unannotated form.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)

thread ioctl {
  down_read(ctx.map_changing_lock)
  down_read_nested(ctx.map_changing_lock, SINGLE_DEPTH_NESTING)
  up_read(ctx.map_changing_lock)
  up_read(ctx.map_changing_lock)
}

thread event {
  down_write(ctx.map_changing_lock)
  up_write(ctx.map_changing_lock)
}

expect deadlock at 17 sometimes
