# The page fault as mainline runs it (arch/x86/mm/fault.c, mm/memory.c,
# mm/huge_memory.c of 2026), one kernel function per func. Each lock
# operation and each step that reads or writes the page tables is an
# operation, so other threads run between any two; the arithmetic between
# them is not a step. mmscript's vm_fault carries the flags as fields
# (vmf.write, vmf.vma_lock, vmf.allow_retry, vmf.retry_nowait, vmf.tried) and the entries
# the fault read locklessly (vmf.orig_pte, vmf.pmd_none, vmf.pmd_trans_huge).
# The data of a step under the PTE lock (which page, a COW copy) is
# mmcore's. A PTE lock section (pte_offset_map_lock, the re-check and the
# change, pte_unmap_unlock) is one step (set_ptes_locked,
# set_pte_range_locked, wp_page_reuse_locked) that blocks while another
# thread holds the lock: the acquisition moves right and the release left
# past the other threads' steps (Lipton's reduction), so no interleaving
# that can change an outcome is lost, and a fault does not multiply the
# explored states by three per section. `mmscript explain handle_mm_fault`.

# mm/memory.c: handle_mm_fault(): under the mmap lock, or the VMA read
# lock with FAULT_FLAG_VMA_LOCK; with VM_FAULT_RETRY or VM_FAULT_COMPLETED
# that lock was released (release_fault_lock) and the VMA may be gone,
# but for a VM_FAULT_RETRY under FAULT_FLAG_RETRY_NOWAIT, which keeps it.
# is_vm_hugetlb_page(): hugetlb_fault() is not modelled. regs (NULL from
# GUP) is read only by mm_account_fault() for perf events: not modelled.
func handle_mm_fault(vma, address, flags, regs) {
  # ret = sanitize_fault_flags(vma, &flags); if (ret) goto out: a
  # WARN_ON_ONCE'd combination is VM_FAULT_SIGSEGV. And __handle_mm_fault()'s lockless
  # walk: struct vm_fault vmf = {...}; p4d_alloc(), pud_alloc(), pmd_alloc();
  # vmf.orig_pmd = pmdp_get_lockless(vmf.pmd); handle_pte_fault()'s
  # vmf->orig_pte = ptep_get_lockless(vmf->pte)
  vmf = sanitize_fault_flags(vma, address, flags)
  if !vmf {
    return VM_FAULT_SIGSEGV
  }
  return __handle_mm_fault(vmf)
}

# mm/memory.c: __handle_mm_fault(): the PMD level, then handle_pte_fault().
# A PUD-sized fault (create_huge_pud) is not modelled.
func __handle_mm_fault(vmf) {
  if vmf.oom {  # p4d_alloc(), pud_alloc() or pmd_alloc() failed: read in handle_mm_fault's step
    return VM_FAULT_OOM
  }
  if vmf.pmd_none && thp_vma_allowable_order(vmf) {
    ret = create_huge_pmd(vmf)
    if ret & VM_FAULT_FALLBACK == 0 {
      return ret
    }
  } else if vmf.pmd_trans_huge {
    if vmf.write && !vmf.pmd_write {
      ret = wp_huge_pmd(vmf)
      if ret & VM_FAULT_FALLBACK == 0 {
        return ret
      }
    } else {
      return huge_pmd_set_accessed(vmf)
    }
  }
  return handle_pte_fault(vmf)
}

# mm/memory.c: create_huge_pmd()
func create_huge_pmd(vmf) {
  vma = vmf.vma
  if !vma.vm_ops {  # vma_is_anonymous()
    return do_huge_pmd_anonymous_page(vmf)
  }
  if vma.vm_ops.huge_fault {
    return vm_ops_huge_fault(vmf)  # vma->vm_ops->huge_fault(vmf, PMD_ORDER)
  }
  return VM_FAULT_FALLBACK
}

# mm/memory.c: wp_huge_pmd(): an anonymous huge PMD is COWed or split
# (do_huge_pmd_wp_page); a driver's goes to ->huge_fault, and on
# VM_FAULT_FALLBACK is split (__split_huge_pmd: mmscript's drivers map
# no huge PMDs, so there is none to split)
func wp_huge_pmd(vmf) {
  vma = vmf.vma
  if !vma.vm_ops {  # vma_is_anonymous()
    return do_huge_pmd_wp_page(vmf)
  }
  if vma.vm_ops.huge_fault {
    ret = vm_ops_huge_fault(vmf)
    if ret & VM_FAULT_FALLBACK == 0 {
      return ret
    }
  }
  return VM_FAULT_FALLBACK
}

