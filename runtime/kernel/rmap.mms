# Reclaim and migration through the reverse map, as mainline runs them
# (mm/rmap.c, mm/page_vma_mapped.c): under the rmap locks only (the
# anon_vma's rwsem or the file's i_mmap_rwsem, for read) and the PTE lock,
# never the mmap lock. One kernel function per func, each statement one
# step. The struct rmap_walk_control is a string naming its rmap_one
# ("try_to_unmap_one", "try_to_migrate_one", "folio_referenced_one",
# "page_mkclean_one").
# PMD-mapped THPs, hugetlb, KSM, swap and migration entries and the MMU
# notifiers are not modelled: try_to_migrate_one unmaps as
# try_to_unmap_one does. The rwc's arg is try_to_unmap's enum ttu_flags,
# an int (TTU_BATCH_FLUSH | TTU_SYNC), 0 for the walks that take none.

# mm/rmap.c: try_to_unmap(): "Context: Caller must hold the folio lock"
# (.arg = (void *)flags: try_to_unmap_one() reads TTU_BATCH_FLUSH)
func try_to_unmap(folio, flags) {
  if flags & TTU_RMAP_LOCKED != 0 {
    rmap_walk_locked(folio, "try_to_unmap_one", flags)
  } else {
    rmap_walk(folio, "try_to_unmap_one", flags)
  }
}

# mm/rmap.c: try_to_migrate(): the folio locked; installs migration
# entries where try_to_unmap clears (mmscript clears)
func try_to_migrate(folio, flags) {
  if flags & TTU_RMAP_LOCKED != 0 {
    rmap_walk_locked(folio, "try_to_migrate_one", flags)
  } else {
    rmap_walk(folio, "try_to_migrate_one", flags)
  }
}

# mm/rmap.c: folio_referenced(): reclaim's question, "was it used lately?";
# the walk only trylocks the rmap locks (rwc.try_lock) and a file folio is
# trylocked when the caller did not lock it. Returns the number of young
# mappings, 1 when the folio lock was contended, -1 when an rmap lock was.
func folio_referenced(folio, is_locked) {
  we_locked = false
  if !is_locked && !folio_anon_vma(folio) {
    we_locked = folio_trylock(folio)
    if !we_locked {
      return 1
    }
  }
  referenced = rmap_walk_try(folio, "folio_referenced_one", 0)
  if we_locked {
    folio_unlock(folio)
  }
  return referenced
}

# mm/rmap.c: rmap_walk(): rwc names the rmap_one, arg is rwc->arg
func rmap_walk(folio, rwc, arg) {
  if folio_anon_vma(folio) {
    return rmap_walk_anon(folio, rwc, arg, false, false)
  }
  return rmap_walk_file(folio, rwc, arg, false, false)
}

# mm/rmap.c: rmap_walk_locked(): the caller holds the rmap lock
func rmap_walk_locked(folio, rwc, arg) {
  if folio_anon_vma(folio) {
    return rmap_walk_anon(folio, rwc, arg, true, false)
  }
  return rmap_walk_file(folio, rwc, arg, true, false)
}

# mm/rmap.c: rmap_walk() with rwc->try_lock (folio_referenced)
func rmap_walk_try(folio, rwc, arg) {
  if folio_anon_vma(folio) {
    return rmap_walk_anon(folio, rwc, arg, false, true)
  }
  return rmap_walk_file(folio, rwc, arg, false, true)
}

# mm/rmap.c: rmap_walk_anon()
func rmap_walk_anon(folio, rwc, arg, locked, try_lock) {
  if !try_lock {
    VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio)  # VM_WARN_ON_FOLIO
  }
  if !locked {
    if !folio_lock_anon_vma_read(folio, try_lock=try_lock) {
      return -1  # rwc->contended (or no anon_vma)
    }
  }
  ret = 0
  n = anon_vma_interval_tree_count(folio)
  for i in 0..n {  # anon_vma_interval_tree_foreach(avc, &anon_vma->rb_root, ...)
    vma = anon_vma_interval_tree_nth(folio, i)
    address = vma_address(folio, vma)
    ret += rmap_one(folio, vma, address, rwc, arg)
  }
  if !locked {
    folio_anon_vma_unlock_read(folio)
  }
  return ret
}

