# Q: What happens when a caller forgets the mmap lock that a helper
#    asserts?
# A: mmap_assert_locked() fires: a lockdep splat on lockdep kernels, a WARN
#    (WARN_ON(!rwsem_is_locked())) on every other one, since it is
#    rwsem_assert_held() (include/linux/mmap_lock.h). Without lockdep the
#    check only sees that someone holds the lock, so a caller that relies on
#    another thread's hold passes there and fails on a lockdep kernel.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

func count_vmas(mm) {
  mmap_assert_locked(mm)
  return mm.map_count
}

thread careless {
  count_vmas(m)
}

expect violation "mmap_assert_locked/not-held" at 13
