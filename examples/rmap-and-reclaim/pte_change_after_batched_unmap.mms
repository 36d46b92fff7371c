# Q: Reclaim unmapped a folio with TTU_BATCH_FLUSH and has not flushed yet.
#    A path now takes the PTE lock of that entry to change the table (as
#    mprotect's change_pte_range() does). What must it do first?
# A: flush_tlb_batched_pending(mm), right after taking the lock: the entry
#    is none, so the path changes and flushes nothing for it, while
#    another CPU still translates the address through the entry reclaim
#    cleared; after the path returns that CPU still writes to memory the
#    path made read-only (or unmapped). mm/rmap.c:
#    flush_tlb_batched_pending(); commit 3ea277194daa (v4.12).

mm m
vma v = mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)  # CPU 0 caches the writable translation
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

thread k {
  get_page(pg)
  folio_lock(pg)
  try_to_unmap(pg, TTU_BATCH_FLUSH)  # another CPU holds the mm: batched
  folio_unlock(pg)
  mmap_write_lock(m)
  pte p = pte_offset_map_lock(m, 0x400000)
  modify_prot_commit_ptes(nil, v, p, 0x401000)  # no flush_tlb_batched_pending() before
  pte_unmap_unlock(p)
  mmap_write_unlock(m)
  try_to_unmap_flush()
  put_page(pg)
}

expect violation "tlb/batched-flush-pending" at 27
