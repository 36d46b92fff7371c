# Q: How do I look at the folio mapped at one address without GUP, and what
#    must I hold while I do?
# A: folio_walk_start() walks the page tables to the entry for the address
#    and returns its folio with that table's lock held until folio_walk_end().
#    It asserts the mmap lock (mmap_assert_locked(), read is enough); the
#    2026 kernel also takes the VMA read lock instead when the caller passes
#    FW_VMA_LOCKED (vma_assert_locked()). Keep the folio past folio_walk_end()
#    only with a reference taken before it: the kernel-doc allows short-term
#    references only (mm/pagewalk.c: folio_walk_start()).

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)

thread ksm {
  mmap_read_lock(m)
  page p = folio_walk_start(v, 0x100000)
  if p {
    get_page(p)
    folio_walk_end(v, 0x100000)
  }
  mmap_read_unlock(m)
  if p {
    put_page(p)
  }
}

thread vma_locked {
  vma locked = lock_vma_under_rcu(m, 0x100000)
  if locked {
    page q = folio_walk_start(locked, 0x100000, FW_VMA_LOCKED)
    if q {
      folio_walk_end(locked, 0x100000)
    }
    vma_end_read(locked)
  }
}

expect ok
