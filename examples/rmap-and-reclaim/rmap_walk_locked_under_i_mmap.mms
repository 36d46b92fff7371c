# Q: A caller already holds the file's i_mmap_rwsem: how does it walk the
#    folio's mappings?
# A: rmap_walk_locked(), which takes no rmap lock (rmap_walk() would take
#    the same rwsem again); the folio stays locked as for rmap_walk().

mm m
file f
vma v = mmap(m, 0x200000, pages=4, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x200000)
page fp = pfn_to_page(t.pfn)  # the page cache folio mapped at 0x200000
pte_unmap_unlock(t)
mmap_read_unlock(m)

thread reclaim {
  folio_lock(fp)
  i_mmap_lock_read(f)
  rmap_walk_locked(fp, "folio_referenced_one")
  i_mmap_unlock_read(f)
  n = rmap_walk(fp, "folio_referenced_one")
  folio_unlock(fp)
}

expect ok
