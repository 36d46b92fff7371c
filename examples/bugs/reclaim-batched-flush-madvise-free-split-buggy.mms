# madvise(MADV_FREE) against reclaim's batched TLB flush, after the walk
# split a large folio (fix 383c4613c67c "mm: close theoretical race where
# stale TLB entries could linger", Ryan Roberts, v6.16, stable; found in
# review, theoretical). madvise_free_pte_range() calls
# flush_tlb_batched_pending() after it takes the PTE lock (3ea277194daa),
# but a large folio the range maps only in part makes it drop the lock,
# split_folio() and take the lock again; until the fix it did not flush
# again. Reclaim (shrink_folio_list() -> try_to_unmap(folio,
# TTU_BATCH_FLUSH)) may clear an entry of the range in that window and
# leave its flush to try_to_unmap_flush(): the loop then finds the entry
# none, cleans and gathers nothing for it, and madvise() returns while
# the user thread's CPU still writes the page through its old writable
# translation. madvise_cold_or_pageout_pte_range() had the same gap
# (9c276cc65a58), fixed by the same commit.
# Kernels affected: 4.12 (3ea277194daa) to 6.15.
# Rule: tlb/batched-flush-pending, at clear_young_dirty_ptes after the
# split (the loop of madvise_free_pte_range(), kernel/madvise.mms).
# This copy: the kernel library's madvise_free_pte_range() without the
# second flush; madvise() as the kernel library has it.
#
# The large folio: a THP whose PMD MADV_DONTNEED split (zap_pmd_range()
# -> __split_huge_pmd()) while zapping its second half; the PTE table
# maps its first 256 pages and, at 0x300000, a small page faulted later.
# MADV_FREE of [0x2ff000, 0x301000) finds the THP's last mapped page
# first, a batch of 1 of a folio of 512: it splits the folio, then walks
# on to 0x300000, the page reclaim unmaps.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
assert touch(m, 0x200000, write)                      # a PMD-mapped THP (do_huge_pmd_anonymous_page)
madvise(m, 0x300000, 256 * PAGE_SIZE, MADV_DONTNEED)  # the PMD split, the folio mapped in part
assert touch(m, 0x300000, write)                      # a small folio in the same PTE table
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x300000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)
get_page(pg)  # reclaim's folio_isolate_lru() reference, taken before the race

# mm/madvise.c: madvise_free_pte_range() before 383c4613c67c: no
# flush_tlb_batched_pending() after the lock is taken again
func madvise_free_pte_range(tlb, vma, addr, end) {
  mm = vma.vm_mm
  if pmd_trans_huge(pmdp_get_lockless(mm, addr)) {
    if madvise_free_huge_pmd(tlb, vma, addr, end) {
      return 0
    }
  }
  pte = pte_offset_map_lock(mm, addr)
  if !pte {
    return 0
  }
  flush_tlb_batched_pending(mm)
  while true {
    folio = clear_young_dirty_ptes(tlb, vma, pte, end, addr=addr)
    addr = tlb.addr
    if !folio {
      break
    }
    nr = madvise_folio_pte_batch(addr, end, folio, pte)
    if folio_maybe_mapped_shared(folio) || !folio_trylock(folio) {
      addr += nr * PAGE_SIZE
      continue
    }
    folio_get(folio)
    pte_unmap_unlock(pte)
    err = split_folio(folio)
    folio_unlock(folio)
    folio_put(folio)
    pte = pte_offset_map_lock(mm, addr)
    if !pte {
      return 0
    }
    if err != 0 {
      addr += nr * PAGE_SIZE
    }
  }
  pte_unmap_unlock(pte)
  might_sleep()  # cond_resched()
  return 0
}

thread user {  # another CPU: caches the writable translation, uses it after madvise()
  touch(m, 0x300000, write)
  touch(m, 0x300000, read)
}

thread lazyfree {
  madvise(m, 0x2ff000, 2 * PAGE_SIZE, MADV_FREE)
}

thread reclaim {  # kswapd: shrink_folio_list() of the isolated folio
  folio_lock(pg)
  try_to_unmap(pg, TTU_BATCH_FLUSH)
  try_to_unmap_flush()  # before the folios are freed
  folio_unlock(pg)
  put_page(pg)
}

expect violation "tlb/batched-flush-pending: clear_young_dirty_ptes changes the entries of [0x2ff000, 0x301000)" at 55 sometimes
# and, when madvise's gather finishes with the stale translation still
# there (tlb_finish_mmu() flushed only what the walk cleaned):
expect violation "tlb/stale-after-zap: tlb_flush_mmu: the MADV_FREE walk of [0x2ff000, 0x301000) is finished while CPU 0 still translates 0x300000" sometimes
