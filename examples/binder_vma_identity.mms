# Q: Under the right lock, is the VMA I look up by address the one I mapped?
# A: Not necessarily. Rust Binder (2026, reported by Jann Horn) kept the
#    start address from mmap and later did mmap_read_lock + vma_lookup +
#    vm_insert_page: correctly locked, yet user space had meanwhile unmapped
#    the Binder VMA and mapped its own there. Locks keep a VMA alive; they do
#    not say whose it is. The fix checks vm_ops (and vm_private_data) before
#    using the VMA (rule book 3.4). Without the check mmscript reports
#    vma/identity-unchecked at the install when the VMA found is not the one
#    that was there when the thread started: examples/bugs/rust-binder-*.mms.

mm m
file binder
file other

ops binder_ops {
  fault(vmf) { return VM_FAULT_SIGBUS }
}

vma v = mmap(m, 0x100000, pages=4, prot=r, flags=shared, file=binder, vm=mixedmap, ops=binder_ops)
start = v.vm_start

thread user {
  munmap(m, start, pages=4)
  mmap(m, start, pages=4, prot=rw, flags=shared, file=other, vm=mixedmap)
}

thread binder_alloc {
  repeat 4 { msleep(1) }  # in the default schedule the user goes first
  page p = alloc_page()
  mmap_read_lock(m)
  vma x = vma_lookup(m, start)
  if x != nil && x.vm_ops == binder_ops {  # check_vma(): is it still ours?
    assert x == v, "only Binder's own VMA passes the check"
    vm_insert_page(x, start, p)
  }
  mmap_read_unlock(m)
  put_page(p)
}

expect ok
