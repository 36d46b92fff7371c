# GUP-fast as mainline runs it (mm/gup.c), one kernel function per func:
# a lockless walk with IRQs off (which holds off tlb_remove_table_sync_one
# and RCU table frees), reading each PMD and PTE once, taking a folio
# reference, then re-checking that the PMD and the PTE did not change and
# undoing the reference if they did. Other threads run between any two
# statements. The PUD level and devmap/hugetlb leaves are not modelled.

# mm/gup.c: get_user_pages_fast_only(start, nr_pages, gup_flags, pages):
# is_valid_gup_args(pages, NULL, &gup_flags, FOLL_GET | FOLL_FAST_ONLY),
# gup_fast_fallback(): no fallback to the mmap lock (and no might_lock_read)
func get_user_pages_fast_only(start, nr_pages, gup_flags, pages) {
  gup_flags = is_valid_gup_args(pages, false, gup_flags, FOLL_GET | FOLL_FAST_ONLY)
  if gup_flags < 0 {
    return -EINVAL
  }
  return gup_fast_fallback(current_mm(), start, nr_pages, gup_flags, pages)
}

# mm/gup.c: get_user_pages_fast(start, nr_pages, gup_flags, pages):
# is_valid_gup_args(pages, NULL, &gup_flags, FOLL_GET), gup_fast_fallback();
# each page of pages with a reference (put_page)
func get_user_pages_fast(start, nr_pages, gup_flags, pages) {
  gup_flags = is_valid_gup_args(pages, false, gup_flags, FOLL_GET)
  if gup_flags < 0 {
    return -EINVAL
  }
  return gup_fast_fallback(current_mm(), start, nr_pages, gup_flags, pages)
}

# mm/gup.c: pin_user_pages_fast(start, nr_pages, gup_flags, pages):
# is_valid_gup_args(pages, NULL, &gup_flags, FOLL_PIN), gup_fast_fallback();
# each page of pages pinned (unpin_user_page, unpin_user_pages)
func pin_user_pages_fast(start, nr_pages, gup_flags, pages) {
  gup_flags = is_valid_gup_args(pages, false, gup_flags, FOLL_PIN)
  if gup_flags < 0 {
    return -EINVAL
  }
  return gup_fast_fallback(current_mm(), start, nr_pages, gup_flags, pages)
}

# mm/gup.c: gup_fast_fallback(): the fast walk, then the pages it could not
# get under the mmap lock: __gup_longterm_locked(current->mm, start,
# nr_pages - nr_pinned, pages + nr_pinned, &locked = 0, gup_flags |
# FOLL_TOUCH | FOLL_UNLOCKABLE), which takes the lock itself
func gup_fast_fallback(mm, start, nr_pages, gup_flags, pages) {
  if WARN_ON_ONCE(gup_flags & ~(FOLL_WRITE | FOLL_LONGTERM | FOLL_FORCE | FOLL_PIN | FOLL_GET | FOLL_FAST_ONLY | FOLL_NOFAULT | FOLL_PCI_P2PDMA | FOLL_HONOR_NUMA_FAULT) != 0) {
    return -EINVAL
  }
  if gup_flags & FOLL_FAST_ONLY == 0 {
    gup_check_unlocked(mm, "gup_fast_fallback")  # might_lock_read(&current->mm->mmap_lock)
  }
  write = gup_flags & FOLL_WRITE != 0
  pin = gup_flags & FOLL_PIN != 0
  nr_pinned = gup_fast(mm, start, nr_pages, write, pin, pages)
  if nr_pinned == nr_pages || gup_flags & FOLL_FAST_ONLY != 0 {
    return nr_pinned
  }
  # Slow path: try to get the remaining pages with get_user_pages
  ret = __get_user_pages_locked(mm, start + nr_pinned * PAGE_SIZE, nr_pages - nr_pinned, gup_flags | FOLL_TOUCH | FOLL_UNLOCKABLE, false, pages, nr_pinned)
  if ret < 0 {
    # "The caller has to unpin the pages we already pinned so returning
    # -errno is not an option"
    if nr_pinned != 0 {
      return nr_pinned
    }
    return ret
  }
  return ret + nr_pinned
}

# mmscript's own form of mm/gup.c: get_user_pages_fast_only(): the mm given, write
# for FOLL_WRITE; pages (nil: none kept) receives each page with its
# reference
func mmscript_get_user_pages_fast_only(mm, start, nr_pages, write, pages) {
  return gup_fast(mm, start, nr_pages, write, false, pages)
}

# mmscript's own form of mm/gup.c: pin_user_pages_fast(): the mm given, write for
# FOLL_WRITE; each page of pages pinned
func mmscript_pin_user_pages_fast(mm, start, nr_pages, write, pages) {
  gup_flags = 0
  if write {
    gup_flags = FOLL_WRITE
  }
  gup_flags = is_valid_gup_args(pages, false, gup_flags, FOLL_PIN)
  if gup_flags < 0 {
    return -EINVAL
  }
  nr_pinned = gup_fast(mm, start, nr_pages, write, true, pages)
  if nr_pinned == nr_pages {
    return nr_pinned
  }
  # might_lock_read(&current->mm->mmap_lock) is in the fallback's lock
  ret = __get_user_pages_locked(mm, start + nr_pinned * PAGE_SIZE, nr_pages - nr_pinned, gup_flags | FOLL_TOUCH | FOLL_UNLOCKABLE, false, pages, nr_pinned)
  if ret < 0 {
    return nr_pinned
  }
  return nr_pinned + ret
}

