# Binder's shrinker callback with the lru lock dropped around what sleeps
# (fix a1b2289cef92 "android: binder: drop lru lock in isolate callback",
# v4.14-rc): binder_alloc_free_page() takes its mm_users reference and
# the mmap_sem trylock under the lru spinlock, isolates the item, drops
# the spinlock (spin_unlock(lock)) for zap_page_range() and mmput(), and
# takes it again before it returns LRU_REMOVED_RETRY (list_lru_walk()
# must find it held). The path that gives up with the spinlock held (the
# trylock failed) drops the reference with mmput_async(), which never
# sleeps: the last reference's exit_mmap() goes to a kworker.
# Rule: lock/sleep-in-atomic (kernel/sched/core.c: __might_sleep()).
# The buggy form and what is left out: binder-shrinker-mmput-buggy.mms.

mm m
file binder
mutex alloc_mutex    # alloc->mutex
spinlock lru_lock    # binder_alloc_lru's nlru->lock
vma alloc_vma = nil  # alloc->vma
LRU_REMOVED = 0      # enum lru_status (include/linux/list_lru.h)
LRU_SKIP = 3
LRU_REMOVED_RETRY = 1

ops binder_ops {
  mmap(file, vma) {
    alloc_vma = vma  # binder_alloc_mmap_handler(): alloc->vma = vma
    return 0
  }
  close(vma) {
    alloc_vma = nil  # binder_alloc_vma_close(): alloc->vma = NULL
  }
}

mmap(m, 0x100000, pages=4, prot=r, flags=shared, file=binder, vm=mixedmap, ops=binder_ops)

# drivers/android/binder_alloc.c (a1b2289cef92): binder_alloc_free_page(),
# called with lru_lock held; returns with it held
func binder_alloc_free_page(mm, page_addr) {
  if !mutex_trylock(alloc_mutex) {
    return LRU_SKIP  # err_get_alloc_mutex_failed
  }
  vma = alloc_vma
  if vma {
    if !mmget_not_zero(mm) {
      mutex_unlock(alloc_mutex)  # err_mmget
      return LRU_SKIP
    }
    if !mmap_write_trylock(mm) {  # down_write_trylock(&mm->mmap_sem)
      mmput_async(mm)  # err_down_write_mmap_sem_failed
      mutex_unlock(alloc_mutex)
      return LRU_SKIP
    }
  }
  # list_lru_isolate(lru, item)
  spin_unlock(lru_lock)
  if vma {
    zap_vma_range(vma, page_addr, PAGE_SIZE)  # zap_page_range()
    mmap_write_unlock(mm)
    mmput(mm)
  }
  spin_lock(lru_lock)
  mutex_unlock(alloc_mutex)
  return LRU_REMOVED_RETRY
}

thread reclaim {  # shrink_slab() -> binder_shrink_scan() -> list_lru_walk()
  spin_lock(lru_lock)
  binder_alloc_free_page(m, 0x101000)
  spin_unlock(lru_lock)
}

thread user {  # the binder process: a page fault elsewhere, then its exit
  mmap_read_lock(m)
  mmap_read_unlock(m)
  mmput(m)  # do_exit() -> exit_mm()
}

expect ok
