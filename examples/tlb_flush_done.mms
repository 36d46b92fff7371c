# The fixed version of tlb_flush_missing.mms: flush the TLB range, then free
# the page. Until the flush the user may still reach the old page, which is
# harmless while it is alive; after it, the next access faults.
#
# This models the TLB ordering only; it is not a recipe for a kernel zap.
# Real code calls zap_vma_range() or, from a module, zap_vma_ptes() (rule
# book 2.8), which also bracket the change with
# mmu_notifier_invalidate_range_start/end (secondary MMUs), adjust the RSS
# counters and remove the rmap (folio_remove_rmap_pte) before the page is
# freed. mmscript's ptep_get_and_clear drops the mapcount itself; the
# kernel's does not, and a page freed still mapped is "BUG: Bad page state".

mm m
vma v = mmap(m, 0x900000, pages=1, prot=rw)

thread user {
  assert touch(m, 0x900000, write)
  repeat 6 { msleep(1) }
  assert touch(m, 0x900000, write)
}

thread reclaim {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x900000)
  if pt {  # nil: no PTE table (nothing mapped yet)
    page old = ptep_get_and_clear(pt)
    flush_tlb_range(v, 0x900000, pages=1)
    pte_unmap_unlock(pt)
    if old { put_page(old) }
  }
  mmap_read_unlock(m)
}

expect ok
