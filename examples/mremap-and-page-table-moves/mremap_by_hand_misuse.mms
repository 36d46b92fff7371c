# Q: Moving a mapping by hand, which shortcuts does mremap's code not
#    allow?
# A: Preparing the move under the mmap read lock: mremap_to()'s
#    do_munmap() of the MREMAP_FIXED target changes the VMA tree and
#    write-locks the VMAs it unmaps (vma_start_write() asserts the mmap
#    write lock). Copying the VMA
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
mmap(m2, 0x600000, pages=2, prot=rw, flags=shared, file=g)
touch(m, 0x200000, write)

thread reader {
  vrm = vrm_init(m2, 0x200000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x600000)
  mmap_read_lock(m2)
  vrm.vma = vma_lookup(m2, vrm.addr)
  check_prep_vma(vrm)
  do_munmap(m2, vrm.new_addr, vrm.new_len)
  mmap_read_unlock(m2)
}

thread mover {
  vrm = vrm_init(m, 0x200000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x600000)
  mmap_write_lock(m)
  vrm.vma = vma_lookup(m, vrm.addr)
  check_prep_vma(vrm)
  vrm_set_new_addr(vrm)
  prep_move_vma(vrm)
  nv = copy_vma(vrm)
  pmc = vrm_pmc(vrm)
  move_page_tables(pmc)
  spin_lock(stats_lock)
  unmap_source_vma(vrm)
  spin_unlock(stats_lock)
  mmap_write_unlock(m)
}

expect violation "vma_start_write/needs-mmap-write: vms_gather_munmap_vmas" at 27
expect violation "vma/faults-need-vma-write-lock: copy_vma" at 38
expect violation "lock/sleep-in-atomic: unmap_source_vma may sleep" at 42
expect violation "lock/sleep-in-atomic: unmap_source_vma (vma_start_write)" at 42
expect violation "lock/sleep-in-atomic: vma_start_write" at 42
expect violation "lock/sleep-in-atomic: i_mmap_lock_write" at 42
