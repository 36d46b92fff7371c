# Q: May my ->mmap, ->close or ->page_mkwrite take the mmap lock, or drop
#    the fault lock?
# A: No. ->close runs under the mmap lock (read after munmap's
#    mmap_write_downgrade(), mm/vma.c: vms_complete_munmap_vmas() ->
#    remove_vma(); write in exit_mmap()): a second read acquisition is
#    recursive locking, a deadlock once a writer queues. ->page_mkwrite runs
#    under the fault's lock with vmf->flags =
#    FAULT_FLAG_WRITE|FAULT_FLAG_MKWRITE (mm/memory.c: do_page_mkwrite()),
#    so ALLOW_RETRY is clear and it may not drop it: after
#    release_fault_lock() the core unlocks a lock it no longer holds.
#    f_op->mmap runs under the mmap write lock (mm/vma.c: __mmap_region()):
#    taking the lock again deadlocks at once. Lockdep reports each.

mm m
file dev

ops closer {
  close(vma) {
    mmap_read_lock(m)
    mmap_read_unlock(m)
  }
}

ops writer {
  fault(vmf) {
    page p = alloc_page()
    return p
  }
  page_mkwrite(vmf) {
    release_fault_lock(vmf)
    return 0
  }
}

ops mapper {
  mmap(file, vma) {
    mmap_read_lock(m)
    mmap_read_unlock(m)
    return 0
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, ops=closer)
mmap(m, 0x300000, pages=1, prot=rw, flags=shared, file=dev, ops=writer)

thread user {
  munmap(m, 0x100000, pages=1)
  touch(m, 0x300000, read)
  touch(m, 0x300000, write)
  mmap(m, 0x500000, pages=1, prot=rw, flags=shared, file=dev, ops=mapper)
}

expect violation "lock/recursive" at 19
expect violation "fault/dropped-lock" at 31
expect violation "lock/recursive" at 37
expect deadlock at 37
