# Rule lock/held-at-exit: every lock is released before the thread ends
# (lockdep: "lock held when returning to user space"). Reported at the end
# of the thread, pointing at the acquisition. Rule book 1.1.

mm m
file f

thread t {
  mmap_read_lock(m)
  i_mmap_lock_read(f)
  mmap_read_unlock(m)
}

expect violation "lock/held-at-exit: thread t exits holding f->i_mmap_rwsem (read)" at 12
