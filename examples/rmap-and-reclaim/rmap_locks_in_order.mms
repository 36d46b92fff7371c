# Q: Which locks does an rmap walk take, and in which order with the folio
#    lock and the PTE lock?
# A: The order is folio lock -> i_mmap_rwsem -> anon_vma->rwsem -> PTE lock
#    (mm/rmap.c, the lock-ordering comment at the top). rmap_walk_file()
#    takes i_mmap_lock_read() and rmap_walk_anon() anon_vma_lock_read() with
#    the folio locked; take_rmap_locks() (mm/mremap.c) takes the write sides
#    in the same order. Under a PTE lock only folio_trylock() is allowed:
#    folio_lock() sleeps. vma->anon_vma is set up by anon_vma_prepare()
#    under the mmap lock (mm/rmap.c: __anon_vma_prepare(),
#    mmap_assert_locked()).

mm m
file data
vma anon = mmap(m, 0x100000, pages=2, prot=rw)
mmap(m, 0x300000, pages=2, prot=rw, flags=shared, file=data)
page p = alloc_page()

thread setup {
  mmap_read_lock(m)
  anon_vma_prepare(anon)
  mmap_read_unlock(m)
}

thread reclaim {
  folio_lock(p)
  i_mmap_lock_read(data)
  i_mmap_unlock_read(data)
  if anon.anon_vma {
    anon_vma_lock_read(anon)
    anon_vma_unlock_read(anon)
  }
  folio_unlock(p)
}

thread mover {
  i_mmap_lock_write(data)
  if anon.anon_vma {
    anon_vma_lock_write(anon)
    anon_vma_unlock_write(anon)
  }
  i_mmap_unlock_write(data)
}

thread zapper {
  assert touch(m, 0x100000, write)
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x100000)
  if pt {
    if folio_trylock(p) {
      folio_unlock(p)
    }
    pte_unmap_unlock(pt)
  }
  mmap_read_unlock(m)
}

expect ok
