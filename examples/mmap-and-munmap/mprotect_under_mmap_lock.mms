# Q: May kernel code that already holds the mmap lock call into mprotect
#    (do_mprotect_pkey)?
# A: No: do_mprotect_pkey() takes the mmap lock for write itself
#    (mmap_write_lock_killable), and rwsems do not nest, so holding it for
#    read deadlocks the task against itself (lockdep: "possible recursive
#    locking detected"). Change the VMA with the steps mprotect_fixup()
#    uses under the write lock you hold. (mm/mprotect.c: do_mprotect_pkey())

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  mprotect(m, 0x100000, PAGE_SIZE, PROT_READ)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 14
expect deadlock
