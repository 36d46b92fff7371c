# Q: May I call unmap_mapping_pages() while holding the mapping's i_mmap_rwsem?
# A: No: it takes i_mmap_lock_read() itself, and an rwsem is not recursive.
#    Under the write side it deadlocks at once; under the read side it
#    deadlocks as soon as a writer queues between the two acquisitions.
#    Lockdep reports the recursion (mm/memory.c: unmap_mapping_pages();
#    rule book 2.9).

mm m
file data
mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=data)

thread user {
  assert touch(m, 0x101000, write)
}

thread truncate {
  i_mmap_lock_write(data)
  unmap_mapping_pages(data, 0, 4)
  i_mmap_unlock_write(data)
}

expect deadlock "truncate waits for data->i_mmap_rwsem (read) held by truncate" at 18 always
expect violation "lock/recursive" at 18
