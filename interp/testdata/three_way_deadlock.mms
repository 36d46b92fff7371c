# Three threads, three locks, taken in a cycle: with round-robin each takes
# its first lock and then waits for the next thread's. Lockdep sees one class
# (mmap_lock) nested in itself without mmap_write_lock_nested and reports each
# nesting as possible recursive locking.

mm a
mm b
mm c

thread t1 { mmap_write_lock(a); mmap_write_lock(b); mmap_write_unlock(b); mmap_write_unlock(a) }
thread t2 { mmap_write_lock(b); mmap_write_lock(c); mmap_write_unlock(c); mmap_write_unlock(b) }
thread t3 { mmap_write_lock(c); mmap_write_lock(a); mmap_write_unlock(a); mmap_write_unlock(c) }

expect violation "possible recursive locking: taking b->mmap_lock while holding a->mmap_lock" at 10
expect violation "possible recursive locking: taking c->mmap_lock while holding b->mmap_lock" at 11
expect violation "possible recursive locking: taking a->mmap_lock while holding c->mmap_lock" at 12
expect deadlock
