# Q: page_vma_mapped_walk() without an rmap, mmap or VMA lock?
# A: Nothing keeps the VMA or its page tables: munmap may free both under
#    the walk.

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
  pte pvmw = page_vma_mapped_walk(fp, v, 0x200000)
  if pvmw {
    page_vma_mapped_walk_done(pvmw)
  }
}

expect violation "pgtable/traverse-needs-stable-vma" at 16
