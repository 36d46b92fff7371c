# Q: May I take an rmap lock (i_mmap_rwsem, anon_vma->rwsem) while holding a
#    PTE lock, and release it in either mode?
# A: No. Both are rwsems that sleep, and the order is i_mmap_rwsem ->
#    anon_vma->rwsem -> PTE lock (mm/rmap.c lock-ordering comment): under
#    the PTE spinlock, down_read()/down_write() "sleep in atomic context"
#    (might_sleep(), CONFIG_DEBUG_ATOMIC_SLEEP), and lockdep reports the
#    inversion of the established rmap lock -> PTE lock order. Drop the PTE lock, take the
#    rmap lock, then re-take and re-check the PTE. Releasing a rwsem in the
#    mode it is not held in is lockdep's bad unlock balance
#    (kernel/locking/lockdep.c: print_unlock_imbalance_bug()).

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

expect violation "lock/sleep-in-atomic" at 21
expect violation "lock/sleep-in-atomic" at 23
expect violation "lock/sleep-in-atomic" at 25
expect violation "lock/unlock-not-held: anon_vma_unlock_read" at 30
expect violation "lock/unlock-not-held: i_mmap_unlock_read" at 33
expect violation "lockdep/circular" at 21
expect violation "lockdep/circular" at 23
expect violation "lockdep/circular" at 25
