# Q: Moving a mapping by hand, which shortcuts does mremap's code not
#    allow?
# A: Preparing the move under the mmap read lock: vrm_prepare() may unmap
#    the target and change the VMA tree, and write-locks VMAs
#    (vma_start_write() asserts the mmap write lock). Copying the VMA
#    before write-locking the source: a fault under the VMA read lock may
#    set its anon_vma or entries meanwhile (move_vma(): "We don't want
#    racing faults", nothing checks it). Unmapping the source under a
#    spinlock: it takes i_mmap_rwsem and VMA write locks, and sleeps.

mm m
mm m2
file f
file g
spinlock stats_lock
mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=f)
mmap(m2, 0x200000, pages=2, prot=rw, flags=shared, file=g)
touch(m, 0x200000, write)

thread reader {
  mmap_read_lock(m2)
  vrm = vrm_prepare(m2, 0x200000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x600000)
  mmap_read_unlock(m2)
}

thread mover {
  mmap_write_lock(m)
  vrm = vrm_prepare(m, 0x200000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x600000)
  prep_move_vma(vrm)
  nv = copy_vma(vrm)
  pmc = vrm_pmc(vrm)
  move_page_tables(pmc)
  spin_lock(stats_lock)
  unmap_source_vma(vrm)
  spin_unlock(stats_lock)
  mmap_write_unlock(m)
}

expect violation "vma_start_write/needs-mmap-write: vrm_prepare" at 22
expect violation "vma/faults-need-vma-write-lock: copy_vma" at 30
expect violation "lock/sleep-in-atomic: unmap_source_vma may sleep" at 34
expect violation "lock/sleep-in-atomic: unmap_source_vma (vma_start_write)" at 34
expect violation "lock/sleep-in-atomic: vma_start_write" at 34
expect violation "lock/sleep-in-atomic: i_mmap_lock_write" at 34
