# Q: A driver publishes a page to RCU readers. How does it free it?
# A: Unpublish it first, then kfree_rcu() or call_rcu(): the reference is
#    dropped after a grace period, once every reader that could have seen
#    the page has left its rcu_read_lock() section; or synchronize_rcu() and
#    then put_page() (kernel/rcu/tree.c: call_rcu(), synchronize_rcu()). A
#    reader that keeps the page past rcu_read_unlock() takes its own
#    reference with get_page() inside the section.

mm m
page a = alloc_page()
page b = alloc_page()
page c = alloc_page()
published = true

thread reader {
  rcu_read_lock()
  seen = published
  if seen {
    assert page_to_pfn(a) > 0 && page_to_pfn(c) > 0
    get_page(b)
  }
  rcu_read_unlock()
  if seen {
    put_page(b)
  }
}

thread updater {
  published = false
  kfree_rcu(a)
  call_rcu(c)
  synchronize_rcu()
  put_page(b)
}

expect ok
