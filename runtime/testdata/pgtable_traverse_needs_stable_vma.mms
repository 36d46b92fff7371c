# Rule pgtable/traverse-needs-stable-vma: walking page tables (here
# pte_offset_map_lock) needs a VMA covering the address kept stable; RCU
# and the PTE lock the call takes itself are not enough. Rule book 1.4, 6.3.

mm m
mmap(m, 0x400000, pages=1, prot=rw)
touch(m, 0x400000, write)

thread t {
  pte pt = pte_offset_map_lock(m, 0x400000)
  pte_unmap_unlock(pt)
  vma r = lock_vma_under_rcu(m, 0x400000)
  pte ok = pte_offset_map_lock(m, 0x400000)  # fine under the VMA lock
  assert ok.present
  pte_unmap_unlock(ok)
  vma_end_read(r)
}

expect violation "pgtable/traverse-needs-stable-vma" at 10
