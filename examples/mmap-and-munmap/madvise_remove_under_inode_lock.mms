# Q: May a path that holds the inode lock of a file call madvise(MADV_REMOVE)
#    on a mapping of that file (an ioctl handler punching its own buffer)?
# A: No: madvise_remove() -> vfs_fallocate() -> shmem_fallocate() takes
#    inode_lock(inode) itself, and i_rwsem is not recursive: the task waits
#    for itself (lockdep: "possible recursive locking detected").

mm m
file shm
mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=shm)

thread ioctl {
  inode_lock(shm)
  madvise(m, 0x100000, 2 * PAGE_SIZE, MADV_REMOVE)
  inode_unlock(shm)
}

expect violation "lock/recursive" at 13
expect deadlock at 13
