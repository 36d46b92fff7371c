# Fixed: khugepaged-retract-locks-buggy.mms with 8d3c106e19e8 ("mm/khugepaged:
# take the right locks for page table retraction", v6.1) and 2ba99c5e0881
# ("mm/khugepaged: fix GUP-fast interaction by sending IPI", same series):
# the retraction holds every lock a walk may start under for write (the
# mmap lock, the VMA lock on 6.4+, the file's i_mmap_rwsem; the anon_vma
# lock when the VMA has one), and waits for GUP-fast walkers
# (tlb_remove_table_sync_one) before pte_free. The rmap walker now runs
# before or after the retraction, never inside it.
# Mainline retracts differently (retract_page_tables: PMD lock + PTE lock,
# pte_free_defer; see examples/rmap-and-reclaim).

mm m
file f
vma v = mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)

# mm/khugepaged.c: collapse_and_free_pmd() after 8d3c106e19e8 and 2ba99c5e0881
func collapse_and_free_pmd(mm, vma, addr) {
  ptl = pmd_lock(mm, addr)
  pmd = pmdp_collapse_flush(vma, addr)
  spin_unlock(ptl)
  tlb_remove_table_sync_one()
  pte_free(mm, pmd)
}

thread khugepaged {
  mmap_write_lock(m)
  vma_start_write(v)
  i_mmap_lock_write(f)  # collapse_pte_mapped_thp(): "We need to lock the mapping"
  collapse_and_free_pmd(m, v, 0x200000)
  i_mmap_unlock_write(f)
  mmap_write_unlock(m)
}

thread reclaim {
  i_mmap_lock_read(f)
  pte pt = pte_offset_map_lock(m, 0x200000)
  if pt {
    pte_unmap_unlock(pt)
  }
  i_mmap_unlock_read(f)
}

expect ok
