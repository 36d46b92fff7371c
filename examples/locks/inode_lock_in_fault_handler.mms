# Q: My driver's ->fault (or ->mmap) takes the inode lock to keep the file
#    size stable. Is that allowed?
# A: No: i_rwsem is above the mmap lock. A write() holds inode_lock while
#    it copies from the user buffer, which may fault and take the mmap lock
#    (mm/rmap.c's lock order: inode->i_rwsem -> mm->mmap_lock ->
#    mapping->invalidate_lock). A ->fault runs under the mmap lock (or a VMA
#    lock), so taking i_rwsem there closes the cycle: lockdep reports it.
#    Use mapping->invalidate_lock (shared) against truncate, as
#    filemap_fault() does.

mm m
file dev

ops drv {
  fault(vmf) {
    inode_lock_shared(dev)
    page p = alloc_page()
    inode_unlock_shared(dev)
    return p
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  touch(m, 0x100000, read)
}

expect violation "lockdep/circular" at 16
