# __apply_to_page_range(): WARN_ON(addr >= end) returns -EINVAL before any
# walk; a range that wraps past the top of the address space is empty.

mm m

thread t {
  mmap_read_lock(m)
  assert apply_to_page_range(m, -4096, pages=2) == -22
  mmap_read_unlock(m)
}

expect violation "apply_to_page_range/empty-range" at 8
