# Rule lock/mmap-under-vma-read: never block on the mmap lock while holding
# a VMA read lock (a writer holding mmap_lock may wait in vma_start_write
# for that VMA lock). Rule book 1.2 and 6.1; process_addrs.rst "VMA locks".

mm m
mmap(m, 0x300000, pages=4, prot=rw)

thread t {
  vma r = lock_vma_under_rcu(m, 0x300000)
  assert r
  mmap_write_lock(m)
  mmap_write_unlock(m)
  vma_end_read(r)
}

expect violation "lock/mmap-under-vma-read" at 11
