# Q: try_to_migrate() on a folio the caller did not lock?
# A: The rmap walk asserts the folio lock (debug kernels BUG).

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
  try_to_migrate(fp)
}

expect violation "rmap_walk/folio-not-locked" at 15
