# Q: What does fork hold while it copies a VMA and its page tables, step by
#    step as dup_mmap() does it?
# A: The parent's mmap write lock, then the child's, nested
#    (mmap_write_lock_nested(): "Not linked in yet - no deadlock
#    potential"); each parent VMA write-locked before it is copied, so that
#    no fault under the VMA read lock changes it meanwhile (49b0638502da);
#    for each PTE table the child's PTE lock and then the parent's, nested
#    (copy_pte_range()); the parent's TLB flushed before its mmap lock is
#    dropped, since copying write-protected its COW pages
#    (mm/mmap.c: dup_mmap(); mm/memory.c: copy_page_range()).

mm parent
vma pv = mmap(parent, 0x200000, pages=2, prot=rw)
touch(parent, 0x200000, write)

thread forker {
  child = dup_mm_alloc(parent)
  mmap_write_lock(parent)
  mmap_write_lock_nested(child)
  src = vma_iter_nth(parent, 0)
  vma_start_write(src)
  dst = vm_area_dup(src, mm=child)
  anon_vma_fork(dst, src)
  vma_iter_bulk_store(dst, src)
  if vma_needs_copy(dst, src) {
    assert !pmd_trans_huge(pmdp_get_lockless(parent, 0x200000))  # a PTE table: copy_pte_range()
    assert pte_alloc(child, 0x200000)
    dst_pte = pte_offset_map_lock(child, 0x200000)
    src_pte = pte_offset_map_rw_nolock(parent, 0x200000)
    spin_lock_nested(src_pte.ptl)
    copy_present_ptes(dst, src, 0x200000, 0x202000)
    spin_unlock(src_pte.ptl)
    pte_unmap(src_pte)
    pte_unmap_unlock(dst_pte)
  }
  vm_ops_open(dst)
  mmap_write_unlock(child)
  flush_tlb_mm(parent)
  mmap_write_unlock(parent)
}

expect ok
