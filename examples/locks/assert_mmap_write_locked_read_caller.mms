# Q: Is the mmap read lock enough for a helper that asserts the write lock?
# A: No. mmap_assert_write_locked() is rwsem_assert_held_write(): with
#    lockdep, lockdep_assert_held_write() warns unless this task holds the
#    lock for write; without it, WARN_ON(!rwsem_is_write_locked()) fires
#    here too, as nobody holds it for write (include/linux/rwsem.h:
#    rwsem_assert_held_write_nolockdep()). Under the read lock, faults and
#    other readers run beside the change the helper makes.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

func count_and_check(mm) {
  mmap_assert_write_locked(mm)
  return mm.map_count
}

thread reader {
  mmap_read_lock(m)
  count_and_check(m)
  mmap_read_unlock(m)
}

expect violation "mmap_assert_write_locked/not-held" at 13
