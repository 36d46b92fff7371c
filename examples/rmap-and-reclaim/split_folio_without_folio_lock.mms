# Q: May a path split a large folio it holds a reference to, without its
#    lock?
# A: No: split_folio() wants the folio locked (mm/huge_memory.c
#    __folio_split(): VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio),
#    folio), CONFIG_DEBUG_VM only), so that no other splitter, migration
#    or truncation works on the folio while it is unmapped and cut up.
#    split_folio_locked.mms is the right sequence.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
assert touch(m, 0x200000, write)  # a PMD-mapped THP
page thp = pfn_to_page(pmd_pfn(pmdp_get_lockless(m, 0x200000)))

thread splitter {
  mmap_read_lock(m)
  folio_get(thp)
  split_folio(thp)  # no folio_lock()
  folio_put(thp)
  mmap_read_unlock(m)
}

expect violation "split_folio/not-locked: split_folio of" at 17
