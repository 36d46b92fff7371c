# Q: What if a path takes the anon_vma lock before i_mmap_rwsem?
# A: It inverts mm's order (i_mmap_rwsem -> anon_vma->rwsem, mm/rmap.c
#    lock-ordering comment; mm/mremap.c: take_rmap_locks() takes them in
#    that order): lockdep reports a possible circular dependency, and
#    against a path that takes them in order it deadlocks. Releasing a
#    rwsem in the other mode corrupts its count (CONFIG_DEBUG_RWSEMS:
#    kernel/locking/rwsem.c: __up_write() DEBUG_RWSEMS_WARN_ON).

mm m
file data
vma anon = mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x300000, pages=2, prot=rw, flags=shared, file=data)
touch(m, 0x100000, write)

thread mover {
  i_mmap_lock_write(data)
  anon_vma_lock_write(anon)
  anon_vma_unlock_write(anon)
  i_mmap_unlock_write(data)
}

thread inverted {
  anon_vma_lock_read(anon)
  i_mmap_lock_read(data)
  i_mmap_unlock_write(data)
  anon_vma_unlock_write(anon)
  anon_vma_unlock_read(anon)
  i_mmap_unlock_read(data)
}

expect violation "lockdep/circular" at 24 sometimes
expect deadlock sometimes
expect violation "lock/unlock-wrong-mode: i_mmap_unlock_write" at 25 sometimes
expect violation "lock/unlock-wrong-mode: anon_vma_unlock_write" at 26 sometimes
