# Q: My truncate path takes the inode lock shared and the invalidate lock
#    exclusive. Does it matter which unlock I call?
# A: Yes. Each unlock releases the mode its lock was taken in:
#    inode_unlock() is up_write(&inode->i_rwsem), inode_unlock_shared()
#    up_read(), and likewise filemap_invalidate_unlock() and
#    filemap_invalidate_unlock_shared() on mapping->invalidate_lock
#    (include/linux/fs.h). The other one corrupts the rwsem count, which
#    only CONFIG_DEBUG_RWSEMS notices (kernel/locking/rwsem.c: __up_read(),
#    __up_write()); releasing a lock not held is lockdep's "bad unlock
#    balance".

file dev
file data

thread truncate {
  inode_lock_shared(dev)
  filemap_invalidate_lock(dev)
  filemap_invalidate_unlock_shared(dev)
  inode_unlock(dev)
}

thread reader {
  inode_lock(data)
  filemap_invalidate_lock_shared(data)
  filemap_invalidate_unlock(data)
  inode_unlock_shared(data)
}

thread stray {
  inode_unlock(data)
  filemap_invalidate_unlock_shared(data)
}

expect violation "lock/unlock-wrong-mode" at 18
expect violation "lock/unlock-wrong-mode" at 19
expect violation "lock/unlock-wrong-mode" at 25
expect violation "lock/unlock-wrong-mode" at 26
expect violation "lock/unlock-not-held" at 30
expect violation "lock/unlock-not-held" at 31
expect violation "lock/held-at-exit" at 20
expect violation "lock/held-at-exit" at 27
