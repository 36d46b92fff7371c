# Q: KSM's get_mergeable_page() declares a struct folio_walk and passes
#    &fw: can a script write it as the kernel does?
# A: Yes: `folio_walk fw` is the kernel's struct folio_walk;
#    folio_walk_start(&fw, vma, addr, 0) returns the folio with fw.ptl (the
#    PTE table's lock, or the PMD lock of a THP) held and fw.page, fw.level,
#    fw.ptep filled; folio_walk_end(&fw, vma) unlocks fw.ptl and, at
#    FW_LEVEL_PTE, unmaps the table. The page outlives the walk only with
#    the reference taken before folio_walk_end() (mm/ksm.c:
#    get_mergeable_page(); mm/pagewalk.c: folio_walk_start();
#    include/linux/pagewalk.h: folio_walk_end()).

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)

# mm/ksm.c: get_mergeable_page() (v6.12 on), find_mergeable_vma() as
# vma_lookup(); folio_is_zone_device() and folio_test_anon() always hold
# for the anonymous page here
func get_mergeable_page(mm, addr) {
  folio_walk fw
  page = NULL
  mmap_read_lock(mm)
  vma = vma_lookup(mm, addr)
  if vma {
    folio = folio_walk_start(&fw, vma, addr, 0)
    if folio {
      folio_get(folio)
      page = fw.page
      folio_walk_end(&fw, vma)
    }
  }
  mmap_read_unlock(mm)
  return page
}

thread ksmd {
  page = get_mergeable_page(m, 0x100000)
  assert page
  put_page(page)
  assert !get_mergeable_page(m, 0x101000)  # nothing mapped
}

expect ok
