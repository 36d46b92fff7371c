# Q: What if binder_alloc_free_page() (drivers/android/binder_alloc.c)
#    zapped the page before dropping the LRU spinlock list_lru_walk() holds?
# A: zap_page_range_single() sleeps (tlb_gather_mmu(), mmu notifiers, the
#    PTE lock's might_sleep() paths), and the spinlock makes the context
#    atomic: "BUG: sleeping function called from invalid context" with
#    CONFIG_DEBUG_ATOMIC_SLEEP, a scheduling-while-atomic splat when it does
#    sleep. The driver drops lru->lock first (list_lru_isolate();
#    spin_unlock(&lru->lock)): binder_alloc_free_page.mms.

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

thread shrinker {
  spin_lock(lru_lock)
  if mmget_not_zero(m) {
    if mmap_read_trylock(m) {
      vma = vma_lookup(m, 0x100000)
      if vma {
        zap_page_range_single(vma, 0x100000, PAGE_SIZE, NULL)
      }
      mmap_read_unlock(m)
    }
    mmput_async(m)
  }
  spin_unlock(lru_lock)
}

expect violation "lock/sleep-in-atomic" at 31
