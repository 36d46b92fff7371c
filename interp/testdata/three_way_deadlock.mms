# Three threads, three locks, taken in a cycle: with round-robin each takes
# its first lock and then waits for the next thread's.

mm a
mm b
mm c

thread t1 { mmap_write_lock(a); mmap_write_lock(b); mmap_write_unlock(b); mmap_write_unlock(a) }
thread t2 { mmap_write_lock(b); mmap_write_lock(c); mmap_write_unlock(c); mmap_write_unlock(b) }
thread t3 { mmap_write_lock(c); mmap_write_lock(a); mmap_write_unlock(a); mmap_write_unlock(c) }

expect deadlock
