# The lost write of 5df397dec7c4 ("mm: delay page_remove_rmap() until
# after the TLB has been flushed") in one fixed order: the zap removes the
# rmap of a dirty shared file page before its TLB flush (v6.1's
# zap_pte_range(): delay_rmap=false), writeback's folio_mkclean() sees
# the folio unmapped and the flag is cleared, and the user's CPU stores
# through its stale dirty TLB entry before the zap's flush. The
# round-robin run takes one step of each thread in turn; the queries
# (folio_test_locked) only hold a thread back a step. Rule:
# tlb/write-after-mkclean at the second store.
# (examples/bugs/dirty-shared-zap-rmap-{buggy,fixed}.mms explore it.)

mm m
file f
vma v = mmap(m, 0x400000, pages=1, prot=rw, flags=shared, file=f)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

thread user {
  touch(m, 0x400000, write)  # the TLB entry: writable and dirty
  folio_test_locked(pg)
  folio_test_locked(pg)
  folio_test_locked(pg)
  folio_test_locked(pg)
  touch(m, 0x400000, write)  # after writeback cleaned the folio
}

thread zapper {
  mmap_read_lock(m)
  tlb = tlb_gather_mmu(m)
  pte z = pte_offset_map_lock(m, 0x400000)
  force_flush = zap_present_ptes(tlb, v, z, 0x401000, delay_rmap=false)
  folio_test_locked(pg)
  if force_flush {
    tlb_flush_mmu_tlbonly(tlb)
  }
  pte_unmap_unlock(z)
  tlb_finish_mmu(tlb)
  mmap_read_unlock(m)
}

thread writeback {
  folio_lock(pg)
  folio_clear_dirty_for_io(pg)
  folio_unlock(pg)
}

expect violation "tlb/write-after-mkclean: user write at 0x400000" at 28
