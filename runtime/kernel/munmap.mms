# munmap(2) as Linux 6.18 runs it, one kernel function per func, each
# statement one step of the C source (other threads run between any two).
# The steps are the runtime's operations: `mmscript explain unmap_vmas`.

# mm/mmap.c: SYSCALL_DEFINE2(munmap): __vm_munmap(addr, len, true)
func munmap(mm, start, size, pages) {
  # size= or pages= (the operation checked that both, if given, agree)
  len = max(size, pages * PAGE_SIZE)
  return __vm_munmap(mm, start, len, true)
}

# mm/mmap.c: vm_munmap(): munmap for in-kernel callers, on current->mm;
# unlock=false: the zap runs under the mmap write lock, not downgraded
func vm_munmap(start, len) {
  return __vm_munmap(current_mm(), start, len, false)
}

# mm/mmap.c: vm_munmap() in mmscript's form, the mm named:
# vm_munmap(mm, start, len)
func mmscript_vm_munmap(mm, start, len) {
  return __vm_munmap(mm, start, len, false)
}

# mm/mmap.c: __vm_munmap()
func __vm_munmap(mm, start, len, unlock) {
  if mmap_write_lock_killable(mm) != 0 {
    return -EINTR
  }
  ret = do_vmi_munmap(mm, start, len, unlock)
  if ret != 0 || !unlock {
    mmap_write_unlock(mm)
  }
  return ret
}

