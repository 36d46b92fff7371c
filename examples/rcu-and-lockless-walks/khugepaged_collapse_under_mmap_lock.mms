# Q: May a driver run khugepaged's collapse (or MADV_COLLAPSE) on an mm
#    whose mmap lock it holds?
# A: No: collapse_huge_page() drops the read lock it was called with and
#    takes the mmap lock again, for write; a caller that already holds it
#    deadlocks on itself (lockdep: recursive locking first).

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw)
touch(m, 0x200000, write)

thread drv {
  mmap_read_lock(m)
  khugepaged_collapse(m, 0x200000)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 13
expect deadlock
