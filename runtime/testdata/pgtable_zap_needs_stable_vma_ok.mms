# The correct forms for pgtable_zap_needs_stable_vma.mms: unlike
# installing, zapping is fine under an rmap lock alone (i_mmap_rwsem), and
# under the mmap or VMA lock. The PTE is really gone afterwards.
# Rule book 2.8, 6.3, 6.7.

mm m
file f
vma v = mmap(m, 0x200000, pages=8, prot=rw, flags=shared, file=f)
touch(m, 0x200000, write)
touch(m, 0x201000, write)

thread rmap {
  i_mmap_lock_read(f)
  assert zap_vma_range(v, 0x200000, pages=1) == 1
  i_mmap_unlock_read(f)
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x200000)
  assert !pt.present, "zapped"
  pte_unmap_unlock(pt)
  mmap_read_unlock(m)
}

thread vmalock {
  vma r = lock_vma_under_rcu(m, 0x201000)
  if r {
    zap_vma_range(r, 0x201000, pages=1)
    vma_end_read(r)
  }
}

expect ok
