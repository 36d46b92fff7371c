# Q: I hold a PTE lock and need an rmap lock: may I try it without dropping
#    the PTE lock?
# A: Only with a trylock. The order is i_mmap_rwsem -> anon_vma->rwsem ->
#    PTE lock (mm/rmap.c), and the blocking rmap locks sleep; the trylocks
#    (include/linux/rmap.h: anon_vma_trylock_write() ->
#    down_write_trylock(); include/linux/fs.h: i_mmap_trylock_write())
#    never wait, so lockdep checks neither order nor recursion for them.
#    When one fails, drop the PTE lock, take the rmap lock blocking, and
#    re-take and re-check the PTE, as UFFDIO_MOVE does (mm/userfaultfd.c:
#    move_pages_pte()).

mm m
file data
vma anon = mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x300000, pages=2, prot=rw, flags=shared, file=data)

thread mover {
  assert touch(m, 0x100000, write)
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x100000)
  if pt {
    if anon_vma_trylock_write(anon) {
      anon_vma_unlock_write(anon)
    } else {
      pte_unmap_unlock(pt)
      anon_vma_lock_write(anon)
      pt = pte_offset_map_lock(m, 0x100000)
      anon_vma_unlock_write(anon)
    }
    if pt {
      pte_unmap_unlock(pt)
    }
  }
  mmap_read_unlock(m)
}

thread reclaim {
  if anon.anon_vma {
    if anon_vma_trylock_read(anon) {
      anon_vma_unlock_read(anon)
    }
  }
  if i_mmap_trylock_write(data) {
    i_mmap_unlock_write(data)
  }
  if i_mmap_trylock_read(data) {  # mm/rmap.c: __rmap_walk_file() with rwc->try_lock
    i_mmap_unlock_read(data)
  }
}

expect ok
