# Q: A driver keeps a pointer to a process's mm (mmgrab(): mm_count only)
#    and registers its MMU notifier on it later. May it, if the process
#    may have exited in between?
# A: No: __mmu_notifier_register() does BUG_ON(atomic_read(&mm->mm_users)
#    <= 0) under the mmap write lock mmu_notifier_register() took (an oops,
#    the lock left held): the last mmput() runs exit_mmap(), whose
#    mmu_notifier_release() the new subscriber would miss. The kernel-doc
#    asks the caller to "ensure mm_users can't go down to zero while this
#    runs" (mm/mmu_notifier.c): pin it with mmget_not_zero() first
#    (notifier_register_pinned.mms).

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)

mmgrab(m)  # the pointer the other side keeps: mm_count (mmgrab())

thread process {
  mmput(m)  # the process exits: its own mm_users reference
}

thread driver {
  mmu_notifier_register(m)
}

expect fatal "mmu_notifier_register/mm-users-zero" at 22
expect deadlock  # the oops left the mmap write lock held: exit_mmap() waits for it
