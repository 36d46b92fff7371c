# Q: msync(MS_SYNC) writes a shared file mapping back while another task
#    write(2)s to the file from a buffer it must fault in. Why does that
#    not deadlock?
# A: Because msync() drops the mmap read lock around each
#    vfs_fsync_range() (mm/msync.c: get_file(); mmap_read_unlock();
#    vfs_fsync_range(); fput(); mmap_read_lock(); find_vma() again): the
#    file system's fsync takes the inode lock (fs/libfs.c:
#    __generic_file_fsync()), which is ordered above the mmap lock, since a
#    write(2) holds it while it faults its user buffer in. mincore() drops
#    the lock likewise before it copies its answer to user space.

mm m
file f
mmap(m, 0x400000, pages=2, prot=rw, flags=shared, file=f)
mmap(m, 0x600000, pages=1, prot=rw)

thread syncer {
  assert msync(m, 0x400000, 0x2000, MS_SYNC) == 0
  assert mincore(m, 0x400000, 0x2000, 0x600000) == 0
}

thread writer {  # write(2): inode_lock, then the user buffer faulted in
  inode_lock(f)
  copy_from_user(m, 0x600000, 8)
  inode_unlock(f)
}

expect ok
