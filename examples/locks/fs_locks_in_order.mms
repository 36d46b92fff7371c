# Q: In which order do the file system's locks nest with the mm's?
# A: inode->i_rwsem -> mm->mmap_lock -> mapping->invalidate_lock ->
#    (folio lock) -> VMA write lock -> i_mmap_rwsem (mm/rmap.c). A write()
#    takes inode_lock and then touches the user buffer; a fault handler
#    takes filemap_invalidate_lock_shared() to keep truncate out while it
#    reads a page in; truncate takes inode_lock, then the invalidate lock,
#    then unmaps under i_mmap_rwsem.

mm m
file data
file dev

ops drv {
  fault(vmf) {
    filemap_invalidate_lock_shared(dev)
    page p = alloc_page()
    filemap_invalidate_unlock_shared(dev)
    return p
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)
mmap(m, 0x200000, pages=1, prot=rw)

thread writer {
  inode_lock(data)  # generic_file_write_iter()
  assert copy_from_user(m, 0x200000, 64) == 0
  inode_unlock(data)
}

thread user {
  assert touch(m, 0x100000, read)
}

thread truncate {
  inode_lock(dev)
  filemap_invalidate_lock(dev)
  unmap_mapping_pages(dev, 0, 1)
  filemap_invalidate_unlock(dev)
  inode_unlock(dev)
  inode_lock_shared(dev)
  inode_unlock_shared(dev)
}

expect ok
