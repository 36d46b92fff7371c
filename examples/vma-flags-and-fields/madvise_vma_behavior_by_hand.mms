# Q: Applying an madvise() behaviour to one VMA by hand, as
#    madvise_walk_vmas() does: which lock does each behaviour need?
# A: What madvise's get_lock_mode() picks: behaviours that change vm_flags
#    (MADV_DONTFORK, MADV_DONTDUMP, ...) the mmap write lock, since
#    madvise_update_vma() may split or merge the VMA and write-locks it;
#    MADV_DONTNEED the mmap read lock (or, in mainline, the VMA read lock)
#    (mm/madvise.c: get_lock_mode(), madvise_vma_behavior()).

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)
vma w = mmap(m, 0x400000, pages=4, prot=rw)
touch(m, 0x100000, write)
touch(m, 0x400000, write)

thread flags {
  mmap_write_lock(m)
  prev = vma_prev(m, v)
  assert madvise_vma_behavior(m, nil, v, prev, 0x100000, 0x102000, MADV_DONTFORK) == 0
  mmap_write_unlock(m)
}

thread dontneed {
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  assert madvise_vma_behavior(m, tlb, w, nil, 0x400000, 0x402000, MADV_DONTNEED) == 0
  tlb_finish_mmu(tlb)
  mmap_read_unlock(m)
}

expect ok
