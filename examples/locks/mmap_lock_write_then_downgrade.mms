# Q: How do I change VMAs under the mmap write lock and then go on reading
#    without letting another writer in between?
# A: mmap_write_lock_killable() (non-zero, -EINTR, on a fatal signal: then
#    nothing is held), vma_start_write() on each VMA changed, then
#    mmap_write_downgrade(): the rwsem becomes a read lock at once
#    (downgrade_write()) and vma_end_write_all() drops every VMA write lock,
#    so per-VMA-lock readers get in again; finish with mmap_read_unlock().
#    A reader that must not block uses mmap_read_trylock() and falls back to
#    mmap_read_lock_killable() (include/linux/mmap_lock.h:
#    mmap_write_downgrade(), mmap_read_trylock(); munmap does the same:
#    mm/vma.c: vms_complete_munmap_vmas()).

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)

thread writer {
  if mmap_write_lock_killable(m) == 0 {
    vma_start_write(v)
    mmap_write_downgrade(m)
    assert find_vma(m, 0x100000) == v
    mmap_read_unlock(m)
  }
}

thread reader {
  if mmap_read_trylock(m) {
    mmap_read_unlock(m)
  } else if mmap_read_lock_killable(m) == 0 {
    mmap_read_unlock(m)
  }
}

thread opportunist {
  if mmap_write_trylock(m) {
    mmap_write_unlock(m)
  }
}

expect ok
