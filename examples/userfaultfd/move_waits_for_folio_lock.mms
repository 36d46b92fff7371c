# Q: UFFDIO_MOVE meets a source folio another thread has locked (reclaim,
#    migration, a read-ahead): does it wait under the PTE locks?
# A: No: move_pages_ptes() only tries the folio lock under the source PTE
#    lock (folio_trylock()); when that fails it drops the PTE mappings,
#    sleeps in folio_lock() with none of the page-table locks held, and
#    starts over ("now we can block and wait"). A holder of the folio lock
#    that then takes the PTE lock (rmap's page_vma_mapped_walk(), as
#    folio_referenced() and try_to_unmap() do) cannot deadlock with it.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
mmap(m, 0x200000, pages=2, prot=rw, flags=private)
assert touch(m, 0x200000, write)
assert touch(m, 0x100000, write)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x102000, 0x2000, UFFDIO_REGISTER_MODE_MISSING) == 0
page_array a
mmap_read_lock(m)
assert get_user_pages_remote(m, 0x200000, 1, 0, a, nil) == 1  # a reference on the source page
mmap_read_unlock(m)
p = a[0]

thread holder {
  folio_lock(p)
  folio_referenced(p, true)  # the rmap walk: anon_vma lock, then each PTE lock
  folio_unlock(p)
  put_page(p)
}

thread monitor {
  assert userfaultfd_move(ctx, 0x102000, 0x200000, PAGE_SIZE) == 0
}

expect ok
