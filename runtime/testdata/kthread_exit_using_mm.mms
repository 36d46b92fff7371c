# A kernel thread that returns with an adopted mm: exit_mm() would
# mmput() a reference it never took (kernel/kthread.c: kthread_use_mm()
# takes only mm_count). Nothing in the kernel checks it.

mm a
mm b

thread worker {
  kthread_use_mm(a)
  kthread_unuse_mm(a)
  kthread_use_mm(b)
}

expect violation "kthread/exit-using-mm" at 12
