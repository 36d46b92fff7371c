# Q: A thread faults on memory registered with userfaultfd
#    (UFFDIO_REGISTER_MODE_MISSING) and the monitor resolves the fault.
#    What does the faulting thread hold while it waits?
# A: Nothing of the mm: do_anonymous_page() re-checks the PTE under the PTE
#    lock and drops it, handle_userfault() queues the fault, drops the
#    fault lock (release_fault_lock(): the VMA read lock taken by
#    lock_vma_under_rcu(), or the mmap read lock) and sleeps; woken, it
#    returns VM_FAULT_RETRY and the fault runs again. So the monitor may
#    take the mmap write lock (UFFDIO_UNREGISTER does) while it waits
#    (fs/userfaultfd.c: handle_userfault(), userfaultfd_unregister();
#    mm/memory.c: do_anonymous_page()).

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0

thread faulter {
  assert touch(m, 0x101000, write)
}

thread monitor {
  addr = userfaultfd_ctx_read(ctx)  # read(uffd, &msg, sizeof(msg))
  assert addr == 0x101000
  # the fault's page is left to the kernel: unregistering wakes the fault
  assert userfaultfd_unregister(ctx, addr, PAGE_SIZE) == 0
}

expect ok
