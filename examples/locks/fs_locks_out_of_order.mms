# Q: Which nestings of the file system's locks with the mm's does lockdep
#    reject?
# A: Any against mm/rmap.c's order inode->i_rwsem -> mm->mmap_lock ->
#    mapping->invalidate_lock -> VMA write lock -> i_mmap_rwsem: i_rwsem
#    under the mmap lock (a ->mmap or ->fault that takes the inode lock),
#    invalidate_lock under i_mmap_rwsem.

mm m
file data

thread mmap_path {
  mmap_read_lock(m)
  inode_lock(data)
  inode_unlock(data)
  mmap_read_unlock(m)
}

thread rmap_path {
  i_mmap_lock_write(data)
  filemap_invalidate_lock(data)
  filemap_invalidate_unlock(data)
  i_mmap_unlock_write(data)
}

expect violation "lockdep/circular" at 13
expect violation "lockdep/circular" at 20
