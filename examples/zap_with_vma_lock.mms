# Q: Can a shrinker zap pages holding only the per-VMA lock?
# A: Yes: a VMA read lock keeps the VMA stable, which is all a zap needs.
#    lock_vma_under_rcu may fail (the VMA is being written); then fall back to
#    the mmap read lock, as Rust Binder's shrinker does (rule book 2.8, 2.19).

mm m
file dev
vma v = mmap(m, 0x100000, pages=16, prot=rw, flags=shared, file=dev)

thread user {
  assert touch(m, 0x100000, write)
}

thread shrinker {
  vma locked = lock_vma_under_rcu(m, 0x100000)
  if locked {
    zap_vma_range(locked, 0x100000, pages=4)
    vma_end_read(locked)
  } else {
    mmap_read_lock(m)
    vma z = vma_lookup(m, 0x100000)
    if z { zap_vma_range(z, 0x100000, pages=4) }
    mmap_read_unlock(m)
  }
}

expect ok
