# Binder's shrinker callback slept under the list_lru spinlock (fix
# a1b2289cef92 "android: binder: drop lru lock in isolate callback",
# Sherry Yang, v4.14-rc; Fixes: f2517eb76f1f "android: binder: Add global
# lru shrinker to binder", v4.14-rc1).
#
# binder_alloc_free_page() is the isolate callback of list_lru_walk(),
# which calls it with the lru's spinlock held (mm/list_lru.c:
# __list_lru_walk_one(): spin_lock(&nlru->lock) around isolate()). It took
# an mm_users reference and down_write_trylock(&mm->mmap_sem), then
# zap_page_range() (cond_resched() per PMD, mmu notifiers) and mmput()
# (might_sleep(); the last reference runs exit_mmap()) with the spinlock
# still held: "BUG: sleeping function called from invalid context" with
# CONFIG_DEBUG_ATOMIC_SLEEP, a sleep in atomic context without it. The fix
# drops the lru lock (spin_unlock(lock)) before the zap and retakes it
# before returning LRU_REMOVED_RETRY, and on the path that gives up with
# the lock still held (the mmap_sem trylock failed) drops the reference
# with mmput_async(), restored for this (see -fixed).
#
# Rule: lock/sleep-in-atomic (kernel/sched/core.c: __might_sleep()).
#
# binder_alloc_free_page() of f2517eb76f1f in mmscript's terms: the mm's
# reference is taken with mmget_not_zero(), as later binder_alloc.c does
# (f2517eb76f1f had get_task_mm(alloc->tsk): mmscript has no task
# objects, hence no get_task_mm()), zap_page_range()
# is zap_vma_range(), and the kernel-side unmap_kernel_range() and
# __free_page() are left out.

mm m
file binder
mutex alloc_mutex    # alloc->mutex
spinlock lru_lock    # binder_alloc_lru's nlru->lock
vma alloc_vma = nil  # alloc->vma
LRU_REMOVED = 0      # enum lru_status (include/linux/list_lru.h)
LRU_SKIP = 3

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

# drivers/android/binder_alloc.c (f2517eb76f1f): binder_alloc_free_page(),
# called with lru_lock held
func binder_alloc_free_page(mm, page_addr) {
  if !mutex_trylock(alloc_mutex) {
    return LRU_SKIP  # err_get_alloc_mutex_failed
  }
  if alloc_vma {
    if !mmget_not_zero(mm) {
      mutex_unlock(alloc_mutex)  # err_get_task_mm_failed
      return LRU_SKIP
    }
    if !mmap_write_trylock(mm) {  # down_write_trylock(&mm->mmap_sem)
      mmput(mm)  # err_down_write_mmap_sem_failed
      mutex_unlock(alloc_mutex)
      return LRU_SKIP
    }
    zap_vma_range(alloc_vma, page_addr, PAGE_SIZE)  # zap_page_range()
    mmap_write_unlock(mm)
    mmput(mm)
  }
  # list_lru_isolate(lru, item)
  mutex_unlock(alloc_mutex)
  return LRU_REMOVED
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

expect violation "lock/sleep-in-atomic: zap_vma_range may sleep" at 64 sometimes
expect violation "lock/sleep-in-atomic" at 66 sometimes  # mmput(): might_sleep(), and exit_mmap() when it is the last
expect violation "lock/sleep-in-atomic" at 60 sometimes  # the same, on the path that gives up
