# apply_to_page_range allocates every PTE table of its range and keeps
# them: a range of 2^52 bytes (found by FuzzOps) took minutes to reach the
# end of the user address space. Such a range is a script error naming
# the simulation's limit.

mm m

thread t {
  mmap_read_lock(m)
  apply_to_page_range(m, 0x100000, pages=1 << 40)
  mmap_read_unlock(m)
}

expect error "spans 2147483649 PTE tables; mmscript allocates at most 4096" at 10
