# mremap's TLB flush, fixed (eb66ae030829 "mremap: properly flush TLB
# before releasing the page", CVE-2018-18281): move_ptes() remembers that
# it moved a present PTE (force_flush) and calls flush_tlb_range() on the
# old range before it drops the new and the old PTL, so by the time rmap
# can reach the page at its new address no CPU translates the old one.
# Rule: tlb/flush-before-ptl-drop (rule family 3c).
#
# move_ptes() and move_page_tables() after the fix, in the kernel
# library's terms (kernel/mremap.mms has the 2026 ones, which also move
# whole PTE tables and huge PMDs): the flush is under the PTLs.

mm m
file f
mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=f)
touch(m, 0x200000, write)

func move_ptes(pmc, extent) {
  vma = pmc.old
  mm = vma.vm_mm
  if pmc.need_rmap_locks {
    take_rmap_locks(vma)
  }
  old_pte = pte_offset_map_lock(mm, pmc.old_addr)
  new_pte = pte_offset_map_rw_nolock(mm, pmc.new_addr)
  if new_pte.ptl != old_pte.ptl {
    spin_lock_nested(new_pte.ptl)
  }
  flush_tlb_batched_pending(vma.vm_mm)  # since 3ea277194daa (v4.12)
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

func move_page_tables(pmc) {
  mm = pmc.old.vm_mm
  for i in 0..pmc_nr_extents(pmc) {
    extent = get_extent(pmc)
    if get_old_pmd(mm, pmc.old_addr) {
      alloc_new_pmd(pmc)
      pte_alloc(mm, pmc.new_addr)
      move_ptes(pmc, extent)
    }
    pmc_next(pmc, extent)
  }
  return pmc_progress(pmc)
}

thread user {
  touch(m, 0x200000, read)
}

thread mover {
  r = mremap(m, 0x200000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x600000)
  assert r == 0x600000
  assert touch(m, 0x600000, read)
}

expect ok
