# madvise(2) as mm/madvise.c runs it (linux-mm 2026), one kernel function
# per func, each statement one step of the C source. The lock depends on
# the behaviour (get_lock_mode()); the loop of madvise_walk_vmas() is
# madvise_walk_from(), one VMA per call. The behaviour's own work on one
# VMA is the step madvise_vma_behavior (`mmscript explain
# madvise_vma_behavior`). MADV_HWPOISON / SOFT_OFFLINE (no lock) and
# process_madvise on another mm are not modelled.

# mm/madvise.c: SYSCALL_DEFINE3(madvise) -> do_madvise(current->mm, ...)
func madvise(mm, start, len_in, behavior) {
  return do_madvise(mm, start, len_in, behavior)
}

# mm/madvise.c: get_lock_mode(): any behaviour which results in changes to
# the vma->vm_flags needs to take mmap_lock for writing
func get_lock_mode(behavior) {
  if behavior == MADV_REMOVE || behavior == MADV_WILLNEED || behavior == MADV_COLD || behavior == MADV_PAGEOUT {
    return MADVISE_MMAP_READ_LOCK
  }
  if behavior == MADV_POPULATE_READ || behavior == MADV_POPULATE_WRITE || behavior == MADV_COLLAPSE {
    return MADVISE_MMAP_READ_LOCK
  }
  if behavior == MADV_GUARD_INSTALL || behavior == MADV_GUARD_REMOVE {
    return MADVISE_VMA_READ_LOCK
  }
  if behavior == MADV_DONTNEED || behavior == MADV_DONTNEED_LOCKED || behavior == MADV_FREE {
    return MADVISE_VMA_READ_LOCK
  }
  return MADVISE_MMAP_WRITE_LOCK
}

# mm/madvise.c: madvise_lock(): returns the lock mode
func madvise_lock(mm, behavior) {
  lock_mode = get_lock_mode(behavior)
  if lock_mode == MADVISE_MMAP_WRITE_LOCK {
    if mmap_write_lock_killable(mm) != 0 {
      return -EINTR
    }
  } else if lock_mode == MADVISE_MMAP_READ_LOCK {
    mmap_read_lock(mm)
  }
  # MADVISE_VMA_READ_LOCK: we will acquire the lock per-VMA in madvise_walk_vmas()
  return lock_mode
}

# mm/madvise.c: madvise_unlock()
func madvise_unlock(mm, lock_mode) {
  if lock_mode == MADVISE_MMAP_WRITE_LOCK {
    mmap_write_unlock(mm)
  } else if lock_mode == MADVISE_MMAP_READ_LOCK {
    mmap_read_unlock(mm)
  }
}

# mm/madvise.c: madvise_batch_tlb_flush()
func madvise_batch_tlb_flush(behavior) {
  return behavior == MADV_DONTNEED || behavior == MADV_DONTNEED_LOCKED || behavior == MADV_FREE
}

# mm/madvise.c: is_vma_lock_sufficient(): the range must span only this
# VMA; anon_vma_prepare() needs the mmap lock (userfaultfd and remote mms
# are not modelled)
func is_vma_lock_sufficient(vma, end, behavior) {
  if end > vma.vm_end {
    return false
  }
  if vma_is_anonymous(vma) && behavior == MADV_GUARD_INSTALL && !vma.anon_vma {
    return false  # prepares_anon_vma()
  }
  return true
}

# mm/madvise.c: try_vma_read_lock(): the VMA read-locked, or nil with the
# mmap read lock taken instead
func try_vma_read_lock(mm, start, end, behavior) {
  vma = lock_vma_under_rcu(mm, start)
  if !vma {
    mmap_read_lock(mm)  # take_mmap_read_lock:
    return nil
  }
  if !is_vma_lock_sufficient(vma, end, behavior) {
    vma_end_read(vma)
    mmap_read_lock(mm)  # take_mmap_read_lock:
    return nil
  }
  return vma
}

