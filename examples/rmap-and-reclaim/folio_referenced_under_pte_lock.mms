# Q: May code that holds a PTE lock of the mapping ask folio_referenced()?
# A: No: the walk takes that PTE lock itself (page_vma_mapped_walk), a
#    spinlock taken twice by one CPU: lockdep reports recursive locking and
#    the CPU spins forever.

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
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x200000)
  n = folio_referenced(fp)
  pte_unmap_unlock(pt)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 19
expect deadlock
