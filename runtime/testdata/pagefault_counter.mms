# Rules pagefault/unbalanced-enable and pagefault/disabled-at-user-return:
# current->pagefault_disabled is a per-task count (include/linux/uaccess.h:
# pagefault_disable() increments it, pagefault_enable() decrements it, and
# nothing checks either). An enable too many leaves it at -1, which
# pagefault_disabled() (!= 0) reads as disabled; a thread that goes back to
# user mode or ends with it raised keeps it (the generic entry code's
# __exit_to_user_mode_validate() does not look at it). Neither is sleeping:
# pagefault_disable() leaves preempt_count alone, and might_sleep() under it
# is silent, as __might_resched() is.

mm m
mmap(m, 0x100000, pages=1, prot=rw)

thread balanced {
  pagefault_disable()
  pagefault_disable()
  assert pagefault_disabled()
  might_sleep()  # fine: no atomic context
  pagefault_enable()
  assert faulthandler_disabled()
  pagefault_enable()
  assert !pagefault_disabled()
  touch(m, 0x100000, write)
}

thread extra_enable {
  pagefault_disable()
  pagefault_enable()
  pagefault_enable()  # the count goes to -1
  assert pagefault_disabled()
  pagefault_disable()  # back to 0 by chance
  assert !pagefault_disabled()
}

thread leaks {
  pagefault_disable()
  touch(m, 0x100000, read)  # user code runs with faults disabled
}

expect violation "pagefault/unbalanced-enable: pagefault_enable without pagefault_disable: current->pagefault_disabled is -1" at 29
expect violation "pagefault/disabled-at-user-return: user access at 0x100000 while pagefault_disable() is in effect (count 1)" at 37
expect violation "pagefault/disabled-at-user-return: thread leaks exits while pagefault_disable() is in effect (count 1)" at 38
