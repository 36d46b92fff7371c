# Q: May a kernel path call mremap (do_mremap) while it holds the mmap lock?
# A: No: mremap takes mmap_write_lock_killable itself, and rwsems are not
#    recursive, so a caller holding the lock for read waits for itself
#    (lockdep: "possible recursive locking detected").

mm m
mmap(m, 0x200000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  mremap(m, 0x200000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x600000)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 11
expect deadlock
