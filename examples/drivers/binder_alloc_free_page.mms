# Q: Binder's shrinker callback frees a buffer page that is mapped into the
#    target process. How does it reach that process's page tables safely?
# A: As drivers/android/binder_alloc.c: binder_alloc_free_page() does, called
#    by list_lru_walk() with the LRU's spinlock held: mmget_not_zero() (the
#    process may be exiting), mmap_read_trylock() and mutex_trylock() (a
#    shrinker must not block), vma_lookup(), then drop the LRU spinlock
#    before zap_page_range_single(vma, page_addr, PAGE_SIZE, NULL), which
#    sleeps (tlb_gather_mmu(), the mmu notifiers), and mmput_async() (the
#    last reference must not run exit_mmap() in reclaim). Written as a driver
#    author copies it; zap_page_range_single() is zap_vma_range() since 2026.
#    binder_alloc_free_page_zap_under_lru_lock.mms zaps with the spinlock
#    held.

mm m
file binder
mutex alloc_mutex
spinlock lru_lock
page buffer_page = alloc_page()

ops binder_vm_ops {
  mmap(file, vma) {
    vm_flags_set(vma, VM_DONTCOPY | VM_MIXEDMAP)
    return vm_insert_page(vma, vma.vm_start, buffer_page)
  }
}

mmap(m, 0x100000, pages=4, prot=r, flags=shared, file=binder, ops=binder_vm_ops)

# called with lru_lock held; returns LRU_SKIP (1) or LRU_REMOVED_RETRY (0)
# with lru_lock held again
func binder_alloc_free_page(mm, page_addr) {
  if !mmget_not_zero(mm) {
    return 1
  }
  if !mmap_read_trylock(mm) {
    mmput_async(mm)
    return 1
  }
  if !mutex_trylock(alloc_mutex) {
    mmap_read_unlock(mm)
    mmput_async(mm)
    return 1
  }
  vma = vma_lookup(mm, page_addr)
  spin_unlock(lru_lock)  # list_lru_isolate(lru, item); spin_unlock(&lru->lock)
  if vma {
    zap_page_range_single(vma, page_addr, PAGE_SIZE, NULL)
  }
  mutex_unlock(alloc_mutex)
  mmap_read_unlock(mm)
  mmput_async(mm)
  spin_lock(lru_lock)
  return 0
}

thread shrinker {
  spin_lock(lru_lock)
  binder_alloc_free_page(m, 0x100000)
  spin_unlock(lru_lock)
}

thread target {
  touch(m, 0x100000, read)
}

expect ok
