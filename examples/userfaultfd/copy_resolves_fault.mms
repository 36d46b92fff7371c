# Q: The monitor thread resolves a missing-page fault with UFFDIO_COPY
#    while the faulting thread waits. Which locks does each take, and in
#    what order?
# A: The fault: the VMA read lock (lock_vma_under_rcu()), the PTE lock to
#    re-check the entry, then handle_userfault() drops the VMA lock and
#    sleeps. The copy: uffd_mfill_lock() (the VMA read lock, or the mmap
#    read lock to prepare the anon_vma and vma_start_read_locked()), then
#    ctx->map_changing_lock for read and the mmap_changing test; the
#    source is copied with page faults disabled (a fault would take the
#    mmap lock under the VMA lock), and on failure both locks are dropped,
#    the copy retried with faults enabled and the locks retaken; the page
#    goes in under the PTE lock if the entry is still none
#    (mfill_atomic_install_pte()); the locks are dropped and the fault is
#    woken (wake_userfault()), which retries and finds the page
#    (fs/userfaultfd.c: userfaultfd_copy(), handle_userfault();
#    mm/userfaultfd.c: mfill_atomic()). Every interleaving ends with the
#    page in place: a copy before the fault sleeps is seen by
#    userfaultfd_must_wait(), or by the PTE re-check.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
mmap(m, 0x200000, pages=1, prot=rw, flags=private)  # the monitor's buffer
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0

thread faulter {
  assert touch(m, 0x101000, write)
}

thread monitor {
  addr = userfaultfd_ctx_read(ctx)  # read(uffd, &msg, sizeof(msg))
  # the buffer is not faulted in yet: the copy under the VMA lock fails
  # with faults disabled and is retried without the locks
  assert userfaultfd_copy(ctx, addr, 0x200000, PAGE_SIZE) == 0
  assert userfaultfd_copy(ctx, addr, 0x200000, PAGE_SIZE) == -EEXIST
}

expect ok
