# Q: MADV_FREE finds a THP the range covers only in part and splits it.
#    What must the splitter hold?
# A: A reference (folio_get()) and the folio lock, and no spinlock:
#    split_folio() takes the anon_vma rwsem for write and every mapping's
#    page-table locks (mm/huge_memory.c __folio_split():
#    VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio), folio);
#    split_huge_page_to_list_to_order() "Prerequisites"). The kernel's
#    madvise_free_huge_pmd() takes the folio lock with folio_trylock()
#    under the PMD lock, drops the PMD lock, splits, then unlocks and
#    drops its reference. Another thread's touch goes on meanwhile.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
assert touch(m, 0x200000, write)  # a PMD-mapped THP
page thp = pfn_to_page(pmd_pfn(pmdp_get_lockless(m, 0x200000)))

thread splitter {  # madvise_free_huge_pmd() for [0x200000, 0x201000)
  mmap_read_lock(m)
  folio_get(thp)
  if folio_trylock(thp) {
    assert split_folio(thp) == 0
    folio_unlock(thp)
  }
  folio_put(thp)
  mmap_read_unlock(m)
}

thread user {
  touch(m, 0x200000, write)
}

expect ok
