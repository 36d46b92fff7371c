# mremap against reclaim's batched TLB flush (fix 3ea277194daa "mm,
# mprotect: flush TLB if potentially racing with a parallel reclaim leaving
# stale TLB entries", Mel Gorman, v4.12, stable; the same commit added the
# call to move_ptes(), zap_pte_range() and madvise_free_pte_range()).
# Reclaim (shrink_folio_list() -> try_to_unmap(folio, TTU_BATCH_FLUSH))
# clears the PTE under its lock in try_to_unmap_one() and, as another CPU
# may hold the mm (should_defer_flush()), leaves the flush to
# try_to_unmap_flush() at the end of its batch. mremap()'s move_ptes()
# then takes the same PTE lock, finds the entry none, moves nothing and,
# with no present entry moved (force_flush stays false), flushes nothing:
# the user thread's CPU goes on reading and writing the page through the
# old address after move_ptes() let the lock go. With MREMAP_DONTUNMAP
# (here) the old range stays mapped, empty, and mremap() returns with the
# CPU still reaching the moved page through it, until reclaim's flush;
# without it the unmap of the source (zap_pte_range(), which has the
# call) would flush before mremap() returns.
# Kernels affected: 4.3 (72b252aed506) to 4.11.
# Rule: tlb/batched-flush-pending, at get_and_clear_full_ptes (move_ptes()
# under its PTE locks, kernel/mremap.mms).
# This copy: the kernel library's move_ptes() without the line the fix
# added.

mm m
mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)
get_page(pg)  # reclaim's folio_isolate_lru() reference, taken before the race

# mm/mremap.c: move_ptes() before 3ea277194daa: no
# flush_tlb_batched_pending()
func move_ptes(pmc, extent) {
  vma = pmc.old
  mm = vma.vm_mm
  if pmc.need_rmap_locks {
    take_rmap_locks(vma)
  }
  old_pte = pte_offset_map_lock(mm, pmc.old_addr)
  if !old_pte {
    if pmc.need_rmap_locks {
      drop_rmap_locks(vma)
    }
    return -EAGAIN
  }
  new_pte = pte_offset_map_rw_nolock(mm, pmc.new_addr)
  if new_pte.ptl != old_pte.ptl {
    spin_lock_nested(new_pte.ptl)
  }
  ptes = get_and_clear_full_ptes(old_pte, extent / PAGE_SIZE)
  set_ptes(new_pte, ptes)
  if ptes.present > 0 {
    flush_tlb_range(vma, pmc.old_addr, size=extent)
  }
  if new_pte.ptl != old_pte.ptl {
    spin_unlock(new_pte.ptl)
  }
  pte_unmap(new_pte)
  pte_unmap_unlock(old_pte)
  if pmc.need_rmap_locks {
    drop_rmap_locks(vma)
  }
  return 0
}

thread user {  # another CPU: caches the writable translation, writes through it
  touch(m, 0x400000, write)
}

thread mover {
  mremap(m, 0x400000, PAGE_SIZE, PAGE_SIZE, flags=maymove | fixed | dontunmap, new_addr=0x800000)
}

thread reclaim {  # kswapd: shrink_folio_list() of the isolated folio
  folio_lock(pg)
  try_to_unmap(pg, TTU_BATCH_FLUSH)
  try_to_unmap_flush()  # before the folios are freed
  folio_unlock(pg)
  put_page(pg)
}

expect violation "tlb/batched-flush-pending: get_and_clear_full_ptes changes the entries of [0x400000, 0x401000)" at 52 sometimes
