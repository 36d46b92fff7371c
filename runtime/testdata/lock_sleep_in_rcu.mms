# Rule lock/sleep-in-atomic, RCU flavour: an RCU read-side critical section
# must not sleep either, however deeply nested (rcu_read_lock nests).
# Rule book 1.1 (RCU read lock), 2.26 (->map_pages runs under RCU).

mm m

thread t {
  rcu_read_lock()
  rcu_read_lock()
  rcu_read_unlock()
  might_sleep()
  rcu_read_unlock()
  might_sleep()  # fine: outside RCU
}

expect violation "lock/sleep-in-atomic: might_sleep() may sleep, but the thread is in an RCU read-side critical section" at 11
