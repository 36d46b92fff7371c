# Q: Truncating, may I take the mmap lock while holding the mapping's
#    invalidate_lock, to look at the VMAs?
# A: No: filemap_fault() takes invalidate_lock under the fault's mmap lock
#    (mm/rmap.c: mm->mmap_lock -> mapping->invalidate_lock), so the reverse
#    order is a lockdep circular dependency. Find mappings through the
#    i_mmap tree (unmap_mapping_range) instead.

mm m
file data
mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=data)

thread truncate {
  filemap_invalidate_lock(data)
  mmap_read_lock(m)
  mmap_read_unlock(m)
  filemap_invalidate_unlock(data)
}

expect violation "lockdep/circular" at 14
