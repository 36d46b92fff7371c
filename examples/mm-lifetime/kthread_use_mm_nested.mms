# Q: My worker serves two processes. May it adopt the second mm while it
#    still uses the first?
# A: No: a kernel thread operates on one mm at a time. kthread_use_mm()
#    (kernel/kthread.c) starts with WARN_ON_ONCE(tsk->mm), then sets
#    tsk->mm to the new mm over the old one, whose mmgrab() reference is
#    never dropped (the mm_struct leaks), and the later kthread_unuse_mm()
#    of the first mm drops a reference of the wrong one. Unuse the first,
#    then use the second.

mm a
mm b
mmap(a, 0x200000, pages=1, prot=rw)
mmap(b, 0x200000, pages=1, prot=rw)

thread worker {
  kthread_use_mm(a)
  kthread_use_mm(b)
  kthread_unuse_mm(b)
  kthread_unuse_mm(a)
}

expect violation "kthread/use-mm-nested" at 17
expect violation "kthread/unuse-mm-unbalanced" at 19
