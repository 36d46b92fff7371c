# Q: What if I call get_user_page_vma_remote() without the target mm's
#    mmap lock, or drop my mm reference under a spinlock?
# A: get_user_pages_remote() asserts the lock (mm/gup.c:
#    __get_user_pages_locked() -> mmap_assert_locked(): a WARN on every
#    kernel when nobody holds it), and the VMA it returns may be freed at
#    once by a racing munmap (its vma_lookup() and the fault it takes run
#    unlocked too). mmput() may sleep: the last reference tears
#    the mm down (exit_mmap()), so under a spinlock it is "sleeping
#    function called from invalid context" (might_sleep(),
#    CONFIG_DEBUG_ATOMIC_SLEEP).

mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw)
spinlock tracer_lock

thread tracer {
  if mmget_not_zero(m) {
    get_user_page_vma_remote(m, 0x100000)
    spin_lock(tracer_lock)
    mmput(m)
    spin_unlock(tracer_lock)
  }
}

expect violation "mmap_assert_locked/not-held" at 18
expect violation "vma_lookup/unstable-result" at 18
expect violation "handle_mm_fault/needs-fault-lock" at 18
expect violation "lock/sleep-in-atomic" at 20
