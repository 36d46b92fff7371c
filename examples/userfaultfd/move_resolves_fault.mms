# Q: The monitor resolves a missing-page fault with UFFDIO_MOVE, handing
#    over a page it filled elsewhere in the same mm, while the faulting
#    thread waits. Which locks does the move take?
# A: uffd_move_lock(): the destination VMA's read lock (uffd_lock_vma()),
#    the source's with lock_vma_under_rcu(), or both under the mmap read
#    lock, the second as lockdep subclass SINGLE_DEPTH_NESTING; then
#    ctx->map_changing_lock for read; per page the source folio's lock
#    (folio_trylock() under the source PTE lock, or folio_lock() with no
#    PTE lock held and a retry) and both PTE locks in address order
#    (double_pt_lock(): the second spin_lock_nested()); the page moves
#    with its rmap (folio_move_anon_rmap()) and the fault is woken
#    (mm/userfaultfd.c: move_pages(), move_pages_ptes();
#    fs/userfaultfd.c: userfaultfd_move()).

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
mmap(m, 0x200000, pages=2, prot=rw, flags=private)  # the monitor's staging area
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0

thread faulter {
  assert touch(m, 0x101000, write)
}

thread monitor {
  assert touch(m, 0x200000, write)  # fill the page to hand over
  addr = userfaultfd_ctx_read(ctx)
  assert userfaultfd_move(ctx, addr, 0x200000, PAGE_SIZE) == 0
}

expect ok
