# Q: Reclaim asks whether a folio was used lately (folio_referenced) while
#    the process touches it. What does it lock?
# A: Nothing blocking: it trylocks the folio (file folios) and the rmap
#    lock, gives up when they are contended, and clears the accessed bits
#    under each PTE lock (mm/rmap.c: folio_referenced()).

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
  n = folio_referenced(fp)
}

thread user {
  touch(m, 0x200000, read)
}

expect ok
