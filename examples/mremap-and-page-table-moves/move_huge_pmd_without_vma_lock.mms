# Q: Is the mmap write lock enough to move a huge PMD between VMAs?
# A: No, for the same reason as for page tables: faults under the VMA read
#    lock still run on both VMAs, and one may install or read the entry
#    while it moves. Both VMAs must be vma_start_write()n first
#    (mm/mremap.c: move_vma(): "We don't want racing faults"); nothing in
#    the kernel checks it.

mm m
vma old = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
vma new = mmap(m, 0x800000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
touch(m, 0x200000, write)

thread mover {
  mmap_write_lock(m)
  pmc = pagetable_move(old, new, 0x200000, 0x800000, 0x200000, need_rmap_locks=true)
  take_rmap_locks(old)
  move_huge_pmd(pmc)
  drop_rmap_locks(old)
  mmap_write_unlock(m)
}

expect violation "vma/faults-need-vma-write-lock: move_huge_pmd: vma[0x200000-0x400000]" at 17
expect violation "vma/faults-need-vma-write-lock: move_huge_pmd: vma[0x800000-0xa00000]" at 17
