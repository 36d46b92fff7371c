# Q: Does a VMA reader keep a writer out?
# A: Yes. vma_start_write (here from munmap) excludes new readers and waits
#    until the current ones call vma_end_read (mm/mmap_lock.c:
#    __vma_start_write(); rule book 1.1). The invariant holds in every
#    interleaving (try `mmscript explore`): if munmap got past a reader, that
#    reader had finished.

mm m
vma v = mmap(m, 0x300000, pages=4, prot=rw)
reader_locked = false
reader_done = false

thread reader {
  vma r = lock_vma_under_rcu(m, 0x300000)
  if r {  # nil once munmap has started
    reader_locked = true
    msleep(10)
    reader_done = true
    vma_end_read(r)
  }
}

thread unmapper {
  munmap(m, 0x300000, pages=4)
  assert !reader_locked || reader_done, "munmap waited for the VMA reader"
}

expect ok
