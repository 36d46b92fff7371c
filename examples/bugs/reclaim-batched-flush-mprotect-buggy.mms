# mprotect against reclaim's batched TLB flush (fix 3ea277194daa "mm,
# mprotect: flush TLB if potentially racing with a parallel reclaim leaving
# stale TLB entries", Mel Gorman, v4.12, stable; race found by Nadav Amit).
# Reclaim (shrink_folio_list() -> try_to_unmap(folio, TTU_BATCH_FLUSH))
# clears the PTE under its lock in try_to_unmap_one() but does not flush
# when another CPU may hold the mm (should_defer_flush()):
# set_tlb_ubc_flush_pending() leaves the flush to try_to_unmap_flush() at
# the end of the batch. mprotect(PROT_READ) then takes the same PTE lock in
# change_pte_range(), finds the entry none, changes nothing and flushes
# nothing for it, and returns while another CPU (the set-up's, the user
# thread's) still has the writable translation: user space writes to
# memory it just made read-only (for
# PROT_NONE it reads it; munmap, mremap and madvise have the same race).
# Not a use-after-free: reclaim flushes before it frees the page ("not a
# security problem for the kernel ... but affects userspace correctness",
# Jann Horn on 383c4613c67c). The fix: flush_tlb_batched_pending() under
# the PTE lock in change_pte_range(), zap_pte_range(), move_ptes() and
# the madvise walks, which flushes the mm when mm->tlb_flush_batched says
# a batched unmap happened since the last such flush.
# Kernels affected: 4.3 (72b252aed506 "mm: send one IPI per CPU to TLB
# flush all entries after unmapping pages") to 4.11.
# Rule: tlb/batched-flush-pending, at the change of the entries under the
# PTE lock (kernel/mprotect.mms change_pte_range()).
# This copy: the kernel library's change_pte_range() without the line the
# fix added.

mm m
mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

# mm/mprotect.c: change_pte_range() before 3ea277194daa: no
# flush_tlb_batched_pending()
func change_pte_range(tlb, vma, addr, end) {
  pte = pte_offset_map_lock(vma.vm_mm, addr)
  if !pte {
    return 0
  }
  pages = modify_prot_commit_ptes(tlb, vma, pte, end)
  pte_unmap_unlock(pte)
  return pages
}

thread user {  # another CPU: caches the writable translation, writes through it
  touch(m, 0x400000, write)
  touch(m, 0x400000, write)
}

thread prot {
  mprotect(m, 0x400000, PAGE_SIZE, PROT_READ)
}

thread reclaim {  # kswapd: shrink_folio_list() of an isolated folio
  get_page(pg)  # folio_isolate_lru()'s reference
  folio_lock(pg)
  try_to_unmap(pg, TTU_BATCH_FLUSH)
  try_to_unmap_flush()  # before the folios are freed
  folio_unlock(pg)
  put_page(pg)
}

expect violation "tlb/batched-flush-pending: modify_prot_commit_ptes changes the entries of [0x400000, 0x401000)" at 43 sometimes
