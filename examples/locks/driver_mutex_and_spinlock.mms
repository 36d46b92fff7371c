# Q: In which order may a driver nest its own mutex, its spinlock and the
#    mmap lock, and where may it sleep?
# A: mmap lock -> driver mutex -> driver spinlock, the order ->mmap imposes
#    (f_op->mmap runs under the mmap write lock, mm/vma.c: __mmap_region()).
#    Sleep (mutex_lock, msleep, might_sleep) only outside the spinlock;
#    mutex_trylock() never sleeps and may fail (kernel/locking/mutex.c:
#    mutex_lock() -> might_sleep(); lockdep orders the classes).

mm m
file dev
mutex drv_lock
spinlock stats_lock
opened = 0

ops drv {
  mmap(file, vma) {
    mutex_lock(drv_lock)
    spin_lock(stats_lock)
    opened = opened + 1
    spin_unlock(stats_lock)
    mutex_unlock(drv_lock)
    return 0
  }
}

thread user {
  mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)
}

thread ioctl {
  might_sleep()
  if mutex_trylock(drv_lock) {
    msleep(1)
    mutex_unlock(drv_lock)
  } else {
    mutex_lock(drv_lock)
    mutex_unlock(drv_lock)
  }
}

expect ok
