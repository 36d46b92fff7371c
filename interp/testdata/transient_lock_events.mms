# The mmap lock held for write across a step is no transient hold
# (fpTransientEnd records only a hold taken and dropped within one step as
# an observation of the lock): a fault that finds it held fails its
# mmap_read_trylock in get_mmap_lock_carefully and takes the slow path.
# No finding and no final state tells that step from the fast path's;
# TestEventsOfReducedSearches sees it missing when the writer's release is
# recorded as an observation.

mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=private)

thread writer {
  mmap_write_lock(m)
  mmap_write_unlock(m)
}

thread user {
  touch(m, 0x100000, write)
}

expect ok