# mm/madvise.c: do_madvise(), with madvise_do_behavior() and the VMA-lock
# fast path at the top of madvise_walk_vmas()
func do_madvise(mm, start, len_in, behavior) {
  if !madvise_behavior_valid(behavior) {
    return -EINVAL
  }
  # check_input_range()
  if start % PAGE_SIZE != 0 {
    return -EINVAL
  }
  len = (len_in + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE  # PAGE_ALIGN(len_in)
  end = start + len
  if len_in != 0 && len == 0 || end < start {
    return -EINVAL
  }
  if len_in == 0 {
    return 0
  }
  lock_mode = madvise_lock(mm, behavior)
  tlb = nil
  if madvise_batch_tlb_flush(behavior) {
    tlb = tlb_gather_mmu(mm)  # madvise_init_tlb()
  }
  if lock_mode == MADVISE_VMA_READ_LOCK {
    vma = try_vma_read_lock(mm, start, end, behavior)
    if vma {
      if behavior == MADV_FREE {  # madvise_vma_behavior(): case MADV_FREE
        error = madvise_dontneed_free(mm, tlb, vma, start, end, behavior)
      } else {
        error = madvise_vma_behavior(mm, tlb, vma, vma, start, end, behavior)
      }
      vma_end_read(vma)
      if tlb {
        tlb_finish_mmu(tlb)  # madvise_finish_tlb()
      }
      return error
    }
    lock_mode = MADVISE_MMAP_READ_LOCK
  }
  if behavior == MADV_POPULATE_READ || behavior == MADV_POPULATE_WRITE {
    error = madvise_populate(mm, start, end, behavior)
  } else {
    error = madvise_walk_vmas(mm, tlb, start, end, behavior)
  }
  if tlb {
    tlb_finish_mmu(tlb)  # madvise_finish_tlb()
  }
  madvise_unlock(mm, lock_mode)
  return error
}

# mm/madvise.c: madvise_walk_vmas(), under the mmap lock
func madvise_walk_vmas(mm, tlb, start, end, behavior) {
  vma = find_vma(mm, start)  # find_vma_prev(mm, range->start, &prev)
  prev = nil
  if vma {
    prev = vma_prev(mm, vma)
    if start > vma.vm_start {
      prev = vma
    }
  }
  return madvise_walk_from(mm, tlb, vma, prev, start, end, behavior, 0)
}

# mm/madvise.c: madvise_walk_vmas(): one turn of its for (;;) loop
func madvise_walk_from(mm, tlb, vma, prev, start, last_end, behavior, unmapped_error) {
  if !vma {
    return -ENOMEM  # Still start < end.
  }
  if start < vma.vm_start {
    # a gap between VMAs: -ENOMEM at the end, but carry on
    unmapped_error = -ENOMEM
    start = vma.vm_start
    if start >= last_end {
      return unmapped_error
    }
  }
  end = vma.vm_end
  if last_end < end {
    end = last_end
  }
  if behavior == MADV_FREE {  # madvise_vma_behavior(): case MADV_FREE
    error = madvise_dontneed_free(mm, tlb, vma, start, end, behavior)
  } else if behavior == MADV_COLD {  # case MADV_COLD
    error = madvise_cold(mm, vma, start, end)
  } else if behavior == MADV_PAGEOUT {  # case MADV_PAGEOUT
    error = madvise_pageout(mm, vma, start, end)
  } else if behavior == MADV_REMOVE {  # case MADV_REMOVE: the mmap lock is dropped and retaken
    error = madvise_remove(mm, vma, start, end)
  } else {
    error = madvise_vma_behavior(mm, tlb, vma, prev, start, end, behavior)
  }
  if error != 0 {
    return error
  }
  vma = find_vma(mm, start)  # madv_behavior->vma: the VMA now covering start
  prev = vma
  if vma && end < vma.vm_end {
    end = vma.vm_end
  }
  if end >= last_end {
    return unmapped_error
  }
  return madvise_walk_from(mm, tlb, find_vma(mm, end), prev, end, last_end, behavior, unmapped_error)
}

# mm/madvise.c: madvise_dontneed_free() for MADV_FREE (madvise_vma_behavior()
# runs the other behaviours as the step madvise_vma_behavior):
# madvise_dontneed_free_valid_vma(), then madvise_free_single_vma()
# (userfaultfd_remove() is not modelled)
func madvise_dontneed_free(mm, tlb, vma, start, end, behavior) {
  if vma.vm_flags & (VM_PFNMAP | VM_LOCKED) != 0 {
    return -EINVAL  # !madvise_dontneed_free_valid_vma()
  }
  if start == end {
    return 0
  }
  return madvise_free_single_vma(mm, tlb, vma, start, end)
}

# mm/madvise.c: madvise_free_single_vma(): the walk of [start, end)
# (walk_page_range_vma() with madvise_free_pte_range() as pmd_entry) inside
# one MMU_NOTIFY_CLEAR invalidation; the entries it cleans go into the
# madvise mmu_gather (do_madvise()'s madvise_init_tlb()), flushed by
# tlb_finish_mmu() after the PTE locks dropped. lru_add_drain() and
# update_hiwater_rss() change nothing mmscript shows
func madvise_free_single_vma(mm, tlb, vma, start, end) {
  # MADV_FREE works for only anon vma at the moment
  if !vma_is_anonymous(vma) {
    return -EINVAL
  }
  range = mmu_notifier_range_init(clear, 0, mm, start, end)
  mmu_notifier_invalidate_range_start(range)
  addr = start
  while addr < end {  # walk_pmd_range(): one PMD entry at a time
    next = min((addr + PMD_SIZE) / PMD_SIZE * PMD_SIZE, end)  # pmd_addr_end(addr, end)
    madvise_free_pte_range(tlb, vma, addr, next)
    addr = next
  }
  mmu_notifier_invalidate_range_end(range)
  return 0
}

# mm/madvise.c: madvise_free_pte_range(), for one PMD entry: a huge PMD
# in madvise_free_huge_pmd(), else the PTE table's entries under its
# lock. flush_tlb_batched_pending() first (3ea277194daa, v4.12): reclaim
# may have cleared an entry here with its flush batched (try_to_unmap_one()
# with TTU_BATCH_FLUSH); the loop finds it none, cleans and gathers
# nothing for it, and madvise() would return with a CPU still translating
# it. A large folio the range maps only in part is split with the PTE
# lock dropped, so the lock is taken again and the batched flush done
# again (383c4613c67c, v6.16) before the loop goes on
func madvise_free_pte_range(tlb, vma, addr, end) {
  mm = vma.vm_mm
  if pmd_trans_huge(pmdp_get_lockless(mm, addr)) {
    if madvise_free_huge_pmd(tlb, vma, addr, end) {
      return 0
    }
  }
  pte = pte_offset_map_lock(mm, addr)
  if !pte {
    return 0
  }
  flush_tlb_batched_pending(mm)
  while true {
    # the for loop over the table's entries from addr, up to a large
    # folio mapped in part (nr < folio_nr_pages(folio)): tlb.addr is
    # where it stopped, and no folio when it reached end
    folio = clear_young_dirty_ptes(tlb, vma, pte, end, addr=addr)
    addr = tlb.addr
    if !folio {
      break
    }
    nr = madvise_folio_pte_batch(addr, end, folio, pte)
    if folio_maybe_mapped_shared(folio) || !folio_trylock(folio) {
      addr += nr * PAGE_SIZE  # continue
      continue
    }
    folio_get(folio)
    pte_unmap_unlock(pte)
    err = split_folio(folio)
    folio_unlock(folio)
    folio_put(folio)
    pte = pte_offset_map_lock(mm, addr)
    if !pte {
      return 0  # break, start_pte NULL: nothing to unlock
    }
    flush_tlb_batched_pending(mm)
    if err != 0 {
      addr += nr * PAGE_SIZE  # if (!err) nr = 0: the split folio's entries next
    }
  }
  pte_unmap_unlock(pte)
  cond_resched()
  return 0
}

# mm/huge_memory.c: madvise_free_huge_pmd() (linux-mm 2026): true when it
# did MADV_FREE on the entire huge PMD. A huge zero PMD, a folio another
# mm maps, or one locked elsewhere is left (false: madvise_free_pte_range()
# then finds no PTE table). A range covering the PMD only in part splits
# the folio with the PMD lock dropped, and false leaves its pages to
# madvise_free_pte_range()'s walk of the PTE table the split installed,
# under the PTE lock, after flush_tlb_batched_pending()
func madvise_free_huge_pmd(tlb, vma, addr, next) {
  ptl = pmd_trans_huge_lock(vma, addr)
  if !ptl {
    return false  # out_unlocked
  }
  orig_pmd = pmdp_get(vma.vm_mm, addr)
  folio = vm_normal_folio_pmd(vma, addr, orig_pmd)  # pmd_folio(); nil: is_huge_zero_pmd(), !pmd_present()
  if !folio {
    spin_unlock(ptl)  # out:
    return false
  }
  # If other processes are mapping this folio, we couldn't discard the
  # folio unless they all do MADV_FREE so let's skip the folio.
  if folio_maybe_mapped_shared(folio) || !folio_trylock(folio) {
    spin_unlock(ptl)  # out:
    return false
  }
  # If user want to discard part-pages of THP, split it so MADV_FREE will
  # deactivate only them.
  if next - addr != PMD_SIZE {
    folio_get(folio)
    spin_unlock(ptl)
    split_folio(folio)
    folio_unlock(folio)
    folio_put(folio)
    return false  # goto out_unlocked
  }
  # folio_clear_dirty(); the entry made old and clean (pmdp_invalidate(),
  # set_pmd_at()), tlb_remove_pmd_tlb_entry(); folio_mark_lazyfree()
  madvise_free_huge_pmd_locked(tlb, vma, addr)
  folio_unlock(folio)
  spin_unlock(ptl)  # out:
  return true
}

# mm/madvise.c: madvise_cold() (madvise_vma_behavior()'s case MADV_COLD,
# under the mmap read lock: get_lock_mode()): an mmu_gather of its own
# around the walk. lru_add_drain() changes nothing mmscript shows
func madvise_cold(mm, vma, start, end) {
  if vma.vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB) != 0 {
    return -EINVAL  # !can_madv_lru_vma()
  }
  tlb = tlb_gather_mmu(mm)
  madvise_cold_page_range(tlb, vma, start, end, false)
  tlb_finish_mmu(tlb)
  return 0
}

