# munmap() against writeback's rmap walk of a page it unmaps (mm/rmap.c:
# folio_mkclean() -> rmap_walk_file() under i_mmap_rwsem for read ->
# page_mkclean_one()). munmap detaches the VMA from the mm's tree first
# (vms_gather_munmap_vmas()), but the walker may still find it in the
# file's i_mmap tree: free_pgtables() takes it out of that tree under
# i_mmap_rwsem for write ("Hide vma from rmap and truncate_pagecache
# before freeing pgtables": unlink_file_vma_batch_final()), which waits
# for the walker, and only then frees the page tables (free_pgd_range())
# and, later, the VMA (remove_vma()). So the walker's VMA and tables stay
# valid while it holds the lock (mm/memory.c: free_pgtables(); mm/vma.c:
# vms_complete_munmap_vmas()). Before free_pgtables took the rmap locks
# here, the walk was reported using a freed VMA and walking without a lock
# that kept it (5 of 29 executions).
mm m
file f
vma v = mmap(m, 0x400000, pages=1, prot=rw, flags=shared, file=f)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page fp = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

thread writeback {
  folio_lock(fp)
  folio_clear_dirty_for_io(fp)
  folio_unlock(fp)
}

thread unmapper {
  munmap(m, 0x400000, pages=1)
}

expect ok always
