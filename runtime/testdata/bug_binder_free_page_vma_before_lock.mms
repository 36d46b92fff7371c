# binder's shrinker read alloc->vma before it took the mmap lock (fix
# 5cec2d2e5839 "binder: fix race between munmap() and direct reclaim",
# Todd Kjos, v5.1-rc3, stable 4.14+).
#
# binder_alloc_free_page(), the list_lru callback direct reclaim runs,
# took vma = binder_alloc_get_vma(alloc) first, then mmget_not_zero() and
# down_write_trylock(&mm->mmap_sem), and zapped the page with
# zap_page_range(vma, ...). munmap() of the binder mapping can run between
# the read and the lock: it detaches and frees the VMA (binder_vma_close()
# clears alloc->vma, too late for this reader), and the zap runs on a freed
# VMA: "a use-after-free in zap_page_range()". The fix reads alloc->vma
# after the trylock, when munmap can no longer be in progress.
#
# Rule: vma/use-after-unmap (the VMA pointer was taken before the lock
# that keeps the VMA), under exploration.

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

# drivers/android/binder_alloc.c (v5.0): binder_alloc_free_page()
func binder_alloc_free_page(mm, page_addr) {
  if !mutex_trylock(alloc_mutex) {
    return LRU_SKIP
  }
  vma = saved  # vma = binder_alloc_get_vma(alloc)
  locked = false
  if vma {
    if !mmget_not_zero(mm) {  # mm = alloc->vma_vm_mm
      mutex_unlock(alloc_mutex)
      return LRU_SKIP
    }
    if !mmap_write_trylock(mm) {  # down_write_trylock(&mm->mmap_sem)
      mmput(mm)
      mutex_unlock(alloc_mutex)
      return LRU_SKIP
    }
    locked = true
  }
  # list_lru_isolate(lru, item); spin_unlock(lock);
  if vma {
    zap_vma_range(vma, page_addr, PAGE_SIZE)  # zap_page_range(vma, page_addr + alloc->user_buffer_offset, PAGE_SIZE)
  }
  if locked {
    mmap_write_unlock(mm)
    mmput(mm)
  }
  mutex_unlock(alloc_mutex)
  return LRU_REMOVED
}

thread user {
  munmap(m, 0x100000, pages=4)
}

thread reclaim {  # shrink_slab() -> binder_shrink_scan() -> list_lru_walk()
  binder_alloc_free_page(m, 0x101000)
}

expect violation "vma/use-after-unmap" at 57 sometimes
