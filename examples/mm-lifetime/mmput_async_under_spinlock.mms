# Q: A shrinker callback runs under its list_lru spinlock and holds an
#    mm_users reference it took with mmget_not_zero(). How does it drop
#    the reference when mmap_read_trylock() fails and it must give up
#    without releasing the spinlock?
# A: With mmput_async() (kernel/fork.c): it never sleeps. mmput() starts
#    with might_sleep() and, as the last reference, runs __mmput() ->
#    exit_mmap() here, which takes the mmap lock; mmput_async() queues
#    that teardown to a kworker (schedule_work()). Binder's
#    binder_alloc_free_page() does this (a1b2289cef92 "android: binder:
#    drop lru lock in isolate callback"); the wrong form is
#    bugs/binder-shrinker-mmput-buggy.mms.

mm m
spinlock lru_lock
mmap(m, 0x100000, pages=1, prot=rw, flags=private)

mmgrab(m)  # the pointer the other side keeps: mm_count (mmgrab())

thread owner {  # do_exit() -> exit_mm() -> mmput(mm)
  mmput(m)
}

thread shrinker {  # list_lru_walk_one(): the isolate callback under lru_lock
  spin_lock(lru_lock)
  if mmget_not_zero(m) {
    if mmap_read_trylock(m) {
      vma v = vma_lookup(m, 0x100000)
      mmap_read_unlock(m)
    }
    mmput_async(m)  # may be the last reference: the teardown goes to a kworker
  }
  spin_unlock(lru_lock)
}

expect ok
