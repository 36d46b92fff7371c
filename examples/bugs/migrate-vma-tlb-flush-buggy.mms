# migrate_vma_collect_pmd()'s TLB flush after the PTE lock drops (fix
# 60bae7370896 "mm/migrate_device.c: flush TLB while holding PTL", Alistair
# Popple, 2022, reported by Nadav Amit; Fixes: 8c3328f1f36a "mm/migrate:
# migrate_vma() unmap page from vma while collecting pages"). Kernels 4.14
# to 6.0-rc, and stable until the backports.
#
# migrate_vma_setup() collects the pages of a range to hand them to a
# device: under the PTE lock it clears each present PTE (installing a
# migration entry), then drops the lock, and only then flushes the TLB.
# In between, MADV_DONTNEED's zap_pte_range() finds no present PTE,
# flushes nothing and returns, while another CPU still writes the page
# through its stale translation: writes after madvise() returned, to a
# page being migrated. Outside an mmu_gather nothing (no
# tlb_flush_pending) tells the zap that a flush is still owed.
#
# Rule: tlb/flush-before-ptl-drop (rule family 3c), reported where the PTE
# lock is dropped with the cleared entry unflushed, whether or not a zap
# runs in between in this execution.

mm m
vma v = mmap(m, 0x900000, pages=1, prot=rw)
touch(m, 0x900000, write)  # a present PTE; this CPU caches the translation

# mm/migrate_device.c: migrate_vma_collect_pmd() before 60bae7370896, for
# one PTE (the kernel loops over the PMD's range under one PTE lock).
# ptep_get_and_clear() stands for get_page(); trylock_page();
# ptep_get_and_clear(); set_pte_at(migration entry); page_remove_rmap();
# put_page(): the caller keeps one reference (migrate->src[]).
func migrate_vma_collect_pmd(vma, start, end) {
  mm = vma.vm_mm
  ptep = pte_offset_map_lock(mm, start)
  if !ptep {
    return nil
  }
  unmapped = 0
  page = nil
  if ptep.present {
    page = ptep_get_and_clear(ptep)
    unmapped = unmapped + 1
  }
  pte_unmap_unlock(ptep)
  if unmapped > 0 {  # "Only flush the TLB if we actually modified any entries"
    flush_tlb_range(vma, start, size=end - start)
  }
  return page
}

thread user {  # another CPU: writes through the translation it cached
  touch(m, 0x900000, write)
}

thread driver {  # migrate_vma_setup() -> migrate_vma_collect(), then finalize
  mmap_read_lock(m)
  page = migrate_vma_collect_pmd(v, 0x900000, 0x901000)
  mmap_read_unlock(m)
  if page {
    put_page(page)  # migrate_vma_finalize(): the collected reference
  }
}

expect violation "tlb/flush-before-ptl-drop" at 41