# mm/huge_memory.c: do_huge_pmd_anonymous_page(): vmf_anon_prepare(), then
# the huge zero page (read) or a new THP (write) under the PMD lock
func do_huge_pmd_anonymous_page(vmf) {
  ret = vmf_anon_prepare(vmf)
  if ret != 0 {
    return ret
  }
  # the huge zero page's branch and __do_huge_pmd_anonymous_page(): under
  # the PMD lock, a still none PMD of a VM_UFFD_MISSING VMA goes to
  # userland (spin_unlock(vmf->ptl); handle_userfault(vmf, VM_UFFD_MISSING))
  if userfaultfd_missing(vmf.vma) {
    if !pmd_none_locked(vmf) {
      return 0
    }
    return handle_userfault(vmf, VM_UFFD_MISSING)
  }
  return __do_huge_pmd_anonymous_page(vmf)
}

# mm/memory.c: handle_pte_fault()
func handle_pte_fault(vmf) {
  # vmf->pte = pte_offset_map_rw_nolock(); vmf->orig_pte = ptep_get_lockless(vmf->pte),
  # read in handle_mm_fault's step with the PMD
  orig_pte = vmf.orig_pte
  if orig_pte & _PAGE_PRESENT == 0 {  # !vmf->pte (pte_none): swap entries are not modelled
    return do_pte_missing(vmf)
  }
  # spin_lock(vmf->ptl); if (!pte_same(ptep_get(vmf->pte), entry)) goto
  # unlock: each step below that changes the PTE re-checks it under the
  # PTE lock (pte_same against vmf.orig_pte)
  if vmf.write && orig_pte & _PAGE_RW == 0 {
    return do_wp_page(vmf)
  }
  # pte_mkdirty(), pte_mkyoung(), ptep_set_access_flags() under the PTE
  # lock: the accessed and dirty bits are not modelled
  return 0
}

# mm/memory.c: do_pte_missing(). A file without a script ops block is
# filemap's (generic_file_vm_ops), whose fault mmcore runs as one step
# under the PTE lock, as it does for anonymous memory.
func do_pte_missing(vmf) {
  if !vmf.vma.vm_ops {  # vma_is_anonymous()
    return do_anonymous_page(vmf)
  }
  return do_fault(vmf)
}

# mm/memory.c: do_anonymous_page(): the zero page for a read, a new
# exclusive anonymous page for a write, installed if the PTE is still none
# ("File mapping without ->vm_ops ?" is SIGBUS in the kernel; mmscript's
# shared anonymous memory and plain files come here without an anon_vma)
func do_anonymous_page(vmf) {
  vma = vmf.vma
  if vmf.pmd_none && !pte_alloc(vma.vm_mm, vmf.address) {  # pte_alloc(): unlikely(pmd_none(*pmd)) && __pte_alloc()
    return VM_FAULT_OOM
  }
  # Allocate our own private page: vmf_anon_prepare(), whose inline part
  # is "if (likely(vma->anon_vma)) return 0;"
  if vmf.write && vma.vm_flags & VM_SHARED == 0 && !vma.anon_vma {
    ret = vmf_anon_prepare(vmf)
    if ret != 0 {
      return ret
    }
  }
  # "Deliver the page fault to userland, check inside PT lock": for a
  # VM_UFFD_MISSING VMA the PTE lock is taken, the entry re-checked and
  # the lock dropped before handle_userfault() (fs/userfaultfd.c)
  if userfaultfd_missing(vma) {
    if vmf_pte_changed_locked(vmf) {
      return 0  # goto unlock / release: filled meanwhile, or no PTE table
    }
    return handle_userfault(vmf, VM_UFFD_MISSING)
  }
  # vmf->pte = pte_offset_map_lock(); if (vmf_pte_changed(vmf)) goto
  # release; folio_add_new_anon_rmap(); setpte: set_ptes(); pte_unmap_unlock()
  return set_ptes_locked(vmf)
}

