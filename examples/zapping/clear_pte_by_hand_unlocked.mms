# Q: What breaks when I clear a PTE by hand without the right locks?
# A: Walking to the PTE needs the VMA stable (mmap, VMA or rmap lock):
#    without one, munmap may free the table under pte_offset_map_lock()
#    (process_addrs.rst "Page tables"). Changing the entry needs its PTE
#    lock: a handle kept past pte_unmap_unlock() races with every other
#    holder (mm/memory.c: zap_pte_range() clears under the lock), and
#    releasing it twice is a bad unlock balance. flush_tlb_range() reads the
#    VMA, so it too needs it stable. None of these has a kernel check except
#    lockdep's unlock balance.

mm m
vma v = mmap(m, 0x900000, pages=1, prot=rw)
touch(m, 0x900000, write)

thread reclaim {
  pte pt = pte_offset_map_lock(m, 0x900000)
  pte_unmap_unlock(pt)
  pte_unmap_unlock(pt)
  page old = ptep_get_and_clear(pt)
  flush_tlb_range(v, 0x900000, pages=1)
  put_page(old)
}

expect violation "pgtable/traverse-needs-stable-vma" at 16
expect violation "lock/unlock-not-held" at 18
expect violation "pgtable/change-needs-ptl" at 19
expect violation "vma/not-stable" at 20
