# mremap(2) as mm/mremap.c runs it (6.17+, with remap_move()), one kernel
# function per func, each statement one step (other threads run between
# any two). The unmaps of the preparation (mremap_to()'s do_munmap() of a
# MREMAP_FIXED target, shrink_vma()'s do_vmi_munmap()) are the munmap
# path's (kernel/munmap.mms): each split asks ->may_split, opens the new
# piece, and write-locks the VMAs it changes. `mmscript explain
# move_ptes` shows a step's entry.

# mm/mremap.c: SYSCALL_DEFINE5(mremap) -> do_mremap()
func mremap(mm, addr, old_len, new_len, flags, new_addr) {
  vrm = vrm_init(mm, addr, old_len, new_len, flags=flags, new_addr=new_addr)  # PAGE_ALIGN() both lengths
  res = check_mremap_params(vrm)
  if res != 0 {
    return res
  }
  if mmap_write_lock_killable(mm) != 0 {
    return -EINTR
  }
  vrm.mmap_locked = true
  if vrm_move_only(vrm) {
    res = remap_move(vrm)
  } else {
    vrm.vma = vma_lookup(mm, vrm.addr)
    res = check_prep_vma(vrm)
    if res == 0 {
      # Actually execute mremap.
      if vrm_implies_new_addr(vrm) {
        res = mremap_to(vrm)
      } else {
        res = mremap_at(vrm)
      }
    }
  }
  if vrm.mmap_locked {
    mmap_write_unlock(mm)
  }
  return res
}

# mm/mremap.c: vrm_move_only(): a MREMAP_FIXED move of the same length,
# which may span several VMAs
func vrm_move_only(vrm) {
  return (vrm.flags & MREMAP_FIXED) != 0 && vrm.old_len == vrm.new_len
}

# mm/mremap.c: vrm_implies_new_addr()
func vrm_implies_new_addr(vrm) {
  return (vrm.flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) != 0
}

# mm/mremap.c: remap_move(): each VMA of [addr, addr + old_len) moves,
# the gaps between them kept (vma_multi_allowed() holds for every VMA
# mmscript maps: no userfaultfd, no custom get_unmapped_area)
func remap_move(vrm) {
  mm = vrm.mm
  start = vrm.addr
  end = vrm.addr + vrm.old_len
  target_addr = vrm.new_addr
  res = -EFAULT
  last_end = 0
  seen_vma = false
  for vma in vmas(mm, start, end) {
    # Account for start, end not aligned with VMA start, end.
    addr = max(vma.vm_start, start)
    len = min(end, vma.vm_end) - addr
    # No gap permitted at the start of the range.
    if !seen_vma && start < vma.vm_start {
      return -EFAULT
    }
    offset = 0
    if seen_vma {
      offset = vma.vm_start - last_end
    }
    last_end = vma.vm_end
    vrm.vma = vma
    vrm.addr = addr
    vrm.new_addr = target_addr + offset
    vrm.old_len = len
    vrm.new_len = len
    res_vma = check_prep_vma(vrm)
    if res_vma == 0 {
      res_vma = mremap_to(vrm)
    }
    if res_vma < 0 {  # IS_ERR_VALUE(res_vma): what moved before stays moved
      return res_vma
    }
    if !seen_vma {
      res = res_vma
    }
    seen_vma = true
    target_addr = res_vma + vrm.new_len
  }
  return res
}

# mm/mremap.c: mremap_to()
func mremap_to(vrm) {
  mm = vrm.mm
  if (vrm.flags & MREMAP_FIXED) != 0 {
    # VMA is moved to dst address, and munmap dst first.
    err = do_munmap(mm, vrm.new_addr, vrm.new_len)
    vrm.vma = nil  # Invalidated.
    if err != 0 {
      return err
    }
    # If we remap a portion of a VMA elsewhere in the same VMA, this can
    # invalidate the old VMA. Reset.
    vrm.vma = vma_lookup(mm, vrm.addr)
    if !vrm.vma {
      return -EFAULT
    }
  }
  if vrm.remap_type == MREMAP_SHRINK {
    err = shrink_vma(vrm, false)
    if err != 0 {
      return err
    }
    # Set up for the move now shrink has been executed.
    vrm.old_len = vrm.new_len
  }
  err = vrm_set_new_addr(vrm)
  if err != 0 {
    return err
  }
  return move_vma(vrm)
}

