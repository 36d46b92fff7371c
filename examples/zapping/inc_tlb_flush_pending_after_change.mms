# Q: A batched change of PTEs defers its TLB flush past the PTL
#    (inc_tlb_flush_pending(); ...; flush_tlb_range();
#    dec_tlb_flush_pending()). Does it matter whether the count is raised
#    before or after the changes?
# A: Before: "atomic_inc(&mm->tlb_flush_pending); spin_lock(&ptl); ...
#    set_pte_at(); spin_unlock(&ptl); ... flush_tlb_range();
#    atomic_dec(&mm->tlb_flush_pending). Where the increment if constrained
#    by the PTL unlock, it thus ensures that the increment is visible if
#    the PTE modification is visible" (include/linux/mm_inline.h:
#    inc_tlb_flush_pending()). Raised after the PTL dropped, a thread that
#    takes the PTL in between sees the cleared entry and
#    mm_tlb_flush_pending() false, and skips the flush this CPU still
#    needs. The kernel checks neither order.

mm m
vma v = mmap(m, 0x500000, pages=1, prot=rw, flags=private)

thread t {
  assert touch(m, 0x500000, write)  # this CPU caches the translation
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x500000)
  page old = ptep_get_and_clear(pt)
  pte_unmap_unlock(pt)
  inc_tlb_flush_pending(m)  # too late: the change is already visible
  flush_tlb_range(v, 0x500000, pages=1)
  dec_tlb_flush_pending(m)
  if old { put_page(old) }
  mmap_read_unlock(m)
}

expect violation "inc_tlb_flush_pending/after-pte-change" at 24
# With no pending count raised, the unlock leaves the cleared entry
# unflushed for a racing zap to find none (60bae7370896).
expect violation "tlb/flush-before-ptl-drop" at 23
