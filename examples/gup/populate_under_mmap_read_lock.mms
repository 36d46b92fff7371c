# Q: Prefaulting a range (mlock()'s populate_vma_page_range(),
#    MADV_POPULATE_WRITE's madvise_populate()): which lock, and may it run
#    in atomic context?
# A: The mmap read lock, which both take over to GUP (__get_user_pages()),
#    and which madvise_populate() may drop and retake while it waits on a
#    fault (FOLL_UNLOCKABLE). Both fault pages in and sleep
#    (mm/gup.c: populate_vma_page_range(), faultin_page_range()).

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)

thread prefault {
  mmap_read_lock(m)
  populate_vma_page_range(v, 0x100000, 0x102000)
  assert madvise_populate(m, 0x102000, 0x104000, MADV_POPULATE_WRITE) == 0
  mmap_read_unlock(m)
  assert touch(m, 0x103000, write)
}

expect ok
