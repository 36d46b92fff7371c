# Q: My per-VMA-lock path needs the mmap lock after all. May I take it
#    while still holding the VMA read lock?
# A: No: drop the VMA lock first (vma_end_read()), then take the mmap lock
#    and look the VMA up again. A writer holding the mmap write lock waits in
#    vma_start_write() for the VMA's readers, so blocking on the mmap lock
#    with a VMA read lock held can deadlock; lockdep sees vma lock -> mmap
#    lock against mmap lock -> vma lock (process_addrs.rst "VMA locks";
#    mm/memory.c: __vmf_anon_prepare() only mmap_read_trylock()s for this
#    reason).

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)

thread fallback {
  vma locked = lock_vma_under_rcu(m, 0x100000)
  if locked {
    if mmap_write_lock_killable(m) == 0 {
      mmap_write_unlock(m)
    }
    vma_end_read(locked)
  }
}

expect violation "lock/mmap-under-vma-read" at 17