# mm/gup.c: gup_fast(): local_irq_save(), gup_fast_pgd_range(),
# local_irq_restore(); returns the number of pages it got, stopping at the
# first it could not, each stored in pages (gup_fast_pte_range's
# pages[*nr] = page; the kernel's pages is never NULL)
func gup_fast(mm, start, nr_pages, write, pin, pages) {
  seq = 0
  if pin {
    seq = raw_read_seqcount(mm)  # raw_seqcount_try_begin(&current->mm->write_protect_seq, seq)
    if seq & 1 != 0 {
      return 0  # fork is write-protecting: the slow path waits for it on the mmap lock
    }
  }
  nr = 0
  flags = local_irq_save()
  for i in 0..nr_pages {
    page = gup_fast_pmd_range(mm, start + i * PAGE_SIZE, write, pin)
    if !page {
      break  # stop at the first page it could not get
    }
    if pages {
      page_array_set(pages, nr, page)
    } else if !pin {
      gup_put_folio(page, pin)  # mmscript's count-only FOLL_GET call (nil pages): no reference kept; a pin stays
    }
    nr = nr + 1
  }
  local_irq_restore(flags)
  # 57efa1fe5957: "When pinning pages for DMA there could be a concurrent
  # write protect from fork() via copy_page_range(), in this case always
  # fail GUP-fast."
  if pin && read_seqcount_retry(mm, seq) {
    gup_fast_unpin_user_pages(pages, nr)
    return 0
  }
  return nr
}

# mm/gup.c: gup_fast_unpin_user_pages(): undo the pins of a walk that
# raced with fork (gup_put_folio(folio, 1, FOLL_PIN) on each); the pins of
# mmscript's count-only call (nil pages) are not in an array to undo
func gup_fast_unpin_user_pages(pages, nr) {
  if pages {
    unpin_user_pages(pages, nr)
  }
}

# mm/gup.c: gup_fast_pmd_range() for one address
func gup_fast_pmd_range(mm, addr, write, pin) {
  pmd = pmdp_get_lockless(mm, addr)
  if pmd_none(pmd) {
    return nil
  }
  if pmd_leaf(pmd) {
    return gup_fast_pmd_leaf(mm, pmd, addr, write, pin)
  }
  return gup_fast_pte_range(mm, pmd, addr, write, pin)
}

# mm/gup.c: gup_fast_pte_range() for one PTE: "also check pmd here to make
# sure pmd doesn't change (corresponds to pmdp_collapse_flush() in the THP
# collapse code path)"
func gup_fast_pte_range(mm, pmd, addr, write, pin) {
  ptep = pte_offset_map(mm, addr, pmdval=pmd)  # pte_offset_map(&pmd, addr): the copy, not *pmdp
  if !ptep {
    return nil
  }
  pte = ptep_get_lockless(ptep)
  if pte < 0 || !pte_access_permitted(ptep, write) {
    pte_unmap(ptep)  # goto pte_unmap
    return nil
  }
  page = pfn_to_page(pte)  # pte_page(pte)
  if !page {
    pte_unmap(ptep)
    return nil
  }
  folio = try_grab_folio_fast(page, pin)
  if !folio {
    pte_unmap(ptep)
    return nil
  }
  if !pmd_same(pmd, pmdp_get_lockless(mm, addr)) || pte != ptep_get_lockless(ptep) {
    gup_put_folio(folio, pin)
    pte_unmap(ptep)
    return nil
  }
  pte_unmap(ptep)
  return page
}

# mm/gup.c: gup_fast_pmd_leaf() for one page of a PMD-mapped THP
func gup_fast_pmd_leaf(mm, orig, addr, write, pin) {
  pfn = pmd_pfn(orig) + addr % PMD_SIZE / PAGE_SIZE  # record_subpages()
  page = pfn_to_page(pfn)
  if !page {
    return nil
  }
  folio = try_grab_folio_fast(page, pin)
  if !folio {
    return nil
  }
  if !pmd_same(orig, pmdp_get_lockless(mm, addr)) {
    gup_put_folio(folio, pin)
    return nil
  }
  return page
}

# mmscript's own form of mm/gup.c: get_user_pages_fast(): the mm given, write for
# FOLL_WRITE; each page of pages with a reference (put_page). Without
# pages (a count-only call), the fast walk's references are dropped at
# once (the kernel's FOLL_GET without pages is is_valid_gup_args()'s
# WARN).
func mmscript_get_user_pages_fast(mm, start, nr_pages, write, pages) {
  gup_check_unlocked(mm, "get_user_pages_fast")  # might_lock_read(&current->mm->mmap_lock)
  nr_pinned = gup_fast(mm, start, nr_pages, write, false, pages)
  if nr_pinned == nr_pages {
    return nr_pinned
  }
  gup_flags = FOLL_GET | FOLL_TOUCH | FOLL_UNLOCKABLE
  if write {
    gup_flags = gup_flags | FOLL_WRITE
  }
  ret = __get_user_pages_locked(mm, start + nr_pinned * PAGE_SIZE, nr_pages - nr_pinned, gup_flags, false, pages, nr_pinned)
  if ret < 0 {
    if nr_pinned == 0 {
      return ret
    }
    return nr_pinned
  }
  return nr_pinned + ret
}
