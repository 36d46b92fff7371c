# Q: madvise(MADV_REMOVE) punches a hole in the file behind a shared
#    mapping. Can it deadlock with a write(2) to the same file that faults
#    its user buffer in under the inode lock?
# A: No: mm/madvise.c: madvise_remove() drops the mmap lock before
#    vfs_fallocate() takes the inode lock ("Filesystem's fallocate may
#    need to take i_rwsem"), keeping mm/rmap.c's order inode->i_rwsem ->
#    mm->mmap_lock; it takes the read lock again afterwards and the walk
#    looks the VMA up anew. Before 90ed52ebe481 (v2.6.20) it did not drop
#    it: bugs/madvise-remove-i-mutex-buggy.mms.

mm m
file shm
mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=shm)
mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)  # the write(2) buffer, never touched
touch(m, 0x100000, write)

thread puncher {
  assert madvise(m, 0x100000, 2 * PAGE_SIZE, MADV_REMOVE) == 0
}

thread writer {  # write(fd, 0x400000, PAGE_SIZE): generic_file_write_iter()
  inode_lock(shm)
  copy_from_user(m, 0x400000, n=PAGE_SIZE)  # a page fault under the inode lock takes the mmap lock
  inode_unlock(shm)
}

expect ok
