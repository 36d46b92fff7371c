# Q: Which VMA flag may be set without the mmap write lock?
# A: Only the bits of VM_ATOMIC_SET_ALLOWED (VM_MAYBE_GUARD), with
#    vma_set_atomic_flag(): a set_bit() under the mmap read lock or the
#    VMA's own lock, as MADV_GUARD_INSTALL does under the VMA read lock
#    (include/linux/mm.h: vma_set_atomic_flag() -> vma_assert_stabilised()).

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread mmap_reader {
  mmap_read_lock(m)
  vma_set_atomic_flag(v, maybe_guard)
  mmap_read_unlock(m)
}

thread vma_reader {
  w = lock_vma_under_rcu(m, 0x100000)
  if w {
    vma_set_atomic_flag(w, maybe_guard)
    vma_end_read(w)
  }
}

expect ok
