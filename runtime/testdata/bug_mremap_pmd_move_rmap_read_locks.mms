# mremap moved a whole PTE table (move_normal_pmd) holding the rmap locks
# only for read, so try_to_unmap() could walk the table through the old
# VMA meanwhile (fix 97113eb39fa7 "mm/mremap: hold the rmap lock in write
# mode when moving page table entries.", Aneesh Kumar K.V, v6.0-rc1;
# read mode since 2014's "mm/mremap: share the i_mmap_rwsem").
#
# move_normal_pmd() holds the mmap write lock and the two PMD locks, not
# the moved table's PTE lock. A reclaim walk under i_mmap_rwsem for read
# finds the page at the old address, takes the table's PTE lock
# (page_vma_mapped_walk), and after the move clears the PTE and flushes
# the old address only (ptep_clear_flush): a CPU that accessed the new
# address keeps a TLB entry for a page that is then freed. Kernels 4.14
# (move_normal_pmd, 2dfe1b3f6ce2) to 5.19.
#
# Rule: pgtable/non-terminal-change (family 3b: a PMD entry that points to
# a PTE table changes while a walker can still reach the table), at the move.

mm m
file f
mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)  # a PTE table under the whole PMD
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x200000)
page fp = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

# mm/mremap.c (v5.19): take_rmap_locks() and drop_rmap_locks()
# (mmscript's take_rmap_locks is the fixed one: these have other names)
func take_rmap_locks_read(vma) {
  if vma.vm_file {
    i_mmap_lock_read(vma.vm_file)
  }
  if vma.anon_vma {
    anon_vma_lock_read(vma)
  }
}
func drop_rmap_locks_read(vma) {
  if vma.anon_vma {
    anon_vma_unlock_read(vma)
  }
  if vma.vm_file {
    i_mmap_unlock_read(vma.vm_file)
  }
}

# mm/mremap.c (v5.19): move_pgt_entry()
func move_pgt_entry(pmc, entry) {
  need_rmap_locks = pmc.need_rmap_locks || entry == NORMAL_PMD
  if need_rmap_locks {
    take_rmap_locks_read(pmc.old)
  }
  if entry == NORMAL_PMD {
    moved = move_normal_pmd(pmc)
  } else {
    moved = move_huge_pmd(pmc)
  }
  if need_rmap_locks {
    drop_rmap_locks_read(pmc.old)
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

expect violation "pgtable/non-terminal-change: pmd_move_table at 0x200000 -> 0x600000"
