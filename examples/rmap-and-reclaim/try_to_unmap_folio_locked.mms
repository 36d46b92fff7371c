# Q: Reclaim unmaps a page cache folio from every process (try_to_unmap)
#    while a process faults on it. Which locks does it need?
# A: The folio lock, nothing of the mm: the rmap walk takes the file's
#    i_mmap_rwsem for read, and per VMA page_vma_mapped_walk takes the PTE
#    lock (re-checking the PMD), clears the entry and flushes the TLB under
#    it (kernel/rmap.mms). mm/rmap.c: try_to_unmap() kernel-doc, "Context:
#    Caller must hold the folio lock".

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
  try_to_unmap(fp)
  folio_unlock(fp)
}

thread user {
  touch(m, 0x200000, read)
}

expect ok
