# Q: May writeback clean a page-cache folio without its lock?
# A: No: folio_clear_dirty_for_io() runs with the folio locked
#    (mm/page-writeback.c: "VM_BUG_ON_FOLIO(!folio_test_locked(folio),
#    folio)"), and its folio_mkclean() BUG()s outright without it
#    (mm/rmap.c: "BUG_ON(!folio_test_locked(folio))"): the lock keeps the
#    folio in its mapping and orders the cleaning against truncation and
#    against a write fault, which re-dirties the folio under the same lock
#    (mm/memory.c: wp_page_shared() -> fault_dirty_shared_page()).
#    Lock it, clean it, write it out, unlock it (the correct form:
#    examples/bugs/dirty-shared-zap-rmap-fixed.mms).

mm m
file f
mmap(m, 0x400000, pages=1, prot=rw, flags=shared, file=f)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

thread writeback {
  folio_clear_dirty_for_io(pg)
}

expect violation "rmap_walk/folio-not-locked" at 23
expect violation "kernel/BUG_ON" at 23
