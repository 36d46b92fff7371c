# Q: Does a VMA reader keep a writer out?
# A: Yes. vma_start_write (here from munmap) excludes new readers and waits
#    until the current ones call vma_end_read (mm/mmap_lock.c:
#    __vma_start_write(); rule book 1.1). The reader below finishes its work
#    before the writer gets the VMA.

mm m
vma v = mmap(m, 0x300000, pages=4, prot=rw)
reader_done = false

thread reader {
  vma r = lock_vma_under_rcu(m, 0x300000)
  assert r, "nobody writes the VMA yet"
  msleep(10)
  reader_done = true
  vma_end_read(r)
}

thread unmapper {
  munmap(m, 0x300000, pages=4)
  assert reader_done, "munmap waited for the VMA reader"
}

expect ok
