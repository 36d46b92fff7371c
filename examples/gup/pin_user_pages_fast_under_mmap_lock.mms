# Q: And if the caller holds the mmap lock?
# A: The fast walk is fine, but the fallback (the second page was never
#    touched) takes mmap_read_lock again: recursive locking for lockdep, a
#    deadlock once a writer queues in between. (The kernel's
#    might_lock_read() in internal_get_user_pages_fast() tells lockdep even
#    when the fast walk gets everything; mmscript's path does not model it.)

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)  # only the first page
page_array pinned

thread drv {
  mmap_read_lock(m)
  n = pin_user_pages_fast(m, 0x100000, pages=2, write=true, array=pinned)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 15
