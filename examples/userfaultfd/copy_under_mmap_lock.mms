# Q: May UFFDIO_COPY or UFFDIO_ZEROPAGE run with the destination mm's mmap
#    lock held?
# A: No: uffd_lock_vma() falls back to mmap_read_lock() when the VMA has no
#    anon_vma yet (or lock_vma_under_rcu() fails), and the copy may fault
#    on its source, which takes the mmap lock: a second read hold, which
#    deadlocks behind a queued writer (mm/userfaultfd.c: uffd_lock_vma():
#    "Should be called without holding mmap_lock."). copy_resolves_fault.mms
#    calls them with nothing held.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
mmap(m, 0x200000, pages=1, prot=rw, flags=private)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0

thread copier {
  mmap_read_lock(m)
  userfaultfd_copy(ctx, 0x101000, 0x200000, PAGE_SIZE)
  mmap_read_unlock(m)
}

thread zeroer {
  mmap_read_lock(m)
  userfaultfd_zeropage(ctx, 0x103000, PAGE_SIZE)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 18
expect violation "uaccess/might-fault-under-mmap-lock" at 18  # the retried copy, locks dropped but the caller's mmap lock held
expect violation "lock/recursive" at 24
