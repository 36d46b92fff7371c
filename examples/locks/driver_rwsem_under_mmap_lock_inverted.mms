# Q: My driver's ->fault-like path reads its rw_semaphore under the mmap
#    lock, and its ioctl takes the mmap lock under the same rwsem held for
#    write. Lockdep?
# A: A circular dependency: mmap_lock -> cfg_sem from the fault,
#    cfg_sem -> mmap_lock from the ioctl. With both running, each waits for
#    the other: the fault holds the mmap lock and waits for the writer's
#    rwsem, the ioctl holds the rwsem and waits for the mmap lock behind
#    nobody but the fault.

mm m
rwsem cfg_sem

thread fault {
  mmap_read_lock(m)
  down_read(cfg_sem)
  up_read(cfg_sem)
  mmap_read_unlock(m)
}

thread ioctl {
  down_write(cfg_sem)
  mmap_write_lock(m)
  mmap_write_unlock(m)
  up_write(cfg_sem)
}

expect violation "lockdep/circular" always
expect deadlock sometimes