# mm/mremap.c: shrink_vma(): unmap [addr + new_len, addr + old_len); with
# drop_lock the unmap drops the mmap lock (mremap_at()'s shrink is the
# last thing mremap does)
func shrink_vma(vrm, drop_lock) {
  mm = vrm.mm
  unmap_start = vrm.addr + vrm.new_len
  res = do_vmi_munmap(mm, unmap_start, vrm.delta, drop_lock)
  vrm.vma = nil  # Invalidated.
  if res != 0 {
    return res
  }
  if drop_lock {
    vrm.mmap_locked = false
  } else {
    vrm.vma = vma_lookup(mm, vrm.addr)
    if !vrm.vma {
      return -EFAULT
    }
  }
  return 0
}

# mm/mremap.c: mremap_at(): resize in place, or move when growing
func mremap_at(vrm) {
  if vrm.remap_type == MREMAP_NO_RESIZE {
    return vrm.addr  # NO-OP CASE - resizing to the same size.
  }
  if vrm.remap_type == MREMAP_SHRINK {
    res = shrink_vma(vrm, true)
    if res != 0 {
      return res
    }
    return vrm.addr
  }
  return expand_vma(vrm)  # MREMAP_EXPAND
}

# mm/mremap.c: expand_vma()
func expand_vma(vrm) {
  if vrm_can_expand_in_place(vrm) {
    err = expand_vma_in_place(vrm)
    if err != 0 {
      return err
    }
    return vrm.addr  # OK we're done!
  }
  # We're not allowed to move the VMA, so error out.
  if (vrm.flags & MREMAP_MAYMOVE) == 0 {
    return -ENOMEM
  }
  err = vrm_set_new_addr(vrm)
  if err != 0 {
    return err
  }
  return move_vma(vrm)
}

# mm/mremap.c: move_vma()
func move_vma(vrm) {
  err = prep_move_vma(vrm)
  if err != 0 {
    return err
  }
  vma_start_write(vrm.vma)  # We don't want racing faults.
  err = copy_vma_and_data(vrm)
  if err != 0 && !vrm.new_vma {
    return err  # copy_vma() failed: nothing to undo
  }
  ret = unmap_source_vma(vrm)  # dontunmap_complete() if !err && MREMAP_DONTUNMAP
  if err != 0 {
    return err  # the new area was unmapped instead of the old
  }
  return ret
}

# mm/mremap.c: copy_vma_and_data()
func copy_vma_and_data(vrm) {
  new_vma = copy_vma(vrm)  # &pmc.need_rmap_locks
  if !new_vma {
    return -ENOMEM
  }
  pmc = vrm_pmc(vrm)  # PAGETABLE_MOVE(pmc, vma, new_vma, ...)
  moved_len = move_page_tables(pmc)
  err = 0
  if moved_len < vrm.old_len {
    err = -ENOMEM
  } else if vrm.vma.vm_ops && vrm.vma.vm_ops.mremap {
    err = vm_ops_mremap(vrm.vma, new_vma)
  }
  if err != 0 {
    # On error, move entries back from new area to old, which will succeed
    # since page tables still there, and then proceed to unmap new area
    # instead of old.
    pmc_revert = pagetable_move(new_vma, vrm.vma, vrm.new_addr, vrm.addr, moved_len, need_rmap_locks=true)
    move_page_tables(pmc_revert)
    vrm_unmap_new_vma_instead(vrm)
  }
  return err
}

