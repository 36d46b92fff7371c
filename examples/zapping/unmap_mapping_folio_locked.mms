# Q: How does truncation zap the user mappings of one page-cache folio?
# A: unmap_mapping_folio(), with the folio locked and no mm lock: it takes
#    the mapping's i_mmap_rwsem for read and zaps that folio's PTEs in every
#    VMA mapping it, leaving private COW copies alone (mm/memory.c:
#    unmap_mapping_folio(); rule book 2.9).

mm m
file data
mmap(m, 0x100000, pages=2, prot=r, flags=shared, file=data)
touch(m, 0x100000, read)

thread truncate {
  mmap_read_lock(m)
  pte e = pte_offset_map_lock(m, 0x100000)
  page pg = pfn_to_page(e.pfn)
  pte_unmap_unlock(e)
  mmap_read_unlock(m)
  folio_lock(pg)
  n = unmap_mapping_folio(pg)
  assert n == 1, "the one mapping of the folio is gone"
  folio_unlock(pg)
}

expect ok
