# mremap's TLB flush after the page-table locks drop (CVE-2018-18281;
# Linux 3.x to 4.19, fix eb66ae030829 "mremap: properly flush TLB before
# releasing the page", 4.20 and stable).
#
# move_ptes() moved the PTEs from the old to the new range under both
# PTLs but flushed the old range's TLB entries only later, in
# move_page_tables(), after dropping them. In between, ftruncate() can
# find the page through rmap at its new address, zap it there under the
# new PTL, flush only the new range and free it, while another CPU still
# reaches it through its stale TLB entry for the old address: a
# use-after-free of the page (Jann Horn's report).
#
# Rule: tlb/flush-before-ptl-drop (rule family 3c), reported where the
# PTL that keeps the moved page alive is dropped with the flush still
# owed, whether or not the page is freed in this run.
#
# These are move_ptes() and move_page_tables() as 4.19 had them (in the
# kernel library's terms): no flush under the PTLs; one flush at the end.

mm m
file f
mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=f)
touch(m, 0x200000, write)  # a page-cache page mapped at the old address

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
  old_start = pmc.old_addr
  for i in 0..pmc_nr_extents(pmc) {
    extent = get_extent(pmc)
    if get_old_pmd(mm, pmc.old_addr) {
      alloc_new_pmd(pmc)
      pte_alloc(mm, pmc.new_addr)
      move_ptes(pmc, extent)
    }
    pmc_next(pmc, extent)
  }
  flush_tlb_range(pmc.old, old_start, size=pmc.len_in)  # if (need_flush)
  return pmc_progress(pmc)
}

thread user {  # another thread: its CPU caches the old translation
  touch(m, 0x200000, read)
}

thread mover {
  mremap(m, 0x200000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x600000)
}

expect violation "tlb/flush-before-ptl-drop" at 40
