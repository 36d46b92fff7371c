# Q: Under a PTE lock I may only trylock the anon_vma (rmap order:
#    anon_vma->rwsem -> PTE lock). What if I ignore a failed attempt?
# A: anon_vma_trylock_read() and anon_vma_trylock_write()
#    (include/linux/rmap.h) are down_read_trylock() and
#    down_write_trylock() of anon_vma->root->rwsem, which return 0 when
#    the rwsem is contended: the caller holds nothing, the anon_vma's
#    interval tree may change under it, and its unlock releases an rwsem
#    it never took. Lockdep prints "bad unlock balance detected"
#    (kernel/locking/lockdep.c: __lock_release()); without lockdep
#    up_read()/up_write() corrupt the count of the rwsem the holder
#    still holds. mm/rmap.c: folio_lock_anon_vma_read() and
#    mm/userfaultfd.c: move_pages_pte() test the result. The correct use
#    is rmap-and-reclaim/rmap_trylocks_under_pte_lock.mms.

mm m
vma anon = mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)  # anon_vma_prepare()

thread forker {  # a fork's anon_vma_fork() links the child under the write lock
  anon_vma_lock_write(anon)
  repeat 4 {
    msleep(1)  # anon_vma_clone() allocates, and may sleep
  }
  anon_vma_unlock_write(anon)
}

thread mover {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x100000)
  if pt {
    anon_vma_trylock_write(anon)  # the result is dropped
    anon_vma_unlock_write(anon)
    pte_unmap_unlock(pt)
  }
  mmap_read_unlock(m)
}

thread reclaim {
  anon_vma_trylock_read(anon)  # the result is dropped
  anon_vma_unlock_read(anon)
}

expect violation "anon_vma_trylock_write/failure-ignored" at 32 sometimes
expect violation "anon_vma_trylock_read/failure-ignored" at 40 sometimes
