# fork(2)'s address-space copy as the kernel runs it (2026; dup_mmap
# lives in mm/mmap.c since 2025, kernel/fork.c before), one kernel
# function per func, each statement one step (other threads run between
# any two). `mmscript explain copy_present_ptes` shows a step's entry.

# kernel/fork.c: fork(2) -> kernel_clone() -> copy_process() -> copy_mm()
# -> dup_mm()
func fork(oldmm) {
  mm = dup_mm_alloc(oldmm)  # allocate_mm(); memcpy(mm, oldmm, ...); mm_init()
  err = dup_mmap(mm, oldmm)
  if err != 0 {
    return nil
  }
  return mm
}

# mm/mmap.c: dup_mmap()
func dup_mmap(mm, oldmm) {
  if mmap_write_lock_killable(oldmm) != 0 {
    return -EINTR
  }
  mmap_write_lock_nested(mm)  # Not linked in yet - no deadlock potential
  retval = 0
  for i in 0..oldmm.map_count {  # for_each_vma(vmi, mpnt)
    mpnt = vma_iter_nth(oldmm, i)
    vma_start_write(mpnt)  # 49b0638502da: no fault on the parent meanwhile
    if retval == 0 && mpnt.vm_flags & VM_DONTCOPY == 0 {
      tmp = vm_area_dup(mpnt, mm=mm)  # tmp->vm_mm = mm
      if !tmp {
        retval = -ENOMEM
      } else {
        dup_userfaultfd(tmp)  # retval = dup_userfaultfd(tmp, &uf): fails only with UFFD_FEATURE_EVENT_FORK
        if tmp.vm_flags & VM_WIPEONFORK == 0 {
          anon_vma_fork(tmp, mpnt)  # VM_WIPEONFORK: tmp->anon_vma = NULL
        }
        vma_iter_bulk_store(tmp, mpnt)  # i_mmap insert, link, vm_flags_clear(tmp, VM_LOCKED_MASK)
        if tmp.vm_flags & VM_WIPEONFORK == 0 {
          retval = copy_page_range(tmp, mpnt)
        }
        vm_ops_open(tmp)
      }
    }
  }
  mmap_write_unlock(mm)
  flush_tlb_mm(oldmm)  # copy_page_range write-protected the parent's COW pages
  mmap_write_unlock(oldmm)
  return retval
}

# mm/memory.c: copy_page_range() (with copy_p?d_range() down to the PMD)
func copy_page_range(dst_vma, src_vma) {
  if !vma_needs_copy(dst_vma, src_vma) {
    return 0
  }
  src_mm = src_vma.vm_mm
  is_cow = src_vma.vm_flags & (VM_SHARED | VM_MAYWRITE) == VM_MAYWRITE  # is_cow_mapping()
  if is_cow {
    range = mmu_notifier_range_init(protection_page, 0, src_mm, src_vma.vm_start, src_vma.vm_end)
    mmu_notifier_invalidate_range_start(range)
    vma_assert_write_locked(src_vma)
    raw_write_seqcount_begin(src_mm)  # &src_mm->write_protect_seq (57efa1fe5957): GUP-fast FOLL_PIN backs off
  }
  addr = src_vma.vm_start
  end = src_vma.vm_end
  for i in 0..(end - 1) / PMD_SIZE - addr / PMD_SIZE + 1 {  # copy_pmd_range()
    next = addr - addr % PMD_SIZE + PMD_SIZE  # pmd_addr_end()
    if next > end {
      next = end
    }
    if pmd_trans_huge(pmdp_get_lockless(src_mm, addr)) {
      copy_huge_pmd(dst_vma, src_vma, addr)
    } else if !pmd_none(pmdp_get_lockless(src_mm, addr)) {
      copy_pte_range(dst_vma, src_vma, addr, next)
    }
    addr = next
  }
  if is_cow {
    raw_write_seqcount_end(src_mm)
    mmu_notifier_invalidate_range_end(range)
  }
  return 0
}

# mm/memory.c: copy_pte_range()
func copy_pte_range(dst_vma, src_vma, addr, end) {
  dst_mm = dst_vma.vm_mm
  dst_addr = dst_vma.vm_start + (addr - src_vma.vm_start)
  if !pte_alloc(dst_mm, dst_addr) {  # pte_alloc_map_lock()
    return -ENOMEM
  }
  dst_pte = pte_offset_map_lock(dst_mm, dst_addr)
  src_pte = pte_offset_map_rw_nolock(src_vma.vm_mm, addr)
  spin_lock_nested(src_pte.ptl)
  # copy_present_ptes(): first the pinned check (a pinned anonymous page is
  # copied for the child: copy_present_page()), then the write-protect and
  # share of the rest; GUP-fast takes no PTE lock and may run in between
  folio_try_dup_anon_rmap_ptes(dst_vma, src_vma, addr, end)
  copy_present_ptes(dst_vma, src_vma, addr, end)  # ptep_set_wrprotect() on COW pages
  spin_unlock(src_pte.ptl)
  pte_unmap(src_pte)
  pte_unmap_unlock(dst_pte)
  return 0
}