# mm/memory.c: do_fault()
func do_fault(vmf) {
  vma = vmf.vma
  # The VMA was not fully populated on mmap() or missing VM_DONTEXPAND
  if !vma.vm_ops.fault {
    pte = vmf_pte_offset_map_lock(vmf)
    if !pte {
      return VM_FAULT_SIGBUS
    }
    ret = VM_FAULT_NOPAGE
    if !pte.present {  # pte_none(ptep_get(vmf->pte))
      ret = VM_FAULT_SIGBUS
    }
    pte_unmap_unlock(pte)
    return ret
  }
  if !vmf.write {
    return do_read_fault(vmf)
  }
  if vma.vm_flags & VM_SHARED == 0 {
    return do_cow_fault(vmf)
  }
  return do_shared_fault(vmf)
}

# mm/memory.c: vmf_can_call_fault(): "all vm_ops that have a ->map_pages
# have been audited and don't need the mmap_lock"
func vmf_can_call_fault(vmf) {
  vma = vmf.vma
  if vma.vm_ops.map_pages || !vmf.vma_lock {
    return 0
  }
  vma_end_read(vma)
  return VM_FAULT_RETRY
}

# mm/memory.c: do_read_fault(): ->map_pages first (should_fault_around),
# ->fault as the fallback
func do_read_fault(vmf) {
  if vmf.vma.vm_ops.map_pages {  # should_fault_around(): fault_around_pages > 1
    ret = do_fault_around(vmf)
    if ret != 0 {
      return ret
    }
  }
  ret = vmf_can_call_fault(vmf)
  if ret != 0 {
    return ret
  }
  ret = __do_fault(vmf)
  if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY | VM_FAULT_COMPLETED) != 0 {
    return ret
  }
  return finish_fault(vmf)
}

# mm/memory.c: do_fault_around(): fault_around_pages (64 KiB) naturally
# aligned, clamped to the VMA and to the PTE table; ->map_pages runs under
# rcu_read_lock() and must not sleep
func do_fault_around(vmf) {
  nr_pages = 65536 / PAGE_SIZE                      # fault_around_pages
  pte_off = vmf.address / PAGE_SIZE % PTRS_PER_PTE  # pte_index(vmf->address)
  vma_off = vmf.pgoff - vmf.vma.vm_pgoff
  # The PTE offset of the start address, clamped to the VMA.
  from_pte = max(pte_off / nr_pages * nr_pages, pte_off - min(pte_off, vma_off))
  # The PTE offset of the end address, clamped to the VMA and PTE.
  to_pte = min(from_pte + nr_pages, PTRS_PER_PTE, pte_off + vmf.vma.pages - vma_off) - 1
  rcu_read_lock()
  ret = vm_ops_map_pages(vmf, vmf.pgoff + from_pte - pte_off, vmf.pgoff + to_pte - pte_off)
  rcu_read_unlock()
  return ret
}

# mm/memory.c: do_cow_fault(): a private write to a driver's VMA: ->fault's
# page is copied into a new anonymous page (finish_fault)
func do_cow_fault(vmf) {
  ret = vmf_can_call_fault(vmf)
  if ret != 0 {
    return ret
  }
  ret = vmf_anon_prepare(vmf)
  if ret != 0 {
    return ret
  }
  ret = __do_fault(vmf)
  if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY | VM_FAULT_COMPLETED) != 0 {
    return ret
  }
  return finish_fault(vmf)
}

# mm/memory.c: do_shared_fault(): "Check if the backing address space
# wants to know that the page is about to become writable"
func do_shared_fault(vmf) {
  ret = vmf_can_call_fault(vmf)
  if ret != 0 {
    return ret
  }
  ret = __do_fault(vmf)
  if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY | VM_FAULT_COMPLETED) != 0 {
    return ret
  }
  if vmf.vma.vm_ops.page_mkwrite {
    tmp = do_page_mkwrite(vmf)
    if tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY | VM_FAULT_COMPLETED) != 0 {
      return tmp
    }
  }
  return finish_fault(vmf)
}

# mm/memory.c: finish_fault(): map vmf->page if the PTE is still none
func finish_fault(vmf) {
  vma = vmf.vma
  if !pte_alloc(vma.vm_mm, vmf.address) {  # "if (pmd_none(*vmf->pmd))": ->fault may have slept
    return VM_FAULT_OOM
  }
  # vmf->pte = pte_offset_map_lock(); if (!pte_none(ptep_get(vmf->pte)))
  # ret = VM_FAULT_NOPAGE; else set_pte_range(); pte_unmap_unlock()
  return set_pte_range_locked(vmf)
}

