# Q: Copying entries between two PTE tables, mremap-style, I take the
#    second PTE lock with spin_lock_nested(). Is any order of the two fine?
# A: No. spin_lock_nested(SINGLE_DEPTH_NESTING) only tells lockdep that two
#    locks of one class nest; it is safe where an outer lock excludes the
#    reverse order (move_ptes() and copy_pte_range() run under the mmap
#    write lock). Two walkers under the mmap read lock that take the same
#    two PTE locks in opposite orders deadlock, and lockdep, told they
#    nest, stays silent (mm/mremap.c: move_ptes(); mm/memory.c:
#    copy_pte_range()).

mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
vma w = mmap(m, 0x600000, pages=1, prot=rw)
touch(m, 0x200000, write)
touch(m, 0x600000, write)

thread left {
  mmap_read_lock(m)
  pte a = pte_offset_map_lock(m, 0x200000)
  pte b = pte_offset_map_rw_nolock(m, 0x600000)
  spin_lock_nested(b.ptl)
  spin_unlock(b.ptl)
  pte_unmap(b)
  pte_unmap_unlock(a)
  mmap_read_unlock(m)
}

thread right {
  mmap_read_lock(m)
  pte b = pte_offset_map_lock(m, 0x600000)
  pte a = pte_offset_map_rw_nolock(m, 0x200000)
  spin_lock_nested(a.ptl)
  spin_unlock(a.ptl)
  pte_unmap(a)
  pte_unmap_unlock(b)
  mmap_read_unlock(m)
}

expect deadlock at 21
