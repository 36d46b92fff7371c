# Q: May I call unmap_mapping_range() while holding the mapping's
#    i_mmap_rwsem?
# A: No: it takes i_mmap_lock_read() itself (mm/memory.c:
#    unmap_mapping_range() -> unmap_mapping_pages()), and an rwsem is not
#    recursive: lockdep reports the recursion, and the read side deadlocks
#    as soon as a writer queues between the two acquisitions.

mm m
file data
mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=data)
touch(m, 0x101000, write)

thread truncate {
  i_mmap_lock_read(data)
  unmap_mapping_range(data, 0, 0x4000)
  i_mmap_unlock_read(data)
}

expect violation "lock/recursive" at 15