# mm/madvise.c: madvise_pageout() (case MADV_PAGEOUT, under the mmap read
# lock). A file mapping the caller could not open for writing
# (can_do_file_pageout(): file_owner_or_capable(), file_permission()) is
# taken as one it could
func madvise_pageout(mm, vma, start, end) {
  if vma.vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB) != 0 {
    return -EINVAL  # !can_madv_lru_vma()
  }
  tlb = tlb_gather_mmu(mm)
  madvise_cold_page_range(tlb, vma, start, end, true)  # madvise_pageout_page_range()
  tlb_finish_mmu(tlb)
  return 0
}

# mm/madvise.c: madvise_cold_page_range(), madvise_pageout_page_range():
# walk_page_range_vma() with cold_walk_ops (PGWALK_RDLOCK), one PMD entry
# at a time, each in madvise_cold_or_pageout_pte_range()
func madvise_cold_page_range(tlb, vma, start, end, pageout) {
  addr = start
  while addr < end {  # walk_pmd_range()
    next = min((addr + PMD_SIZE) / PMD_SIZE * PMD_SIZE, end)  # pmd_addr_end(addr, end)
    madvise_cold_or_pageout_pte_range(tlb, vma, addr, next, pageout)
    addr = next
  }
}

# mm/madvise.c: madvise_cold_or_pageout_pte_range(), for one PMD entry: a
# huge PMD under its lock: a folio another mm maps is left (goto
# huge_unlock), one covered in part is split with the lock dropped and
# its PTEs walked (goto regular_folio), a whole one made old (MADV_COLD)
# or isolated for reclaim; else the PTE table's entries under its lock,
# after flush_tlb_batched_pending(): MADV_COLD had it from its start
# (9c276cc65a58, v5.4, after madvise_free_pte_range()'s 3ea277194daa):
# reclaim may have cleared an entry here with its flush batched, and the
# loop would find it none and gather nothing for it. MADV_COLD makes the
# young entries old (clear_young_dirty_ptes(CYDP_CLEAR_YOUNG)); MADV_PAGEOUT
# changes no entry here: it isolates the folios and reclaims them once
# the lock is dropped (reclaim_pages()). A large folio mapped in part is
# split with the PTE lock dropped, which is taken again, with the batched
# flush (383c4613c67c, v6.16). pageout_anon_only_filter is false: a file
# mapping is taken as one the caller could open for writing
func madvise_cold_or_pageout_pte_range(tlb, vma, addr, end, pageout) {
  mm = vma.vm_mm
  if pmd_trans_huge(pmdp_get_lockless(mm, addr)) {
    ptl = pmd_trans_huge_lock(vma, addr)
    if !ptl {
      return 0
    }
    orig_pmd = pmdp_get(mm, addr)
    folio = vm_normal_folio_pmd(vma, addr, orig_pmd)  # nil: !pmd_present(), the huge zero page
    # Do not interfere with other mappings of this folio
    if !folio || folio_maybe_mapped_shared(folio) {
      spin_unlock(ptl)  # huge_unlock: reclaim_pages() of an empty list
      return 0
    }
    if end - addr != PMD_SIZE {
      folio_get(folio)
      spin_unlock(ptl)
      folio_lock(folio)
      err = split_folio(folio)
      folio_unlock(folio)
      folio_put(folio)
      if err != 0 {
        return 0
      }
      # goto regular_folio: the split folio's PTEs walked below
    } else {
      madvise_cold_huge_pmd_locked(tlb, vma, addr, pageout)
      spin_unlock(ptl)  # huge_unlock:
      if pageout {
        reclaim_pages(vma, addr, end)
      }
      return 0
    }
  }
  start = addr
  pte = pte_offset_map_lock(mm, addr)
  if !pte {
    return 0
  }
  flush_tlb_batched_pending(mm)
  cydp_flags = CYDP_CLEAR_YOUNG  # if (!pageout && pte_young(ptent))
  if pageout {
    cydp_flags = 0
  }
  locked = true
  while true {
    # the for loop over the table's entries from addr, up to a large
    # folio mapped in part: tlb.addr is where it stopped
    folio = clear_young_dirty_ptes(tlb, vma, pte, end, cydp_flags, addr=addr)
    addr = tlb.addr
    if !folio {
      break
    }
    nr = madvise_folio_pte_batch(addr, end, folio, pte)
    if folio_maybe_mapped_shared(folio) || !folio_trylock(folio) {
      addr += nr * PAGE_SIZE  # continue
      continue
    }
    folio_get(folio)
    pte_unmap_unlock(pte)
    err = split_folio(folio)
    folio_unlock(folio)
    folio_put(folio)
    pte = pte_offset_map_lock(mm, addr)
    if !pte {
      locked = false  # break, start_pte NULL
      break
    }
    flush_tlb_batched_pending(mm)
    if err != 0 {
      addr += nr * PAGE_SIZE  # if (!err) nr = 0
    }
  }
  if locked {
    pte_unmap_unlock(pte)
  }
  if pageout {
    reclaim_pages(vma, start, addr)
  }
  cond_resched()
  return 0
}

