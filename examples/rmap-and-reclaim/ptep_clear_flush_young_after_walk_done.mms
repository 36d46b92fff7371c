# Q: May I clear the accessed bit after page_vma_mapped_walk_done(), once
#    I have decided the page is worth keeping?
# A: No. page_vma_mapped_walk_done() drops the PTE lock (and the table
#    mapping); a fault or a zap may change the entry in between, and the
#    clear may act on an entry that no longer maps the folio. Clear it
#    before page_vma_mapped_walk_done(), under the lock the walk returned
#    (mm/rmap.c: folio_referenced_one()). Nothing in the kernel checks it.

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
    page_vma_mapped_walk_done(pvmw)
    young = ptep_clear_flush_young(v, 0x200000, pvmw)
  }
  i_mmap_unlock_read(f)
  folio_unlock(fp)
}

expect violation "pgtable/change-needs-ptl: ptep_clear_flush_young" at 25
