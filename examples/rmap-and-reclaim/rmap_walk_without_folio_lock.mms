# Q: rmap_walk() on an unlocked folio?
# A: rmap_walk_file() asserts the folio lock (VM_BUG_ON_FOLIO, debug kernels).

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
  n = rmap_walk(fp, "folio_referenced_one")
}

expect violation "rmap_walk/folio-not-locked" at 15
