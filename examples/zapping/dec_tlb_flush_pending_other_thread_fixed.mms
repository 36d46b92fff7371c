# Q: dec_tlb_flush_pending_other_thread.mms with the batch flushed before
#    its count drops: is any order of the two threads wrong now?
# A: No. The batcher's change is flushed before its decrement, as
#    tlb_finish_mmu() does (tlb_flush_mmu(), then dec_tlb_flush_pending()),
#    and the other thread changes no entry, so neither its increment nor
#    its decrement can come on the wrong side of a change of its own, even
#    when it raises the count after the batcher's change or drops it to
#    zero while the batcher's flush is still pending
#    (include/linux/mm_inline.h: inc_tlb_flush_pending()).

mm m
vma v = mmap(m, 0x500000, pages=1, prot=rw, flags=private)

thread batcher {
  assert touch(m, 0x500000, write)  # this CPU caches the translation
  mmap_read_lock(m)
  inc_tlb_flush_pending(m)
  pte pt = pte_offset_map_lock(m, 0x500000)
  page old = ptep_get_and_clear(pt)
  pte_unmap_unlock(pt)
  flush_tlb_range(v, 0x500000, pages=1)
  dec_tlb_flush_pending(m)
  if old { put_page(old) }
  mmap_read_unlock(m)
}

thread other {  # a batch of its own, which changes nothing here
  inc_tlb_flush_pending(m)
  dec_tlb_flush_pending(m)
}

expect ok