# mm/rmap.c: rmap_walk_file(), __rmap_walk_file()
func rmap_walk_file(folio, rwc, arg, locked, try_lock) {
  if !try_lock {
    VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio)
  }
  file = folio_file(folio)  # folio->mapping
  if !file {
    return 0
  }
  if !locked {
    if try_lock {
      if !i_mmap_trylock_read(file) {
        return -1  # rwc->contended = true
      }
    } else {
      i_mmap_lock_read(file)
    }
  }
  ret = 0
  pgoff = folio_pgoff(folio)
  n = vma_interval_tree_count(file, pgoff)
  for i in 0..n {  # vma_interval_tree_foreach(vma, &mapping->i_mmap, pgoff_start, pgoff_end)
    vma = vma_interval_tree_nth(file, pgoff, i)
    address = vma_address(folio, vma)
    ret += rmap_one(folio, vma, address, rwc, arg)
  }
  if !locked {
    i_mmap_unlock_read(file)
  }
  return ret
}

# mm/rmap.c: rmap_walk_anon(), __rmap_walk_file(): the call
# rwc->rmap_one(folio, vma, address, rwc->arg)
func rmap_one(folio, vma, address, rwc, arg) {
  if address < 0 {
    return 0
  }
  if rwc == "folio_referenced_one" {
    return folio_referenced_one(folio, vma, address)
  }
  if rwc == "try_to_migrate_one" {
    return try_to_migrate_one(folio, vma, address, arg)
  }
  if rwc == "page_mkclean_one" {
    return page_mkclean_one(folio, vma, address)
  }
  return try_to_unmap_one(folio, vma, address, arg)
}

# mm/rmap.c: try_to_unmap_one() for a PTE-mapped page; flags is its arg
# (enum ttu_flags). "When racing against e.g.
# zap_pte_range() on another cpu, in between its ptep_get_and_clear_full()
# and folio_remove_rmap_*(), try_to_unmap() may return before
# page_mapped() has become false, if page table locking is skipped: use
# TTU_SYNC to wait for that."
func try_to_unmap_one(folio, vma, address, flags) {
  mm = vma.vm_mm
  pvmw_flags = ""  # DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, address, 0)
  if flags & TTU_SYNC != 0 {
    pvmw_flags = "PVMW_SYNC"
  }
  pvmw = page_vma_mapped_walk(folio, vma, address, pvmw_flags)
  if !pvmw {
    return 0
  }
  # "Nuke the page table entry."
  if should_defer_flush(mm, flags) {
    # "We clear the PTE but do not flush so potentially a remote CPU could
    # still be writing to the folio." pteval is the entry
    # ptep_get_and_clear() returns, read before the clear under the same
    # PTE lock
    pteval = pvmw.val
    page = ptep_get_and_clear(pvmw)
    set_tlb_ubc_flush_pending(mm, pteval, address)
  } else {
    # pteval = ptep_clear_flush(vma, address, pvmw.pte), which flushes
    # while the PTL is held when pte_accessible()
    page = ptep_clear_flush(vma, address, pvmw)
  }
  page_vma_mapped_walk_done(pvmw)
  if page {
    put_page(page)  # folio_put(): the mapping's reference
  }
  return 1
}

# mm/rmap.c: try_to_migrate_one(): the same walk and clear, batched
# with TTU_BATCH_FLUSH as there (the migration entry it installs is not
# modelled)
func try_to_migrate_one(folio, vma, address, flags) {
  return try_to_unmap_one(folio, vma, address, flags)
}

# mm/rmap.c: should_defer_flush(): "Returns true if the TLB flush should
# be deferred to the end of a batch of unmap operations to reduce IPIs."
func should_defer_flush(mm, flags) {
  if flags & TTU_BATCH_FLUSH == 0 {
    return false
  }
  return arch_tlbbatch_should_defer(mm)
}

# mm/page-writeback.c: folio_clear_dirty_for_io(): writeback's "clear the
# dirty flag, then write the folio out", the folio locked. Every mapping
# is write-protected and cleaned first, so that a later store faults and
# dirties the folio again (the dirty accounting of the mapping is not
# modelled). Returns whether the folio was dirty: writeback writes it.
func folio_clear_dirty_for_io(folio) {
  VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio)
  if folio_mkclean(folio) != 0 {
    folio_mark_dirty(folio)
  }
  return folio_test_clear_dirty(folio)
}

