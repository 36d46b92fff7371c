# Q: What if a thread forgets to unlock?
# A: Lockdep reports "lock held when returning to user space", and every
#    later taker waits forever.

mm m

thread forgetful {
  mmap_read_lock(m)
}

expect violation "lock/held-at-exit" at 9
