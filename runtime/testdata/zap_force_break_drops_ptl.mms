# zap_pte_range()'s force_break (mm/memory.c): when the mmu_gather's
# batch of pages is full and tlb_next_batch() cannot allocate another
# (__get_free_page(GFP_NOWAIT) fails: fail_page_alloc), the loop stops,
# the TLB is flushed, the PTE lock dropped, the pages freed and the lock
# taken again where the loop stopped. munmap() of 10 pages of one PTE
# table then holds the lock for 7 pages, then for 3: a thread taking the
# lock in between finds the first page zapped and the last still mapped.
# zap_no_force_break_holds_ptl.mms is the same without the failure.

mm m
vma v = mmap(m, 0x400000, pages=10, prot=rw, flags=private | anonymous)
for i in 0..10 {
  touch(m, 0x400000 + i * PAGE_SIZE, write)
}
fail_page_alloc(-1)  # echo 100 > probability; echo -1 > times

thread unmapper {
  munmap(m, 0x400000, pages=10)
}

thread observer {
  mmap_read_lock(m)
  midway = false
  pte first = pte_offset_map_lock(m, 0x400000)
  if first {
    zapped = !first.present
    pte_unmap_unlock(first)
    pte last = pte_offset_map_lock(m, 0x409000)
    if last {
      midway = zapped && last.present
      pte_unmap_unlock(last)
    }
  }
  mmap_read_unlock(m)
  assert !midway, "munmap's zap dropped the PTE lock mid-table"
}

expect error "munmap's zap dropped the PTE lock mid-table" sometimes
