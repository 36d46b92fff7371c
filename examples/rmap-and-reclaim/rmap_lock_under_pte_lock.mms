# Q: May I take an rmap lock (i_mmap_rwsem, anon_vma->rwsem) while holding a
#    PTE lock, and release it in either mode?
# A: No. Both are rwsems that sleep, and the order is i_mmap_rwsem ->
#    anon_vma->rwsem -> PTE lock (mm/rmap.c lock-ordering comment): under
#    the PTE spinlock, down_read()/down_write() "sleep in atomic context"
#    (might_sleep(), CONFIG_DEBUG_ATOMIC_SLEEP), and lockdep reports the
#    inversion of the established rmap lock -> PTE lock order. Drop the
#    PTE lock, take the rmap lock, then re-take and re-check the PTE.
#    Releasing a rwsem in the mode it is not held in corrupts its count:
#    CONFIG_DEBUG_RWSEMS warns (kernel/locking/rwsem.c: __up_read()
#    DEBUG_RWSEMS_WARN_ON); lockdep matches the release by lock, not mode.

mm m
file data
vma anon = mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x300000, pages=2, prot=rw, flags=shared, file=data)
touch(m, 0x100000, write)

thread zapper {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x100000)
  anon_vma_lock_read(anon)
  anon_vma_unlock_read(anon)
  anon_vma_lock_write(anon)
  anon_vma_unlock_write(anon)
  i_mmap_lock_write(data)
  i_mmap_unlock_write(data)
  pte_unmap_unlock(pt)
  mmap_read_unlock(m)
  anon_vma_lock_write(anon)
  anon_vma_unlock_read(anon)
  anon_vma_unlock_write(anon)
  i_mmap_lock_write(data)
  i_mmap_unlock_read(data)
  i_mmap_unlock_write(data)
}

expect violation "lock/sleep-in-atomic" at 22
expect violation "lock/sleep-in-atomic" at 24
expect violation "lock/sleep-in-atomic" at 26
expect violation "lock/unlock-wrong-mode: anon_vma_unlock_read" at 31
expect violation "lock/unlock-wrong-mode: i_mmap_unlock_read" at 34
expect violation "lockdep/circular" at 22
expect violation "lockdep/circular" at 24
expect violation "lockdep/circular" at 26