# mm/memory.c: do_wp_page(): a write to a present read-only PTE (the
# kernel enters it with the PTE lock held and drops it before a handler or
# a copy; mmscript takes it in the step that changes the PTE). A special
# PTE has no struct page (vm_normal_page() is NULL): wp_pfn_shared.
func do_wp_page(vmf) {
  vma = vmf.vma
  # Shared mapping: just mark the PTE writable.
  if vma.vm_flags & (VM_SHARED | VM_MAYSHARE) != 0 {
    if vmf.orig_pte & _PAGE_SPECIAL != 0 {
      return wp_pfn_shared(vmf)
    }
    return wp_page_shared(vmf)
  }
  # Private mapping: wp_can_reuse_anon_folio() is mmcore's, in wp_page_copy's step
  return wp_page_copy(vmf)
}

# mm/memory.c: wp_page_copy(): "Handle the case of a page which we
# actually need to copy to a new page"; mmcore reuses an exclusive
# anonymous page instead (wp_can_reuse_anon_folio)
func wp_page_copy(vmf) {
  if !vmf.vma.anon_vma {  # vmf_anon_prepare(): "if (likely(vma->anon_vma)) return 0;"
    ret = vmf_anon_prepare(vmf)
    if ret != 0 {
      return ret
    }
  }
  # "Re-check the pte - we dropped the lock": vmf->pte = pte_offset_map_lock();
  # if (likely(vmf->pte && pte_same(ptep_get(vmf->pte), vmf->orig_pte))) {
  # ptep_clear_flush(); folio_add_new_anon_rmap(); set_pte_at() }; pte_unmap_unlock()
  return set_ptes_locked(vmf)
}

# mm/memory.c: wp_page_shared()
func wp_page_shared(vmf) {
  vma = vmf.vma
  if vma.vm_ops && vma.vm_ops.page_mkwrite {
    # pte_unmap_unlock(vmf->pte, vmf->ptl)
    tmp = vmf_can_call_fault(vmf)
    if tmp != 0 {
      return tmp
    }
    tmp = do_page_mkwrite(vmf)
    if tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY | VM_FAULT_COMPLETED) != 0 {
      return tmp
    }
    return finish_mkwrite_fault(vmf)
  }
  ret = wp_page_reuse_locked(vmf)  # wp_page_reuse(vmf, folio) under the PTE lock
  # folio_lock(folio); ret |= fault_dirty_shared_page(vmf): the store
  # retried after the fault waits for a writeback that holds the folio lock
  folio = vmf.folio
  if folio {
    folio_lock(folio)
    fault_dirty_shared_page(folio)
  }
  return ret
}

# mm/memory.c: fault_dirty_shared_page(), the folio locked (the dirty
# accounting, balance_dirty_pages_ratelimited() and file_update_time()
# are not modelled)
func fault_dirty_shared_page(folio) {
  folio_mark_dirty(folio)  # dirtied = folio_mark_dirty(folio)
  folio_unlock(folio)
}

# mm/memory.c: wp_pfn_shared():
# "vmf->flags |= FAULT_FLAG_MKWRITE" (->pfn_mkwrite keeps the fault's
# flags, unlike ->page_mkwrite)
func wp_pfn_shared(vmf) {
  vma = vmf.vma
  if vma.vm_ops && vma.vm_ops.pfn_mkwrite {
    # pte_unmap_unlock(vmf->pte, vmf->ptl)
    ret = vmf_can_call_fault(vmf)
    if ret != 0 {
      return ret
    }
    ret = vm_ops_pfn_mkwrite(vmf)
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY | VM_FAULT_COMPLETED) != 0 {
      return ret
    }
    return finish_mkwrite_fault(vmf)
  }
  return wp_page_reuse_locked(vmf)  # wp_page_reuse(vmf, NULL) under the PTE lock
}

# mm/memory.c: finish_mkwrite_fault(): "We might have raced with another
# page fault while we released the pte_offset_map_lock"
func finish_mkwrite_fault(vmf) {
  # vmf->pte = pte_offset_map_lock(); if (!vmf->pte) return VM_FAULT_NOPAGE;
  # if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) { update_mmu_tlb();
  # pte_unmap_unlock(); return VM_FAULT_NOPAGE; } wp_page_reuse(vmf, folio)
  return wp_page_reuse_locked(vmf)
}
