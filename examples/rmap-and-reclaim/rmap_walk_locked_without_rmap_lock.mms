# Q: rmap_walk_locked() without the rmap lock held?
# A: The VMAs of the i_mmap tree are then iterated unlocked: a munmap can
#    free the VMA under the walk. (The kernel's _locked walk asserts
#    nothing.)

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
  folio_lock(fp)
  rmap_walk_locked(fp, "folio_referenced_one")
  folio_unlock(fp)
}

expect violation "rmap/iterate-needs-rmap-lock" at 18
expect violation "pgtable/traverse-needs-stable-vma" at 18
