# MADV_DONTNEED of a dirty shared file page against writeback (fix 5df397dec7c4
# "mm: delay page_remove_rmap() until after the TLB has been flushed",
# Linus Torvalds, v6.2; reported by Nadav Amit). zap_pte_range() clears a
# dirty PTE of a MAP_SHARED file page, marks the folio dirty and, since
# 1cf35d47712d "mm: split 'tlb_flush_mmu()' into tlb flushing and memory
# freeing parts" (v3.15), flushes the TLB before dropping the PTE lock
# (force_flush). But until v6.1 it removed the page's rmap at once, before
# that flush: writeback's folio_clear_dirty_for_io() -> folio_mkclean()
# then sees the folio unmapped ("if (!folio_mapped(folio)) return 0"),
# does not walk to the PTE lock the zap holds, and clears the dirty flag
# while another CPU still writes through its stale, dirty TLB entry: "a
# page that has been dirtied, but then marked clean again, all while
# another CPU might have dirtied it some more. End result: possibly lost
# dirty data." The fix keeps the rmap until tlb_flush_rmaps(), after
# tlb_flush_mmu_tlbonly() and before the PTE lock drops
# (mm/memory.c: zap_present_folio_ptes(), tlb_delay_rmap()).
# Rule: tlb/write-after-mkclean at the user's second store.
# The zap is madvise(MADV_DONTNEED)'s (mm/madvise.c:
# madvise_dontneed_single_vma() -> mm/memory.c: zap_vma_range_batched()
# -> unmap_single_vma() -> zap_pte_range()), written out with the kernel
# library's steps; munmap(2) zaps through the same zap_pte_range().
# This copy: the kernel library's zap and writeback (mainline) with
# zap_pte_range() as v6.1 had it.

mm m
file f
mmap(m, 0x400000, pages=1, prot=rw, flags=shared, file=f)
touch(m, 0x400000, write)  # the page is in the page cache and dirty
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

# mm/memory.c (v6.1): zap_pte_range(): "if (pte_dirty(ptent)) {
# force_flush = 1; set_page_dirty(page); } ... page_remove_rmap(page,
# vma, false);" in the loop, then "if (force_flush)
# tlb_flush_mmu_tlbonly(tlb); pte_unmap_unlock(start_pte, ptl);"
func zap_pte_range(tlb, vma, addr, end) {
  pte = pte_offset_map_lock(vma.vm_mm, addr)
  if !pte {
    return
  }
  flush_tlb_batched_pending(vma.vm_mm)  # since 3ea277194daa (v4.12)
  force_flush = zap_present_ptes(tlb, vma, pte, end, delay_rmap=false)
  if force_flush {
    tlb_flush_mmu_tlbonly(tlb)
  }
  pte_unmap_unlock(pte)
  if force_flush {
    tlb_flush_mmu_free(tlb)
  }
}

thread user {  # CPU C: loads a dirty TLB entry, then stores through it
  touch(m, 0x400000, write)
  touch(m, 0x400000, write)
}

thread dontneed {  # CPU A: madvise(0x400000, PAGE_SIZE, MADV_DONTNEED)
  mmap_read_lock(m)
  vma v = vma_lookup(m, 0x400000)
  tlb = tlb_gather_mmu(m)
  range = mmu_notifier_range_init(unmap, 0, m, 0x400000, 0x401000)
  mmu_notifier_invalidate_range_start(range)
  unmap_single_vma(tlb, v, 0x400000, 0x401000)
  mmu_notifier_invalidate_range_end(range)
  tlb_finish_mmu(tlb)
  mmap_read_unlock(m)
}

thread writeback {  # CPU B: the flusher writing the page back
  folio_lock(pg)
  folio_clear_dirty_for_io(pg)  # true: write the folio out
  folio_unlock(pg)
}

expect violation "tlb/write-after-mkclean: user write at 0x400000" at 57 sometimes
