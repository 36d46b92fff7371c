# Q: My driver keeps its configuration under an rw_semaphore of its own:
#    ioctls read it, a reconfiguration writes it, and ->fault reads it
#    under the mmap lock. Is that a correct order?
# A: Yes, as long as no path takes the mmap lock under it. `rwsem NAME`
#    declares the driver's struct rw_semaphore (init_rwsem(): one lockdep
#    class per init site, include/linux/rwsem.h); down_read(), down_write(),
#    up_read(), up_write() and downgrade_write() are the generic API of
#    kernel/locking/rwsem.c. Readers share it, the writer excludes them,
#    and lockdep learns mmap_lock -> cfg_sem from the fault.

mm m
rwsem cfg_sem

thread fault {
  mmap_read_lock(m)
  down_read(cfg_sem)
  up_read(cfg_sem)
  mmap_read_unlock(m)
}

thread ioctl {
  down_read(&cfg_sem)
  up_read(&cfg_sem)
}

thread reconfigure {
  down_write(cfg_sem)
  downgrade_write(cfg_sem)  # publish, then read on with readers let in
  up_read(cfg_sem)
}

expect ok
