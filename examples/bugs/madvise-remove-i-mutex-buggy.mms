# madvise(MADV_REMOVE) took i_mutex under mmap_sem (fix 90ed52ebe481
# "[PATCH] holepunch: fix mmap_sem i_mutex deadlock", Hugh Dickins,
# v2.6.20; the bug came with MADV_REMOVE itself, v2.6.16).
#
# sys_madvise() held mmap_sem (for write, as every behaviour then) and
# madvise_remove() called vmtruncate_range(), which takes the inode's
# i_mutex (and i_alloc_sem) to punch the hole. A write(2) to the same file
# takes i_mutex first and then faults its user buffer in
# (generic_file_buffered_write() -> copy_from_user() -> do_page_fault() ->
# down_read(&mm->mmap_sem)): i_mutex -> mmap_sem there, mmap_sem -> i_mutex
# here, an ABBA deadlock between two threads of one process (lockdep's
# "possible circular locking dependency"). The fix drops mmap_sem around
# vmtruncate_range(); mm/madvise.c: madvise_remove() still does
# (mmap_read_unlock() before vfs_fallocate(), "We don't want to hold the
# mmap_lock while waiting on the inode lock").
#
# Rule: lockdep/circular (mm/rmap.c's order inode->i_rwsem (the i_mutex of
# then) -> mm->mmap_lock), and the deadlock under exploration.
#
# madvise_remove() of v2.6.19 in mmscript's terms: the mmap lock as
# sys_madvise() took it, vmtruncate_range() as inode_lock() and
# unmap_mapping_range() of the hole (truncate_inode_pages_range() and
# ->truncate_range() change nothing mmscript shows).

mm m
file shm
mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=shm)
mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)  # the write(2) buffer, never touched

# mm/madvise.c (v2.6.19): madvise_remove() under sys_madvise()'s mmap_sem
func madvise_remove(mm, file, offset, len) {
  mmap_write_lock(mm)  # sys_madvise(): down_write(&current->mm->mmap_sem)
  inode_lock(file)     # vmtruncate_range(): mutex_lock(&inode->i_mutex)
  unmap_mapping_range(file, offset, len, even_cows=true)
  inode_unlock(file)
  mmap_write_unlock(mm)
}

thread puncher {  # madvise(0x100000, 2 pages, MADV_REMOVE)
  madvise_remove(m, shm, 0, 2 * PAGE_SIZE)
}

thread writer {  # write(fd, 0x400000, PAGE_SIZE) to the same file
  inode_lock(shm)                           # generic_file_aio_write(): mutex_lock(&inode->i_mutex)
  copy_from_user(m, 0x400000, n=PAGE_SIZE)  # the buffer is not present: a page fault takes mmap_sem
  inode_unlock(shm)
}

expect violation "lockdep/circular" at 33
expect deadlock sometimes
