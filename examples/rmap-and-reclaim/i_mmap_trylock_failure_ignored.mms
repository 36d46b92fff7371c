# Q: May a reclaim-side walker that trylocks a file's i_mmap_rwsem go on
#    when the trylock failed?
# A: No. i_mmap_trylock_read() and i_mmap_trylock_write()
#    (include/linux/fs.h) are down_read_trylock() and down_write_trylock()
#    of mapping->i_mmap_rwsem, which return 0 when it is contended: the
#    file's VMAs may then be added to or removed from i_mmap under the
#    caller, and its unlock releases an rwsem it never took. Lockdep
#    prints "bad unlock balance detected" (kernel/locking/lockdep.c:
#    __lock_release()); without lockdep the holder's count is corrupted.
#    mm/rmap.c: __rmap_walk_file() returns with rwc->contended set when
#    i_mmap_trylock_read() fails. The correct uses are
#    rmap-and-reclaim/rmap_trylocks_under_pte_lock.mms and the
#    kernel library's folio_referenced() (runtime/kernel/rmap.mms).

mm m
file data
mmap(m, 0x300000, pages=2, prot=rw, flags=shared, file=data)

thread truncate {  # unmap_mapping_range() takes i_mmap_rwsem for write
  i_mmap_lock_write(data)
  i_mmap_unlock_write(data)
}

thread reclaim {
  i_mmap_trylock_read(data)  # the result is dropped
  i_mmap_unlock_read(data)
}

thread retract {
  i_mmap_trylock_write(data)  # the result is dropped
  i_mmap_unlock_write(data)
}

expect violation "i_mmap_trylock_read/failure-ignored" at 26 sometimes
expect violation "i_mmap_trylock_write/failure-ignored" at 31 sometimes
