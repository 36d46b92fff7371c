# Q: Moving a huge PMD by hand, as move_pgt_entry(HPAGE_PMD) does: which
#    locks?
# A: The mmap write lock, both VMAs write-locked (move_vma() and
#    copy_vma() take them), and the rmap locks around the move
#    (take_rmap_locks(), since need_rmap_locks): move_huge_pmd() takes the
#    old and the new PMD lock itself (mm/mremap.c: move_pgt_entry();
#    mm/huge_memory.c: move_huge_pmd()).

mm m
vma old = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
vma new = mmap(m, 0x800000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
touch(m, 0x200000, write)

thread mover {
  mmap_write_lock(m)
  vma_start_write(old)
  vma_start_write(new)
  pmc = pagetable_move(old, new, 0x200000, 0x800000, 0x200000, need_rmap_locks=true)
  take_rmap_locks(old)
  assert move_huge_pmd(pmc)
  drop_rmap_locks(old)
  mmap_write_unlock(m)
  assert touch(m, 0x800000, read)
}

expect ok
