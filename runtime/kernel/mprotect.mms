# mprotect(2) as mm/mprotect.c runs it (torvalds/linux@003fde4492c8), one
# kernel function per func, each statement one step of the C source. The
# for_each_vma_range() loop of do_mprotect_pkey() is mprotect_vmas(), one
# VMA per call. PROT_GROWSDOWN/UP and the security hook are not modelled.

# mm/mprotect.c: SYSCALL_DEFINE3(mprotect)
func mprotect(mm, start, len, prot) {
  return do_mprotect_pkey(mm, start, len, prot, -1)
}

# mm/mprotect.c: do_mprotect_pkey()
func do_mprotect_pkey(mm, start, len, prot, pkey) {
  if start % PAGE_SIZE != 0 {
    return -EINVAL
  }
  if len == 0 {
    return 0
  }
  len = (len + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE  # PAGE_ALIGN(len)
  end = start + len
  if end <= start {
    return -ENOMEM
  }
  if prot < 0 || prot > PROT_READ | PROT_WRITE | PROT_EXEC {
    return -EINVAL  # arch_validate_prot()
  }
  if mmap_write_lock_killable(mm) != 0 {
    return -EINTR
  }
  error = -ENOMEM
  vma = find_vma_intersection(mm, start, end)  # vma_find(&vmi, end)
  if vma && vma.vm_start <= start {
    prev = vma_prev(mm, vma)
    if start > vma.vm_start {
      prev = vma
    }
    tlb = tlb_gather_mmu(mm)
    error = mprotect_vmas(mm, tlb, vma, prev, start, vma.vm_start, end, prot, pkey)
    tlb_finish_mmu(tlb)
  }
  mmap_write_unlock(mm)  # out:
  return error
}

# mm/mprotect.c: do_mprotect_pkey(): the body of for_each_vma_range(vmi,
# vma, end), then "if (!error && tmp < end) error = -ENOMEM"
func mprotect_vmas(mm, tlb, vma, prev, nstart, tmp, end, prot, pkey) {
  if !vma || vma.vm_start >= end {
    if tmp < end {
      return -ENOMEM
    }
    return 0
  }
  if vma.vm_start != tmp {
    return -ENOMEM
  }
  mask_off_old_flags = VM_ACCESS_FLAGS | VM_FLAGS_CLEAR
  new_vma_pkey = arch_override_mprotect_pkey(vma, prot, pkey)
  newflags = calc_vm_prot_bits(prot, new_vma_pkey)
  newflags = newflags | ((vma.vm_flags | mask_off_old_flags) ^ mask_off_old_flags)  # vm_flags & ~mask_off_old_flags
  # newflags >> 4 shift VM_MAY% in place of VM_%
  if newflags & ((newflags >> 4) ^ VM_ACCESS_FLAGS) & VM_ACCESS_FLAGS != 0 {
    return -EACCES
  }
  tmp = vma.vm_end
  if tmp > end {
    tmp = end
  }
  if vma.vm_ops && vma.vm_ops.mprotect {
    error = vm_ops_mprotect(vma, nstart, tmp, newflags)
    if error != 0 {
      return error  # break: the VMAs before this one stay changed
    }
  }
  vma = mprotect_fixup(mm, tlb, vma, prev, nstart, tmp, newflags)
  if !vma {
    return PTR_ERR(vma)  # IS_ERR(vma): ->may_split's error, or -ENOMEM
  }
  tmp = vma.vm_end  # vma_iter_end(&vmi)
  return mprotect_vmas(mm, tlb, find_vma(mm, tmp), vma, tmp, tmp, end, prot, pkey)
}

# mm/mprotect.c: mprotect_fixup(): returns *pprev, the VMA now covering
# [start, end), or nil for ERR_PTR(error) (PTR_ERR gives error)
func mprotect_fixup(mm, tlb, vma, prev, start, end, newflags) {
  oldflags = vma.vm_flags
  if newflags == oldflags {
    return vma
  }
  # If we make a private mapping writable we increase our commit
  if newflags & VM_WRITE != 0 {
    if oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE) == 0 {
      newflags = newflags | VM_ACCOUNT
    }
  } else if oldflags & VM_ACCOUNT != 0 && vma_is_anonymous(vma) && !vma.anon_vma {
    newflags = newflags ^ VM_ACCOUNT
  }
  vma = vma_modify_flags(mm, prev, vma, start, end, newflags)
  if !vma {
    return vma  # IS_ERR(vma): error = PTR_ERR(vma)
  }
  # vm_flags and vm_page_prot are protected by the mmap_lock held in write mode.
  vma_start_write(vma)
  vm_flags_reset_once(vma, newflags)
  vma_set_page_prot(vma)
  change_protection(tlb, vma, start, end)
  # Private VM_LOCKED VMA becoming writable: trigger COW to avoid major fault on access.
  if oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED) == VM_LOCKED && newflags & VM_WRITE != 0 {
    populate_vma_page_range(vma, start, end)
  }
  return vma
}

# mm/mprotect.c: change_protection(), change_protection_range(),
# change_p4d_range(), change_pud_range(), change_pmd_range(): the PMDs of
# [start, end) one after the other (cond_resched() between them); returns
# the number of entries changed
func change_protection(tlb, vma, start, end) {
  BUG_ON(start >= end)
  pages = 0
  addr = start
  while addr < end {
    next = min((addr + PMD_SIZE) / PMD_SIZE * PMD_SIZE, end)  # pmd_addr_end(addr, end)
    pages += change_pmd_range(tlb, vma, addr, next)
    cond_resched()  # change_pmd_range(): after each PMD
    addr = next
  }
  return pages
}

# mm/mprotect.c: change_pmd_range() for one PMD entry: a huge PMD in
# change_huge_pmd(), else the PTE table (change_pte_range(); none:
# nothing to change)
func change_pmd_range(tlb, vma, addr, end) {
  if pmd_trans_huge(pmdp_get_lockless(vma.vm_mm, addr)) {  # pmd_is_huge(_pmd)
    return change_huge_pmd(tlb, vma, addr, end)
  }
  return change_pte_range(tlb, vma, addr, end)
}

# mm/huge_memory.c: change_huge_pmd(): under the PMD lock; 0 when the PMD
# is no longer huge once locked
func change_huge_pmd(tlb, vma, addr, end) {
  ptl = pmd_trans_huge_lock(vma, addr)  # __pmd_trans_huge_lock(pmd, vma)
  if !ptl {
    return 0
  }
  pages = change_huge_pmd_locked(tlb, vma, addr, end)
  spin_unlock(ptl)
  return pages
}

# mm/mprotect.c: change_pte_range(): the entries of one PTE table under
# its lock. flush_tlb_batched_pending() first (3ea277194daa): reclaim may
# have cleared an entry here with its TLB flush batched (try_to_unmap_one()
# with TTU_BATCH_FLUSH); the loop finds it none and flushes nothing for it
func change_pte_range(tlb, vma, addr, end) {
  pte = pte_offset_map_lock(vma.vm_mm, addr)
  if !pte {
    return 0  # -EAGAIN: change_pmd_range() looks at the PMD again; none here
  }
  flush_tlb_batched_pending(vma.vm_mm)
  pages = modify_prot_commit_ptes(tlb, vma, pte, end)  # the do { ... } while loop
  pte_unmap_unlock(pte)
  return pages
}