# mm/madvise.c: madvise_remove(): "Application wants to free up the pages
# and associated backing store. This is effectively punching a hole into
# the middle of a file." The hole is punched with the mmap lock dropped
# (mark_mmap_lock_dropped()): "Filesystem's fallocate may need to take
# i_rwsem", which is ordered above the mmap lock; the VMA may go meanwhile,
# so the walk looks it up again (userfaultfd_remove() is not modelled)
func madvise_remove(mm, vma, start, end) {
  if vma.vm_flags & VM_LOCKED != 0 {
    return -EINVAL
  }
  f = vma.vm_file
  if !f {
    return -EINVAL
  }
  if vma.vm_flags & (VM_SHARED | VM_MAYWRITE) != VM_SHARED | VM_MAYWRITE {  # !vma_is_shared_maywrite(vma)
    return -EACCES
  }
  offset = start - vma.vm_start + vma.vm_pgoff * PAGE_SIZE
  # get_file(f): the file stays when the VMA goes
  mmap_read_unlock(mm)
  error = vfs_fallocate(f, offset, end - start)  # FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
  mmap_read_lock(mm)
  return error
}

# fs/open.c: vfs_fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
# offset, len) -> file->f_op->fallocate, as mm/shmem.c: shmem_fallocate()
# punches a hole (a disk file system's takes mapping->invalidate_lock too,
# which is not modelled): the mappings zapped, then the page cache emptied,
# under the inode lock
func vfs_fallocate(file, offset, len) {
  inode_lock(file)
  unmap_mapping_range(file, offset, len)  # unmap_mapping_range(mapping, unmap_start, 1 + unmap_end - unmap_start, 0)
  shmem_truncate_range(file, offset, offset + len - 1)
  inode_unlock(file)
  return 0
}
