# Q: page_vma_mapped_walk() against khugepaged retracting the PTE table:
#    which locks make it safe?
# A: The rmap lock keeps the VMA; the walk maps the PTE table under RCU,
#    takes its lock and re-checks the PMD, restarting when
#    retract_page_tables() removed the table in between
#    (mm/page_vma_mapped.c: map_pte()).

mm m
file f
vma v = mmap(m, 0x200000, pages=4, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x200000)
page fp = pfn_to_page(t.pfn)  # the page cache folio mapped at 0x200000
pte_unmap_unlock(t)
mmap_read_unlock(m)

thread walker {
  i_mmap_lock_read(f)
  pte pvmw = page_vma_mapped_walk(fp, v, 0x200000)
  if pvmw {
    page_vma_mapped_walk_done(pvmw)
  }
  i_mmap_unlock_read(f)
}

expect ok
