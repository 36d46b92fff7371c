# The fixed form of bug_mremap_pmd_move_rmap_read_locks.mms (97113eb39fa7,
# v6.0-rc1): take_rmap_locks() takes i_mmap_rwsem and the anon_vma lock for
# write, so no rmap walker is inside the table while move_normal_pmd()
# moves it; try_to_unmap() finds the page at the new address afterwards.

mm m
file f
mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)  # a PTE table under the whole PMD
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x200000)
page fp = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

# mm/mremap.c (v6.0): move_pgt_entry()
func move_pgt_entry(pmc, entry) {
  need_rmap_locks = pmc.need_rmap_locks || entry == NORMAL_PMD
  if need_rmap_locks {
    take_rmap_locks(pmc.old)
  }
  if entry == NORMAL_PMD {
    moved = move_normal_pmd(pmc)
  } else {
    moved = move_huge_pmd(pmc)
  }
  if need_rmap_locks {
    drop_rmap_locks(pmc.old)
  }
  return moved
}

thread mover {
  mremap(m, 0x200000, PMD_SIZE, PMD_SIZE, flags=maymove | fixed, new_addr=0x600000)
}

thread reclaim {  # shrink_folio_list() -> try_to_unmap()
  folio_lock(fp)
  try_to_unmap(fp)
  folio_unlock(fp)
}

expect ok
