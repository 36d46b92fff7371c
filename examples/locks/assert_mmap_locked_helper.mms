# Q: My helper walks the VMAs of an mm. How does it state, and check, that
#    its callers hold the mmap lock?
# A: With mmap_assert_locked(mm) on entry, as find_vma(),
#    __get_user_pages_locked() and __anon_vma_prepare() do: it is
#    rwsem_assert_held(&mm->mmap_lock), lockdep_assert_held() on lockdep
#    kernels and WARN_ON(!rwsem_is_locked()) on the others
#    (include/linux/mmap_lock.h). Either mode of the lock satisfies it.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

func count_vmas(mm) {
  mmap_assert_locked(mm)
  return mm.map_count
}

thread reader {
  mmap_read_lock(m)
  assert count_vmas(m) == 1
  mmap_read_unlock(m)
}

thread writer {
  mmap_write_lock(m)
  assert count_vmas(m) == 1
  mmap_write_unlock(m)
}

expect ok
