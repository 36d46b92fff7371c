# Q: May I take the invalidate lock shared, as filemap_fault() does, while
#    holding the file's i_mmap_rwsem?
# A: No. mm/rmap.c and mm/filemap.c order mapping->invalidate_lock above
#    i_mmap_rwsem (truncate: filemap_invalidate_lock() ->
#    unmap_mapping_range() -> i_mmap_lock_read()), whichever mode each is
#    taken in: lockdep reports the inversion ("possible circular locking
#    dependency", CONFIG_PROVE_LOCKING), and against a truncating task it
#    deadlocks.

mm m
file data

thread fault_like {
  i_mmap_lock_read(data)
  filemap_invalidate_lock_shared(data)
  filemap_invalidate_unlock_shared(data)
  i_mmap_unlock_read(data)
}

thread truncate {
  filemap_invalidate_lock(data)
  i_mmap_lock_read(data)
  i_mmap_unlock_read(data)
  filemap_invalidate_unlock(data)
}

expect violation "lockdep/circular" at 15
