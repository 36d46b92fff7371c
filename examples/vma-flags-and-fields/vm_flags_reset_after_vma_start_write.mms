# Q: How do I replace a live VMA's vm_flags (and its vm_page_prot) as
#    mprotect_fixup() does?
# A: Under the mmap write lock, write-lock the VMA first: vm_flags_reset()
#    and vm_flags_reset_once() assert it (vma_assert_write_locked(),
#    VM_WARN_ON_ONCE_VMA on CONFIG_DEBUG_VM), and vm_page_prot has the same
#    row in process_addrs.rst's table of VMA fields (mmap write + VMA write).
#    The VMA write lock keeps faults under the VMA read lock out until
#    mmap_write_unlock(). (include/linux/mm.h: vm_flags_reset();
#    mm/mprotect.c: mprotect_fixup())

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_write_lock(m)
  vma_start_write(v)
  vm_flags_reset(v, v.vm_flags | VM_DONTCOPY)
  vm_flags_reset_once(v, v.vm_flags | VM_DONTDUMP)
  vma_set_page_prot(v)
  mmap_write_unlock(m)
  assert v.vm_flags & VM_DONTCOPY != 0
}

thread reader {
  w = lock_vma_under_rcu(m, 0x100000)
  if w {
    vma_end_read(w)
  }
}

expect ok
