# Q: How does a driver that kept a pointer to a process's mm (mmgrab())
#    register its MMU notifier on it safely?
# A: It takes an mm_users reference with mmget_not_zero() and gives up
#    when that fails: then the process's last mmput() cannot run
#    exit_mmap() (and its mmu_notifier_release()) until the driver's
#    mmput(), and __mmu_notifier_register()'s BUG_ON(mm_users <= 0)
#    cannot fire (mm/mmu_notifier.c: mmu_notifier_register() kernel-doc,
#    "the mm should be pinned safely such as with get_task_mm()").

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)

mmgrab(m)  # the pointer the other side keeps: mm_count (mmgrab())

thread process {
  mmput(m)  # the process exits: its own mm_users reference
}

thread driver {
  if mmget_not_zero(m) {
    assert mmu_notifier_register(m) == 0
    mmput(m)
  }
}

expect ok
