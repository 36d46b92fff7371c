# Q: I found a page under its PTE lock. May I take its anon_vma lock there
#    to look at its other mappings?
# A: No. folio_lock_anon_vma_read() first tries down_read_trylock(), which
#    never sleeps, so testing passes while the anon_vma is free; when a
#    writer holds it (a forked child unlinking its anon_vma chain), it falls
#    back to anon_vma_lock_read(), which sleeps under the spinlock:
#    "sleeping function called from invalid context" on a debug kernel,
#    "scheduling while atomic" on every kernel once it blocks. And the rmap
#    lock ranks above the PTE lock (mm/rmap.c lock ordering), so lockdep
#    reports the inversion. Take it before the PTE lock, or use the
#    try_lock form reclaim uses (rwc->try_lock)
#    (mm/rmap.c: folio_lock_anon_vma_read()).

mm m
vma a = mmap(m, 0x200000, pages=2, prot=rw)
touch(m, 0x200000, write)
mmap_read_lock(m)
pte t0 = pte_offset_map_lock(m, 0x200000)
page ap = pfn_to_page(t0.pfn)
pte_unmap_unlock(t0)
mmap_read_unlock(m)

thread unlink {
  # a forked child's exit: unlink_anon_vmas() takes the shared root
  # anon_vma for write (under the child's own mmap lock, not m's)
  anon_vma_lock_write(a)
  anon_vma_unlock_write(a)
}

thread walker {
  mmap_read_lock(m)
  pte t = pte_offset_map_lock(m, 0x200000)
  folio_lock_anon_vma_read(ap)
  folio_anon_vma_unlock_read(ap)
  pte_unmap_unlock(t)
  mmap_read_unlock(m)
}
expect violation "lock/sleep-in-atomic: folio_lock_anon_vma_read may sleep" at 33
expect violation "lock/sleep-in-atomic: anon_vma_lock_read" at 33
expect violation "sched/scheduling-while-atomic: anon_vma_lock_read" at 33
expect violation "lockdep/circular" at 33
