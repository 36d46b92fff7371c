# CVE-2018-18281: mremap's move_ptes() dropped the PTLs before the TLB flush
# (flush only in move_page_tables() after the loop). Fix eb66ae030829.
mm m
file f
mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=f)
touch(m, 0x200000, write)

# pre-fix mm/mremap.c: move_ptes() (v4.19): no flush under the PTL
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
  flush_tlb_batched_pending(vma.vm_mm)  # since 3ea277194daa (v4.12)
  ptes = get_and_clear_full_ptes(old_pte, extent / PAGE_SIZE)
  set_ptes(new_pte, ptes)
  if new_pte.ptl != old_pte.ptl {
    spin_unlock(new_pte.ptl)
  }
  pte_unmap(new_pte)
  pte_unmap_unlock(old_pte)
  if pmc.need_rmap_locks {
    drop_rmap_locks(vma)
  }
  flush_tlb_range(vma, pmc.old_addr, size=extent)
  return 0
}

thread mover {
  mremap(m, 0x200000, 2 * PAGE_SIZE, 2 * PAGE_SIZE, flags=maymove | fixed, new_addr=0x800000)
}
thread trunc {
  unmap_mapping_range(f, 0, 2 * PAGE_SIZE)
}
thread user {
  touch(m, 0x200000, read)
}

expect violation "tlb/flush-before-ptl-drop" at 30 sometimes
