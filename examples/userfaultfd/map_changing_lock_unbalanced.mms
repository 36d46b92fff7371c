# Q: Error paths that release ctx->map_changing_lock: what must they
#    release?
# A: Exactly what they took, once: mfill_atomic()'s -ENOENT path drops the
#    read lock before it copies (up_read(); uffd_mfill_unlock()) and must
#    not drop it again at out_unlock; an event's up_write() pairs with its
#    down_write(). An up_read() of a write-held rwsem corrupts its count
#    (CONFIG_DEBUG_RWSEMS warns), a second up_write() is lockdep's "bad
#    unlock balance". mmap_changing_raised_under_map_changing_lock.mms
#    balances them.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)

thread ioctl {
  down_write(ctx.map_changing_lock)
  up_read(ctx.map_changing_lock)  # the wrong side
}

thread event {
  down_write(ctx.map_changing_lock)
  up_write(ctx.map_changing_lock)
  up_write(ctx.map_changing_lock)  # again
}

expect violation "lock/unlock-wrong-mode" at 17
expect violation "lock/unlock-not-held" at 23
expect violation "lock/held-at-exit" at 18  # the up_read() left the write hold
expect deadlock sometimes
