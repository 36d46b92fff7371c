# Q: My helper changes VMAs. How does it state, and check, that its
#    callers hold the mmap lock for write?
# A: With mmap_assert_write_locked(mm) on entry, as vma_start_write()
#    (__vma_start_write()), expand_downwards() and walk_page_range_debug()
#    do: rwsem_assert_held_write(&mm->mmap_lock), lockdep_assert_held_write()
#    on lockdep kernels and WARN_ON(!rwsem_is_write_locked()) on the others
#    (include/linux/mmap_lock.h, include/linux/rwsem.h). The read lock
#    does not satisfy it.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

func mark_dontdump(vma) {
  mmap_assert_write_locked(vma.vm_mm)
  vm_flags_set(vma, VM_DONTDUMP)
}

thread writer {
  mmap_write_lock(m)
  mark_dontdump(v)
  mmap_write_unlock(m)
}

expect ok
