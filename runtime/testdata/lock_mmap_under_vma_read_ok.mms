# The legal forms for lock_mmap_under_vma_read.mms: under a VMA lock only
# try the mmap lock (as __vmf_anon_prepare does); the other nesting, a VMA
# read lock taken under the mmap lock, is fine. Rule book 1.2, 6.1, 2.19.

mm m
vma v = mmap(m, 0x300000, pages=4, prot=rw)

thread trylock {
  vma r = lock_vma_under_rcu(m, 0x300000)
  assert r
  if mmap_read_trylock(m) {
    mmap_read_unlock(m)
  }
  vma_end_read(r)
}

thread nested {
  mmap_read_lock(m)
  assert vma_start_read_locked(v)
  mmap_read_unlock(m)
  vma_end_read(v)
}

expect ok
