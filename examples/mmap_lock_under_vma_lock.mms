# Q: Holding a VMA read lock, may I take the mmap read lock?
# A: Not by blocking: a writer holding the mmap write lock may be waiting in
#    vma_start_write for your VMA lock. The kernel only trylocks there
#    (__vmf_anon_prepare). Taking the VMA lock under the mmap lock is fine.

mm m
vma v = mmap(m, 0x300000, pages=4, prot=rw)

thread t {
  vma r = lock_vma_under_rcu(m, 0x300000)
  mmap_read_lock(m)
  mmap_read_unlock(m)
  vma_end_read(r)
}

expect violation "lock/mmap-under-vma-read" at 11
