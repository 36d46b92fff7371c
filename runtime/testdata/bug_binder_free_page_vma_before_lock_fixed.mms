# The fixed form of bug_binder_free_page_vma_before_lock.mms (5cec2d2e5839,
# v5.1-rc3): binder_alloc_free_page() takes mmget_not_zero() and
# down_write_trylock() first and reads alloc->vma under the lock: an
# munmap() in progress holds the mmap lock until binder_vma_close() has
# cleared alloc->vma, so the pointer read is either nil or a live VMA.

mm m
file binder
mutex alloc_mutex
vma saved = nil  # alloc->vma
LRU_REMOVED = 0  # enum lru_status (include/linux/list_lru.h)
LRU_SKIP = 2

ops binder_ops {
  mmap(file, vma) {
    saved = vma  # binder_alloc_mmap_handler(): alloc->vma = vma
    return 0
  }
  close(vma) {
    saved = nil  # binder_alloc_vma_close(): alloc->vma = NULL
  }
}

mmap(m, 0x100000, pages=4, prot=r, flags=shared, file=binder, vm=mixedmap, ops=binder_ops)

# drivers/android/binder_alloc.c (v5.1): binder_alloc_free_page()
func binder_alloc_free_page(mm, page_addr) {
  if !mutex_trylock(alloc_mutex) {
    return LRU_SKIP
  }
  if !mmget_not_zero(mm) {  # mm = alloc->vma_vm_mm
    mutex_unlock(alloc_mutex)
    return LRU_SKIP
  }
  if !mmap_write_trylock(mm) {  # down_write_trylock(&mm->mmap_sem)
    mmput(mm)
    mutex_unlock(alloc_mutex)
    return LRU_SKIP
  }
  vma = saved  # vma = binder_alloc_get_vma(alloc)
  # list_lru_isolate(lru, item); spin_unlock(lock);
  if vma {
    zap_vma_range(vma, page_addr, PAGE_SIZE)  # zap_page_range(vma, page_addr + alloc->user_buffer_offset, PAGE_SIZE)
  }
  mmap_write_unlock(mm)
  mmput(mm)
  mutex_unlock(alloc_mutex)
  return LRU_REMOVED
}

thread user {
  munmap(m, 0x100000, pages=4)
}

thread reclaim {  # shrink_slab() -> binder_shrink_scan() -> list_lru_walk()
  binder_alloc_free_page(m, 0x101000)
}

expect ok