# mm/vma.c: do_vmi_munmap(): with unlock, on success it returns with the
# lock dropped; on an error the caller still holds it
func do_vmi_munmap(mm, start, len, unlock) {
  if start % PAGE_SIZE != 0 || start > mm.task_size || len > mm.task_size - start {
    return -EINVAL
  }
  end = start + (len + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE  # PAGE_ALIGN(len)
  if end == start {
    return -EINVAL
  }
  vma = find_vma(mm, start)  # vma_find(vmi, end): the first VMA overlapping
  if !vma || vma.vm_start >= end {
    if unlock {
      mmap_write_unlock(mm)
    }
    return 0
  }
  return do_vmi_align_munmap(mm, vma, start, end, unlock)
}

# mm/mmap.c: do_munmap(): for a caller that keeps the mmap write lock
# (mremap_to()'s unmap of a MREMAP_FIXED target)
func do_munmap(mm, start, len) {
  return do_vmi_munmap(mm, start, len, false)
}

# mm/vma.c: do_vmi_align_munmap()
func do_vmi_align_munmap(mm, vma, start, end, unlock) {
  vms = vms_gather_munmap_vmas(mm, start, end, unlock=unlock)  # split, vma_start_write, vma_mark_detached
  if vms.error != 0 {
    return vms.error
  }
  vma_iter_clear_gfp(vms)            # lookups no longer find them
  vms_complete_munmap_vmas(mm, vms)  # point of no return
  return 0
}

# mm/vma.c: vms_complete_munmap_vmas(): munmap's (vms.unlock) downgrades
# the mmap lock and drops it at the end; mmap's MAP_FIXED keeps it
func vms_complete_munmap_vmas(mm, vms) {
  if vms.unlock {
    mmap_write_downgrade(mm)
  }
  if vms.nr_pages == 0 {
    return
  }
  vms_clear_ptes(mm, vms)      # done already when vms_clean_up_area ran
  for i in 0..vms.vma_count {  # mas_for_each(mas_detach, vma, ULONG_MAX)
    remove_vma(vms_detached_vma(vms, i))  # ->close under the read lock
  }
  if vms.unlock {
    mmap_read_unlock(mm)
  }
}

# mm/vma.c: vms_clear_ptes() -> unmap_region()
func vms_clear_ptes(mm, vms) {
  if !vms.clear_ptes {  # Nothing to do
    return
  }
  tlb = tlb_gather_mmu(mm)
  unmap_vmas(tlb, vms)  # zap under each PTE table's lock
  free_pgtables(tlb, vms)
  tlb_finish_mmu(tlb)  # flush the TLB, then free the pages
}

# mm/memory.c: unmap_vmas(): each VMA of the munmap in turn, inside one
# MMU_NOTIFY_UNMAP invalidation of the whole range, whose start may sleep
# (include/linux/mmu_notifier.h: mmu_notifier_invalidate_range_start():
# might_sleep()), so no caller holds a spinlock or RCU across the zap
func unmap_vmas(tlb, vms) {
  if vms.vma_count == 0 {
    return
  }
  first = vms_detached_vma(vms, 0)
  last = vms_detached_vma(vms, vms.vma_count - 1)
  range = mmu_notifier_range_init(unmap, 0, first.vm_mm, first.vm_start, last.vm_end)
  mmu_notifier_invalidate_range_start(range)
  for i in 0..vms.vma_count {
    vma = vms_detached_vma(vms, i)
    unmap_single_vma(tlb, vma, vma.vm_start, vma.vm_end)
  }
  mmu_notifier_invalidate_range_end(range)
}

# mm/memory.c: unmap_single_vma() -> unmap_page_range(): zap_p4d_range()
# and zap_pud_range() walk down to the PMD entries of [addr, end)
func unmap_single_vma(tlb, vma, addr, end) {
  while addr < end {
    next = (addr + PMD_SIZE) / PMD_SIZE * PMD_SIZE  # pmd_addr_end(addr, end)
    if next > end {
      next = end
    }
    zap_pmd_range(tlb, vma, addr, next)
    addr = next
  }
}

# mm/memory.c: zap_pmd_range(), for one PMD entry: a huge PMD covered
# whole goes at once, one covered in part is split first; a PTE table is
# zapped by zap_pte_range(). The test of the entry is a plain read
# (pmd_is_huge(*pmd)): zap_huge_pmd() rechecks it under the PMD lock
func zap_pmd_range(tlb, vma, addr, next) {
  if pmd_trans_huge(pmdp_get_lockless(vma.vm_mm, addr)) {
    if next - addr == PMD_SIZE {
      if zap_huge_pmd(tlb, vma, addr) {
        return
      }
      # fall through: the PMD was split meanwhile
    } else {
      split_huge_pmd(vma, addr)  # __split_huge_pmd(vma, pmd, addr, false)
    }
  }
  zap_pte_range(tlb, vma, addr, next)
}

# mm/huge_memory.c: zap_huge_pmd() (linux-mm@00cb34b034a5). The PMD
# lock, not a PTE lock, guards a huge PMD (process_addrs.rst "Page table
# locks"): a THP fault (do_huge_pmd_anonymous_page), a split
# (__split_huge_pmd) and khugepaged's collapse change the entry under it,
# so the entry zap_pmd_range() saw huge is rechecked under the lock, and
# cleared, its rmap removed and its deposited table withdrawn before the
# lock drops. The folio goes to the gather after spin_unlock(): it is
# freed after the TLB flush
func zap_huge_pmd(tlb, vma, addr) {
  mm = vma.vm_mm
  ptl = __pmd_trans_huge_lock(vma, addr)
  if !ptl {
    return false
  }
  orig_pmd = pmdp_huge_get_and_clear_full(vma, addr, tlb)
  tlb_remove_pmd_tlb_entry(tlb, addr)
  folio = vm_normal_folio_pmd(vma, addr, orig_pmd)  # normal_or_softleaf_folio_pmd()
  # has_deposited_pgtable(): x86 has no arch_needs_pgtable_deposit(); the
  # huge zero PMD of an anonymous VMA (set_huge_zero_folio()) and an
  # anonymous folio's PMD (__do_huge_pmd_anonymous_page()) have one, and
  # only anonymous VMAs map those
  has_deposit = vma_is_anonymous(vma)
  if folio {
    zap_huge_pmd_folio(vma, orig_pmd, folio)
  }
  if has_deposit {
    zap_deposited_table(mm, addr)
  }
  spin_unlock(ptl)
  if folio {
    tlb_remove_page_size(tlb, folio, PMD_SIZE)  # HPAGE_PMD_SIZE
  }
  return true
}

# mm/memory.c: zap_pte_range(). A dirty entry of a file folio (not
# anonymous) marks the folio dirty and, on SMP (tlb_delay_rmap()), keeps
# its rmap until the TLB is flushed, before the PTE lock drops:
# folio_mkclean() must not miss a mapping some CPU may still write
# through (5df397dec7c4 "mm: delay page_remove_rmap() until after the
# TLB has been flushed"). flush_tlb_batched_pending() first
# (3ea277194daa): reclaim may have cleared an entry here with its flush
# batched (try_to_unmap_one() with TTU_BATCH_FLUSH); the zap finds it
# none, gathers and flushes nothing for it, and munmap() or
# madvise(MADV_DONTNEED) would return with a CPU still translating it.
# When the gather's batch of pages is full (__tlb_remove_folio_pages():
# force_break), the loop stops there: the TLB is flushed before the PTE
# lock drops, the pages freed, and the lock taken again where the loop
# stopped (goto retry); other threads run in between
func zap_pte_range(tlb, vma, addr, end) {
  while true {  # retry:
    pte = pte_offset_map_lock(vma.vm_mm, addr)
    if !pte {
      return  # no PTE table: nothing is mapped here
    }
    flush_tlb_batched_pending(vma.vm_mm)
    # the loop over the table's entries: force_flush, and with
    # tlb.force_break the address it stopped at (tlb.addr)
    force_flush = zap_present_ptes(tlb, vma, pte, end)
    addr = tlb.addr  # pte += nr, addr += PAGE_SIZE * nr
    # Do the actual TLB flush before dropping ptl
    if force_flush {
      tlb_flush_mmu_tlbonly(tlb)
      tlb_flush_rmaps(tlb, vma)
    }
    pte_unmap_unlock(pte)
    # tlb_flush_mmu(tlb): its TLB flush finds the range just reset, so it
    # frees the batched pages only (tlb_flush_mmu_free())
    if force_flush {
      tlb_flush_mmu_free(tlb)
    }
    if addr == end {
      return
    }
    # cond_resched(); force_flush = false; force_break = false; goto retry
  }
}
