# get_user_pages() runs under the caller's mmap lock for the whole call:
# __get_user_pages_locked() with *locked = 1 asserts it (rule
# mmap_assert_locked/not-held, a WARN), and the walk then goes on without
# it (kernel/gup.mms: vma_lookup and the fault unlocked). Rule book 2.10.

mm m
mmap(m, 0x600000, pages=2, prot=rw)

thread t {
  get_user_pages(m, 0x600000, pages=1)
  mmap_read_lock(m)
  assert get_user_pages(m, 0x600000, pages=2, write=true) == 2
  mmap_read_unlock(m)
}

expect violation "mmap_assert_locked/not-held" at 10
expect violation "vma_lookup/unstable-result" at 10
expect violation "handle_mm_fault/needs-fault-lock" at 10
