# Q: May an RCU reader use the page after rcu_read_unlock()?
# A: No: once the section ends, the grace period of the kfree_rcu() or
#    call_rcu() that freed the page may end too, and the page is gone. Take
#    a reference (get_page()) inside the section instead. Freeing through
#    RCU twice is a double free. The kernel checks neither (unchecked;
#    kernel/rcu/tree.c: call_rcu()); with CONFIG_DEBUG_VM the refcount
#    underflow is a VM_BUG_ON (include/linux/mm.h: put_page_testzero()).

mm m
page a = alloc_page()
page b = alloc_page()

thread reader {
  rcu_read_lock()
  rcu_read_unlock()
  msleep(1)
  msleep(1)
  page_to_pfn(a)
  get_page(a)
}

thread updater {
  kfree_rcu(a)
  call_rcu(b)
  synchronize_rcu()
  call_rcu(b)
}

expect violation "rcu/use-after-free" at 18 sometimes
expect violation "rcu/use-after-free" at 19 sometimes
expect violation "rcu/use-after-free" at 26
