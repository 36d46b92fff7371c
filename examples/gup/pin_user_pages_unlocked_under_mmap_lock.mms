# Q: What if the caller already holds the mmap lock when it calls
#    pin_user_pages_unlocked()?
# A: Its own mmap_read_lock nests in the caller's: lockdep's "possible
#    recursive locking", and a real deadlock once a writer queues between
#    the two read acquisitions (rwsems let no reader past a waiting writer).
#    The fixed form: pin_user_pages_unlocked_no_mmap_lock.mms.

mm m
mmap(m, 0x100000, pages=2, prot=rw)
page_array pages

thread dma {
  mmap_read_lock(m)
  n = pin_user_pages_unlocked(0x100000, 2, pages, FOLL_WRITE)
  mmap_read_unlock(m)
  unpin_user_pages(pages, n)
}

expect violation "get_user_pages_unlocked/mmap-lock-held" at 14
expect violation "lock/recursive" at 14