# mm/mremap.c: move_page_tables() (PUD-level moves and the realignment
# of try_realign_addr() are not modelled: one extent per PMD)
func move_page_tables(pmc) {
  if pmc.len_in == 0 {
    return 0
  }
  mm = pmc.old.vm_mm
  range = mmu_notifier_range_init(unmap, 0, mm, pmc.old_addr, pmc.old_end)
  mmu_notifier_invalidate_range_start(range)
  for i in 0..pmc_nr_extents(pmc) {  # for (; !pmc_done(pmc); pmc_next(pmc, extent))
    extent = get_extent(pmc)  # get_extent(NORMAL_PMD, pmc)
    if get_old_pmd(mm, pmc.old_addr) {
      alloc_new_pmd(pmc)
      moved = false
      if pmd_trans_huge(pmdp_get_lockless(mm, pmc.old_addr)) {
        if extent == HPAGE_PMD_SIZE {
          moved = move_pgt_entry(pmc, HPAGE_PMD)
        }
        if !moved {
          split_huge_pmd(pmc.old, pmc.old_addr)
        }
      } else if extent == PMD_SIZE {
        moved = move_pgt_entry(pmc, NORMAL_PMD)
      }
      if !moved && get_old_pmd(mm, pmc.old_addr) {  # if (pmd_none(*old_pmd)) continue;
        pte_alloc(mm, pmc.new_addr)
        move_ptes(pmc, extent)
      }
    }
    pmc_next(pmc, extent)
  }
  mmu_notifier_invalidate_range_end(range)
  return pmc_progress(pmc)
}

# mm/mremap.c: move_pgt_entry()
func move_pgt_entry(pmc, entry) {
  need_rmap_locks = pmc.need_rmap_locks || entry == NORMAL_PMD  # should_take_rmap_locks()
  if need_rmap_locks {
    take_rmap_locks(pmc.old)
  }
  if entry == NORMAL_PMD {
    moved = move_normal_pmd(pmc)
  } else {
    moved = move_huge_pmd(pmc)
  }
  if need_rmap_locks {
    drop_rmap_locks(pmc.old)
  }
  return moved
}

# mm/mremap.c: move_normal_pmd()
func move_normal_pmd(pmc) {
  mm = pmc.old.vm_mm
  if !pmd_none(pmdp_get_lockless(mm, pmc.new_addr)) {
    return false  # WARN_ON_ONCE(!pmd_none(*new_pmd))
  }
  old_ptl = pmd_lock(mm, pmc.old_addr)
  new_ptl = pmd_lockptr(mm, pmc.new_addr)
  if new_ptl != old_ptl {
    spin_lock_nested(new_ptl)
  }
  pmd = pmdp_get_lockless(mm, pmc.old_addr)  # pmd = *old_pmd
  res = false
  if !pmd_none(pmd) && !pmd_leaf(pmd) {  # Racing with collapse? (6fa1066fc5d0)
    res = pmd_move_table(pmc, pmd)  # pmd_clear(old_pmd); pmd_populate(mm, new_pmd, pmd_pgtable(pmd))
  }
  if res {
    flush_tlb_range(pmc.old, pmc.old_addr, size=PMD_SIZE)
  }
  if new_ptl != old_ptl {
    spin_unlock(new_ptl)
  }
  spin_unlock(old_ptl)
  return res
}

# mm/mremap.c: move_ptes(). flush_tlb_batched_pending() once both PTE
# locks are held (3ea277194daa): an entry reclaim cleared at the old
# address with its flush batched is none here, so nothing moves or is
# flushed for it (force_flush counts the present entries moved), and
# mremap() would return with a CPU still translating the old address
func move_ptes(pmc, extent) {
  vma = pmc.old
  mm = vma.vm_mm
  if pmc.need_rmap_locks {
    take_rmap_locks(vma)
  }
  old_pte = pte_offset_map_lock(mm, pmc.old_addr)
  if !old_pte {
    if pmc.need_rmap_locks {
      drop_rmap_locks(vma)
    }
    return -EAGAIN
  }
  new_pte = pte_offset_map_rw_nolock(mm, pmc.new_addr)
  if new_pte.ptl != old_pte.ptl {
    spin_lock_nested(new_pte.ptl)
  }
  flush_tlb_batched_pending(vma.vm_mm)
  ptes = get_and_clear_full_ptes(old_pte, extent / PAGE_SIZE)
  set_ptes(new_pte, ptes)
  if ptes.present > 0 {  # force_flush: a present PTE moved
    flush_tlb_range(vma, pmc.old_addr, size=extent)
  }
  if new_pte.ptl != old_pte.ptl {
    spin_unlock(new_pte.ptl)
  }
  pte_unmap(new_pte)
  pte_unmap_unlock(old_pte)
  if pmc.need_rmap_locks {
    drop_rmap_locks(vma)
  }
  return 0
}
