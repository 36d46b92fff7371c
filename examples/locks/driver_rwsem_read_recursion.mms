# Q: My driver's ioctl takes its rw_semaphore for read, and a helper it
#    calls takes it for read again. Readers share an rwsem, so is the
#    second down_read() harmless?
# A: No. rw_semaphores are fair to writers: a reader that arrives while a
#    writer waits queues behind it (kernel/locking/rwsem.c:
#    rwsem_down_read_slowpath()), so when a reconfiguration's down_write()
#    comes between the two reads, the ioctl waits for the writer, which
#    waits for the ioctl's first read. Lockdep reports the second read on
#    every run: down_read() is a non-recursive read acquisition
#    (rwsem_acquire_read(), "possible recursive locking detected").

rwsem cfg_sem

thread ioctl {
  down_read(cfg_sem)
  down_read(cfg_sem)  # the helper's read
  up_read(cfg_sem)
  up_read(cfg_sem)
}

thread reconfigure {
  down_write(cfg_sem)
  up_write(cfg_sem)
}

expect violation "lock/recursive: recursive locking: cfg_sem already held for read by this thread" at 16 always
expect deadlock "ioctl waits for cfg_sem (read) held by ioctl, behind queued reconfigure (write)" sometimes
