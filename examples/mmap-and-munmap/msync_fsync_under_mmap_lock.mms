# Q: My msync-like path fsyncs the file of a shared mapping while it still
#    holds the mmap read lock (the VMA is at hand). And my mincore-like
#    path copies its answer to user space before it unlocks. What goes
#    wrong?
# A: The fsync takes the inode lock (fs/libfs.c: __generic_file_fsync()),
#    which a write(2) holds while it faults its buffer in under the mmap
#    lock: an ABBA between inode->i_rwsem and mm->mmap_lock that lockdep
#    reports on any run, and that deadlocks once a writer queues on the
#    mmap lock between the two (rwsems let no reader past a waiting writer). mm/msync.c
#    drops the mmap lock around vfs_fsync_range() for this (msync_vs_write.mms).
#    A copy_to_user() under the mmap lock may fault, and the fault takes
#    the lock again (mm/memory.c: __might_fault()'s might_lock_read());
#    mm/mincore.c copies after mmap_read_unlock(). (When the page is not
#    mapped yet, the fault does take it again: recursive locking.)

mm m
file f
mmap(m, 0x400000, pages=1, prot=rw, flags=shared, file=f)
mmap(m, 0x600000, pages=1, prot=rw)

func sync_locked(mm, start, len) {
  mmap_read_lock(mm)
  vma = find_vma(mm, start)
  err = vfs_fsync_range(vma.vm_file, 0, len - 1, 1)
  mmap_read_unlock(mm)
  return err
}

thread syncer {
  sync_locked(m, 0x400000, 0x1000)
}

thread writer {
  inode_lock(f)
  copy_from_user(m, 0x600000, 8)
  inode_unlock(f)
}

thread munmapper {  # a writer queued on the mmap lock: readers wait behind it
  mmap_write_lock(m)
  mmap_write_unlock(m)
}

thread mincore_like {
  mmap_read_lock(m)
  copy_to_user(m, 0x600000, 1)
  mmap_read_unlock(m)
}

expect violation "lockdep/circular" at 24
expect violation "uaccess/might-fault-under-mmap-lock" at 46
expect violation "lock/recursive" at 46 sometimes
expect deadlock sometimes
