# mremap(2) as mm/mremap.c runs it (2026), one kernel function per func,
# each statement one step (other threads run between any two). The move is
# here statement by statement; the parameter checks, the unmap of a
# MREMAP_FIXED target, a shrink and a growth in place are one step
# (vrm_prepare). `mmscript explain move_ptes` shows a step's entry.

# mm/mremap.c: SYSCALL_DEFINE5(mremap) -> do_mremap()
func mremap(mm, addr, old_len, new_len, flags, new_addr) {
  if mmap_write_lock_killable(mm) != 0 {
    return -EINTR
  }
  vrm = vrm_prepare(mm, addr, old_len, new_len, flags=flags, new_addr=new_addr)
  ret = vrm.result
  if vrm.move {
    ret = move_vma(vrm)
  }
  mmap_write_unlock(mm)
  return ret
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
