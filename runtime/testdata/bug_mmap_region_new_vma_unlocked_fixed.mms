# The fixed form of bug_mmap_region_new_vma_unlocked.mms (33313a747e81,
# v6.5-rc1, stable 6.4.2): the new VMA is write-locked before it is
# stored ("Lock the VMA since it is modified after insertion into VMA
# tree", the library's __mmap_new_vma()), so a fault that finds it waits
# in lock_vma_under_rcu()'s fallback until mmap_region() is done.
mm m

thread mapper {
  mmap(m, 0x100000, pages=1, prot=rw, flags=private | fixed)
}

thread faulter {
  touch(m, 0x100000, write)
}

expect ok
