# Rule anon_vma_prepare/needs-mmap-lock: anon_vma_prepare() needs the mmap
# lock (read is enough); a VMA read lock alone is not, since it looks at
# the neighbouring VMAs. Rule book 2.25, 6.2.

mm m
vma v = mmap(m, 0x500000, pages=2, prot=rw)

thread t {
  vma r = lock_vma_under_rcu(m, 0x500000)
  anon_vma_prepare(r)
  vma_end_read(r)
  mmap_read_lock(m)
  anon_vma_prepare(v)  # fine (and a no-op now)
  assert v.anon_vma
  mmap_read_unlock(m)
}

expect violation "anon_vma_prepare/needs-mmap-lock" at 10
