# Q: Two threads raise mm->tlb_flush_pending at once. One clears a PTE
#    in its batch and drops its count before the flush; the other only
#    raises and drops the count around work of its own. Which of them
#    breaks the ordering, whichever brings the count back to zero?
# A: The one that changed the entry. The ordering is each caller's, about
#    its own changes: "atomic_inc(&mm->tlb_flush_pending);
#    spin_lock(&ptl); ... set_pte_at(); spin_unlock(&ptl); ...
#    flush_tlb_range(); atomic_dec(&mm->tlb_flush_pending)", and "The
#    decrement is ordered by the flush_tlb_range(), such that
#    mm_tlb_flush_pending() will not return false unless all flushes have
#    completed" (include/linux/mm_inline.h: inc_tlb_flush_pending()).
#    Its early decrement is wrong even while the other batch keeps the
#    count raised: that batch may end first. The other thread's increment
#    and decrement are innocent in every order. The kernel checks neither.
#    With the flush before the decrement:
#    dec_tlb_flush_pending_other_thread_fixed.mms.

mm m
vma v = mmap(m, 0x500000, pages=1, prot=rw, flags=private)

thread batcher {
  assert touch(m, 0x500000, write)  # this CPU caches the translation
  mmap_read_lock(m)
  inc_tlb_flush_pending(m)
  pte pt = pte_offset_map_lock(m, 0x500000)
  page old = ptep_get_and_clear(pt)
  pte_unmap_unlock(pt)
  dec_tlb_flush_pending(m)  # before the flush of its own change
  flush_tlb_range(v, 0x500000, pages=1)
  if old { put_page(old) }
  mmap_read_unlock(m)
}

thread other {  # a batch of its own, which changes nothing here
  inc_tlb_flush_pending(m)
  dec_tlb_flush_pending(m)
}

expect violation "dec_tlb_flush_pending/before-flush" at 28
