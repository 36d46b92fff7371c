# Q: May a pre-v5.8 path release mm->mmap_sem it did not take, downgrade
#    a read hold, or go on after a failed down_*_trylock()?
# A: No. up_read() and up_write() of an rwsem not held are lockdep's "bad
#    unlock balance detected" (and corrupt the count without lockdep), as
#    is downgrade_write() without the write hold; a failed
#    down_read_trylock() or down_write_trylock() leaves the caller without
#    the lock, beside the task that holds it.

mm m
mm n
mmap(n, 0x100000, pages=1, prot=rw)

thread stray {
  up_read(&m.mmap_sem)
  up_write(&m.mmap_sem)
  down_read(&m.mmap_sem)
  downgrade_write(&m.mmap_sem)
  up_read(&m.mmap_sem)
}

thread holder {
  down_write(&n.mmap_sem)
  up_write(&n.mmap_sem)
}

thread trier {
  down_read_trylock(&n.mmap_sem)
  up_read(&n.mmap_sem)
  down_write_trylock(&n.mmap_sem)
  up_write(&n.mmap_sem)
}

expect violation "lock/unlock-not-held" at 14
expect violation "lock/unlock-not-held" at 15
expect violation "lock/unlock-not-held" at 17
expect violation "down_read_trylock/failure-ignored" at 28 sometimes
expect violation "down_write_trylock/failure-ignored" at 30 sometimes
