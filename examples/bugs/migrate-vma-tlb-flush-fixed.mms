# migrate_vma_collect_pmd()'s TLB flush, fixed (60bae7370896
# "mm/migrate_device.c: flush TLB while holding PTL", 2022): the flush of
# the collected range runs before pte_unmap_unlock(), so by the time a
# racing MADV_DONTNEED can see the cleared entry no CPU translates it.
# Rule: tlb/flush-before-ptl-drop (rule family 3c).

mm m
vma v = mmap(m, 0x900000, pages=1, prot=rw)
touch(m, 0x900000, write)

# mm/migrate_device.c: migrate_vma_collect_pmd() after 60bae7370896, for
# one PTE (see migrate-vma-tlb-flush-buggy.mms).
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
  if unmapped > 0 {  # "Only flush the TLB if we actually modified any entries"
    flush_tlb_range(vma, start, size=end - start)
  }
  pte_unmap_unlock(ptep)
  return page
}

thread user {
  touch(m, 0x900000, write)
}

thread driver {
  mmap_read_lock(m)
  page = migrate_vma_collect_pmd(v, 0x900000, 0x901000)
  mmap_read_unlock(m)
  if page {
    put_page(page)
  }
}

expect ok
