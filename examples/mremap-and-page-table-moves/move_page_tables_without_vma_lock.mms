# Q: Is the mmap write lock enough to move page tables (move_page_tables)?
# A: No: since the per-VMA locks (6.4), page faults run under the VMA read
#    lock alone, which the mmap write lock does not exclude. Both VMAs must
#    be vma_start_write()n first (mremap's move_vma: "We don't want racing
#    faults"), or a fault may install an entry where the move is clearing
#    or filling one. Nothing in the kernel checks it.

mm m
file f
vma old = mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=f)
vma new = mmap(m, 0x600000, pages=2, prot=rw, flags=shared, file=f)
touch(m, 0x200000, write)

thread t {
  mmap_write_lock(m)
  pmc = pagetable_move(old, new, 0x200000, 0x600000, 0x2000, need_rmap_locks=true)
  move_page_tables(pmc)
  mmap_write_unlock(m)
}

expect violation "vma/faults-need-vma-write-lock" at 17
