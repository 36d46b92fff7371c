# Q: May I allocate while holding a PTE lock?
# A: Not with GFP_KERNEL: the PTE lock is a spinlock (and pte_offset_map_lock
#    also enters an RCU read section). Allocate first, then take the lock.

mm m
vma v = mmap(m, 0x400000, pages=4, prot=rw)
touch(m, 0x400000, write)

thread t {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x400000)
  page p = alloc_page()
  pte_unmap_unlock(pt)
  mmap_read_unlock(m)
}

expect violation "alloc_page(GFP_KERNEL) may sleep, but spinlock m->pte_lock" at 12
