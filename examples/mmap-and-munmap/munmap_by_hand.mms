# Q: Which lock does munmap hold at each step, written out as
#    do_vmi_align_munmap() and vms_complete_munmap_vmas() run them?
# A: The mmap write lock to gather the VMAs (each write-locked and marked
#    detached) and to clear them from the maple tree; then, downgraded to
#    read, the zap: an mmu_gather around it, each PTE table's lock while its
#    entries go (zap_present_ptes()), the page tables freed and the TLB
#    flushed before the pages (tlb_finish_mmu()), ->close run and the VMAs
#    freed (remove_vma()) under the read lock (mm/vma.c; mm/memory.c:
#    unmap_vmas()).

mm m
vma v = mmap(m, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)
touch(m, 0x201000, write)
mm m2
vma w = mmap(m2, 0x200000, pages=4, prot=rw)
touch(m2, 0x200000, write)

thread unmapper {
  mmap_write_lock(m)
  vms = vms_gather_munmap_vmas(m, 0x200000, 0x204000, unlock=true)
  assert vms.error == 0
  vma_iter_clear_gfp(vms)
  mmap_write_downgrade(m)
  tlb = tlb_gather_mmu(m)
  for i in 0..vms.vma_count {
    vma = vms_detached_vma(vms, i)
    pte = pte_offset_map_lock(m, vma.vm_start)
    if pte {
      zap_present_ptes(tlb, vma, pte, vma.vm_end)
      pte_unmap_unlock(pte)
    }
  }
  free_pgtables(tlb, vms)
  tlb_finish_mmu(tlb)
  for i in 0..vms.vma_count {
    remove_vma(vms_detached_vma(vms, i))
  }
  mmap_read_unlock(m)
  mmap_read_lock(m)
  assert !find_vma_intersection(m, 0x200000, 0x204000)
  mmap_read_unlock(m)
}

thread unmapper2 {
  # the same with unmap_vmas(), which zaps every gathered VMA
  mmap_write_lock(m2)
  vms = vms_gather_munmap_vmas(m2, 0x200000, 0x204000, unlock=true)
  vma_iter_clear_gfp(vms)
  mmap_write_downgrade(m2)
  tlb = tlb_gather_mmu(m2)
  unmap_vmas(tlb, vms)
  free_pgtables(tlb, vms)
  tlb_finish_mmu(tlb)
  for i in 0..vms.vma_count {
    remove_vma(vms_detached_vma(vms, i))
  }
  mmap_read_unlock(m2)
}

expect ok
