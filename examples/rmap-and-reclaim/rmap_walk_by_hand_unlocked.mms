# Q: The folio is locked; do I still need the anon_vma or i_mmap lock to
#    walk its interval tree, and may I drop a lock I did not take?
# A: Yes, the folio lock keeps folio->mapping, not the trees: a VMA that
#    munmap() or mremap() unlinks under the write side of the rmap lock
#    (anon_vma_lock_write(), i_mmap_lock_write()) may be freed while the
#    walk stands on it (mm/rmap.c: rmap_walk_anon() takes
#    folio_lock_anon_vma_read(), __rmap_walk_file() i_mmap_lock_read()).
#    folio_anon_vma_unlock_read() of a lock not held is lockdep's "bad
#    unlock balance".

mm m
file f
vma a = mmap(m, 0x200000, pages=2, prot=rw)
vma s = mmap(m, 0x400000, pages=2, prot=r, flags=shared, file=f)
touch(m, 0x200000, write)
touch(m, 0x400000, read)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x200000)
page ap = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
pte u = pte_offset_map_lock(m, 0x400000)
page fp = pfn_to_page(u.pfn)
pte_unmap_unlock(u)
mmap_read_unlock(m)

thread reclaim {
  folio_lock(ap)
  n = anon_vma_interval_tree_count(ap)
  vma = anon_vma_interval_tree_nth(ap, 0)
  folio_anon_vma_unlock_read(ap)
  folio_unlock(ap)

  VM_BUG_ON_FOLIO(!folio_test_locked(fp), fp)  # as __rmap_walk_file() asserts
  folio_lock(fp)
  pgoff = folio_pgoff(fp)
  n = vma_interval_tree_count(f, pgoff)
  vma = vma_interval_tree_nth(f, pgoff, 0)
  folio_unlock(fp)
}

expect violation "rmap/iterate-needs-rmap-lock" at 28
expect violation "rmap/iterate-needs-rmap-lock" at 29
expect violation "lock/unlock-not-held" at 30
expect violation "rmap_walk/folio-not-locked" at 33
expect violation "rmap/iterate-needs-rmap-lock" at 36
expect violation "rmap/iterate-needs-rmap-lock" at 37