# mm/rmap.c: folio_mkclean(): write-protect and clean every PTE mapping
# the folio, through the rmap. A folio mapped nowhere is not walked: a
# zap that removed the rmap before its TLB flush is not waited for.
func folio_mkclean(folio) {
  BUG_ON(!folio_test_locked(folio))
  if !folio_mapped(folio) {
    return 0
  }
  if !folio_file(folio) {  # mapping = folio_mapping(folio); if (!mapping) return 0
    return 0
  }
  return rmap_walk(folio, "page_mkclean_one")
}

# mm/rmap.c: page_mkclean_one() -> page_vma_mkclean_one(): the walk is
# PVMW_SYNC (DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, address,
# PVMW_SYNC)), so map_pte() takes the PTE lock whatever the entry holds:
# a zap that cleared the entry and keeps the folio's rmap until its TLB
# flush (tlb_delay_rmap()) holds that lock until after the flush, and the
# walk waits for it instead of finding the entry none and returning while
# a CPU may still write through the old translation
func page_mkclean_one(folio, vma, address) {
  pvmw = page_vma_mapped_walk(folio, vma, address, "PVMW_SYNC")
  if !pvmw {
    return 0
  }
  cleaned = page_vma_mkclean_one(vma, address, pvmw)
  page_vma_mapped_walk_done(pvmw)
  return cleaned
}

# mm/rmap.c: folio_referenced_one(): DEFINE_FOLIO_VMA_WALK(pvmw, folio,
# vma, address, 0), no PVMW_SYNC: an entry found none locklessly is
# skipped without its lock
func folio_referenced_one(folio, vma, address) {
  pvmw = page_vma_mapped_walk(folio, vma, address, "")  # flags 0
  if !pvmw {
    return 0
  }
  referenced = 0
  if ptep_clear_flush_young(vma, address, pvmw) {
    referenced = 1
  }
  page_vma_mapped_walk_done(pvmw)
  return referenced
}

# mm/page_vma_mapped.c: page_vma_mapped_walk() for the PTE mapping page
# folio at address in vma: returns the PTE with its lock held (release it
# with page_vma_mapped_walk_done), or nil. flags is pvmw->flags:
# "PVMW_SYNC" or "" (0). map_pte() with PVMW_SYNC uses "the stricter lookup",
# pte_offset_map_lock(); without it the table is mapped without its lock
# (pte_offset_map_rw_nolock()) and the entry read locklessly
# (ptep_get_lockless()): one that is none (or not present) is not this
# folio's and the walk returns without ever taking the lock, even while a
# zap holding it has cleared the entry and not yet removed the folio's
# rmap; a present one is locked and the PMD re-checked (restart when
# khugepaged's retract_page_tables() removed the table meanwhile)
func page_vma_mapped_walk(folio, vma, address, flags) {
  mm = vma.vm_mm
  while true {  # restart:
    pmde = pmdp_get_lockless(mm, address)
    if pmd_none(pmde) || pmd_leaf(pmde) {
      return nil  # not found (PMD-mapped THPs are not modelled)
    }
    if flags == "PVMW_SYNC" {  # map_pte(): "Use the stricter lookup"
      pte = pte_offset_map_lock(mm, address)
      if !pte {
        return nil
      }
      if pte.present && pte.pfn == folio.pfn {  # check_pte()
        return pte
      }
      page_vma_mapped_walk_done(pte)
      return nil
    }
    pte = pte_offset_map_rw_nolock(mm, address)  # map_pte()
    if !pte {
      return nil
    }
    if ptep_get_lockless(pte) < 0 {  # pte_none(ptent), or not present
      pte_unmap(pte)  # not_found(): page_vma_mapped_walk_done() without a ptl
      return nil
    }
    spin_lock(pte.ptl)
    if pmd_same(pte.pmdval, pmdp_get_lockless(mm, address)) {
      if pte.present && pte.pfn == folio.pfn {  # check_pte()
        return pte
      }
      spin_unlock(pte.ptl)
      pte_unmap(pte)
      return nil
    }
    spin_unlock(pte.ptl)  # the table was retracted: again
    pte_unmap(pte)
  }
}

# mm/page_vma_mapped.c: page_vma_mapped_walk_done() (include/linux/rmap.h):
# pte_unmap_unlock()
func page_vma_mapped_walk_done(pvmw) {
  spin_unlock(pvmw.ptl)
  pte_unmap(pvmw)
}
