# Q: Migration unmaps the folio (try_to_migrate) before it copies it: the
#    same rule as try_to_unmap?
# A: Yes: the folio lock, and the rmap walk takes the rmap and PTE locks
#    itself; no mmap lock (mm/rmap.c: try_to_migrate()).

mm m
file f
vma v = mmap(m, 0x200000, pages=4, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x200000)
page fp = pfn_to_page(t.pfn)  # the page cache folio mapped at 0x200000
pte_unmap_unlock(t)
mmap_read_unlock(m)

thread migrate {
  folio_lock(fp)
  try_to_migrate(fp)
  folio_unlock(fp)
}

expect ok
