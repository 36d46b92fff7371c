# Q: After folio_walk_start(&fw, vma, addr, 0) may I folio_lock() the
#    folio before folio_walk_end()?
# A: No: fw.ptl is a spinlock held from folio_walk_start() to
#    folio_walk_end(), and folio_lock() sleeps. Take a reference
#    (folio_get()), end the walk, then lock the folio, as KSM's
#    get_mergeable_page() and its callers do (mm/pagewalk.c:
#    folio_walk_start(); include/linux/pagewalk.h: folio_walk_end();
#    mm/filemap.c: folio_lock() -> might_sleep()).

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)

thread t {
  folio_walk fw
  mmap_read_lock(m)
  folio = folio_walk_start(&fw, v, 0x100000, 0)
  if folio {
    folio_lock(folio)  # sleeps under fw.ptl
    folio_unlock(folio)
    folio_walk_end(&fw, v)
  }
  mmap_read_unlock(m)
}

expect violation "lock/sleep-in-atomic" at 19
