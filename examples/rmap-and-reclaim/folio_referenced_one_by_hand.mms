# Q: Testing and clearing the accessed bit of a mapping by hand, as
#    folio_referenced_one() does: what must be held?
# A: The rmap lock of the walk (here the file's i_mmap_rwsem) to keep the
#    VMA, and the PTE lock that page_vma_mapped_walk() returns the entry
#    with: ptep_clear_flush_young() clears a bit that faults and zaps
#    change under the same lock, then flushes the TLB entry (mm/rmap.c:
#    folio_referenced_one()).

mm m
file f
vma v = mmap(m, 0x200000, pages=4, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x200000)
page fp = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

thread reclaim {
  folio_lock(fp)
  i_mmap_lock_read(f)
  pte pvmw = page_vma_mapped_walk(fp, v, 0x200000)
  if pvmw {
    young = ptep_clear_flush_young(v, 0x200000, pvmw)
    page_vma_mapped_walk_done(pvmw)
  }
  i_mmap_unlock_read(f)
  folio_unlock(fp)
}

expect ok
