# Q: And without the folio lock?
# A: rmap_walk_file() asserts it (VM_BUG_ON_FOLIO on CONFIG_DEBUG_VM
#    kernels): without it folio->mapping may change (truncation) and new
#    mappings appear behind the walk.

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
  try_to_unmap(fp)
}

expect violation "rmap_walk/folio-not-locked" at 17
