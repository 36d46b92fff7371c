# The correct order for lock_sleep_in_atomic.mms: allocate and sleep first,
# then take the spinlock for the short, non-sleeping part. Rule book 1.1, 1.3.

mm m

thread t {
  page p = alloc_page()
  msleep(1)
  spin_lock(m.page_table_lock)
  spin_unlock(m.page_table_lock)
  assert !m.page_table_lock.held
}

expect ok
