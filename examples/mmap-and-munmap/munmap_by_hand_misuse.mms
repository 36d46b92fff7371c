# Q: Writing munmap's steps out by hand, which shortcuts break?
# A: Gathering the VMAs under the mmap read lock: vms_gather_munmap_vmas()
#    write-locks each VMA, and vma_start_write() asserts the mmap write
#    lock (include/linux/mmap_lock.h: mmap_assert_write_locked(), a WARN).
#    Zapping a table's entries without its PTE lock: a fault or an rmap
#    walk changes them under the same lock (mm/memory.c: zap_pte_range()).
#    free_pgtables(), tlb_finish_mmu() and remove_vma() under a spinlock:
#    all may sleep (remove_vma(): might_sleep(); vma_close(); freeing the
#    gathered pages: mm/mmu_gather.c: __tlb_batch_free_encoded_pages()
#    calls cond_resched()).

mm m
mm m2
spinlock stats_lock
vma v = mmap(m, 0x200000, pages=4, prot=rw)
vma w = mmap(m2, 0x200000, pages=4, prot=rw)
touch(m, 0x200000, write)
touch(m, 0x201000, write)

thread reader {
  mmap_read_lock(m2)
  vms = vms_gather_munmap_vmas(m2, 0x200000, 0x204000, unlock=true)
  mmap_read_unlock(m2)
}

thread unmapper {
  mmap_write_lock(m)
  vms = vms_gather_munmap_vmas(m, 0x200000, 0x204000, unlock=true)
  vma_iter_clear_gfp(vms)
  mmap_write_downgrade(m)
  tlb = tlb_gather_mmu(m)
  vma = vms_detached_vma(vms, 0)
  pte = pte_offset_map(m, vma.vm_start)
  zap_present_ptes(tlb, vma, pte, vma.vm_end)
  pte_unmap(pte)
  spin_lock(stats_lock)
  free_pgtables(tlb, vms)
  tlb_finish_mmu(tlb)
  remove_vma(vma)
  spin_unlock(stats_lock)
  mmap_read_unlock(m)
}

expect violation "vma_start_write/needs-mmap-write: vms_gather_munmap_vmas" at 22
expect violation "pgtable/change-needs-ptl: zap_present_ptes" at 34
expect violation "lock/sleep-in-atomic: free_pgtables" at 37
# free_pgtables() unlinks each VMA from its anon_vma under the anon_vma's
# rwsem for write (unlink_anon_vmas()): a sleeping lock
expect violation "lock/sleep-in-atomic: anon_vma_lock_write" at 37
expect violation "lock/sleep-in-atomic: tlb_flush_mmu" at 38
expect violation "lock/sleep-in-atomic: remove_vma" at 39
