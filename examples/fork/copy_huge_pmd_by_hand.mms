# Q: Forking a VMA mapped by a huge PMD, step by step: which locks does
#    copy_huge_pmd() need?
# A: Both mms' mmap write locks (the child's nested) and the parent VMA
#    write-locked, as for copy_pte_range(): the huge PMD is write-protected
#    in the parent and shared with the child, which a fault under the VMA
#    read lock must not race with. copy_huge_pmd() takes the child's and
#    the parent's PMD locks itself (mm/huge_memory.c: copy_huge_pmd();
#    mm/mmap.c: dup_mmap()).

mm parent
vma pv = mmap(parent, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
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
  assert pmd_trans_huge(pmdp_get_lockless(parent, 0x200000))
  copy_huge_pmd(dst, src, 0x200000)
  mmap_write_unlock(child)
  flush_tlb_mm(parent)
  mmap_write_unlock(parent)
}

expect ok
