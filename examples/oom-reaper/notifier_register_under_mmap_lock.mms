# Q: May a driver register its MMU notifier while it holds the mmap lock,
#    say from its f_op->mmap() or under mmap_read_lock()?
# A: No: "Must not hold mmap_lock nor any other VM related lock when
#    calling this registration function" (mm/mmu_notifier.c:
#    mmu_notifier_register()): it takes the mmap lock for write itself
#    (__mmu_notifier_register() asserts it and mm_take_all_locks()). Under
#    the read lock that is a self-deadlock; a caller that holds the write
#    lock already uses __mmu_notifier_register().

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)

thread driver {
  mmap_read_lock(m)
  mmu_notifier_register(m)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 15
expect deadlock at 15
