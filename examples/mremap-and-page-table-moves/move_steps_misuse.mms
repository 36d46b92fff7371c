# Q: I write my own page-table move from mremap's steps (move_pgt_entry(),
#    move_ptes()). Which mistakes does the kernel let through?
# A: alloc_new_pmd() under the mmap write lock alone: faults under the VMA
#    read lock still run on both VMAs, so the entries move under them
#    (mm/mremap.c: move_vma() write-locks both VMAs first; nothing checks
#    it). pte_alloc() under a spinlock: it allocates with GFP_KERNEL.
#    take_rmap_locks() twice: i_mmap_rwsem is not recursive, lockdep's
#    "possible recursive locking", then a self-deadlock.
#    drop_rmap_locks() without take_rmap_locks(): "bad unlock balance".

mm m
mm m2
file f
file g
spinlock stats_lock
vma old = mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=f)
vma new = mmap(m, 0x600000, pages=2, prot=rw, flags=shared, file=f)
vma other = mmap(m2, 0x200000, pages=2, prot=rw, flags=shared, file=g)
touch(m, 0x200000, write)

thread mover {
  mmap_write_lock(m)
  pmc = pagetable_move(old, new, 0x200000, 0x600000, 0x2000, need_rmap_locks=true)
  alloc_new_pmd(pmc)
  spin_lock(stats_lock)
  pte_alloc(m, 0x600000)
  spin_unlock(stats_lock)
  drop_rmap_locks(old)
  mmap_write_unlock(m)
}

thread twice {
  mmap_write_lock(m2)
  take_rmap_locks(other)
  take_rmap_locks(other)
}

expect violation "vma/faults-need-vma-write-lock: alloc_new_pmd" at 24
expect violation "lock/sleep-in-atomic: pte_alloc" at 26
expect violation "lock/unlock-not-held" at 28
expect violation "lock/recursive" at 35
expect deadlock at 35
