# Q: Is the mmap write lock enough to rewrite vm_flags with
#    vm_flags_reset()?
# A: No. vm_flags_reset() does not take the VMA write lock, it asserts it
#    (vma_assert_write_locked(): VM_WARN_ON_ONCE_VMA, CONFIG_DEBUG_VM): a
#    page fault holding only the VMA read lock (lock_vma_under_rcu) reads
#    vm_flags meanwhile. Call vma_start_write() first, or use
#    vm_flags_set()/vm_flags_clear(), which take it. vm_page_prot has the
#    same row and vma_set_page_prot() checks nothing.
#    (Documentation/mm/process_addrs.rst, VMA fields; include/linux/mm.h)

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_write_lock(m)
  vm_flags_reset(v, v.vm_flags | VM_DONTCOPY)
  vm_flags_reset_once(v, v.vm_flags | VM_DONTDUMP)
  vma_set_page_prot(v)
  mmap_write_unlock(m)
}

expect violation "vma-field/vm_flags" at 16
expect violation "vma-field/vm_flags" at 17
expect violation "vma-field/vm_page_prot" at 18
