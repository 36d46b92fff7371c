# Rule rcu/unbalanced: rcu_read_unlock() pairs with an rcu_read_lock() of
# the same thread. Rule book 1.1.

mm m

thread t {
  rcu_read_lock()
  rcu_read_unlock()
  rcu_read_unlock()
}

expect violation "rcu/unbalanced" at 9
