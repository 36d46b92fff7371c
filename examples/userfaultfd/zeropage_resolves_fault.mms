# Q: UFFDIO_ZEROPAGE resolves a read fault with the zero page: which
#    locks?
# A: As UFFDIO_COPY without the copy: the VMA read lock (or the mmap read
#    lock's fallback), ctx->map_changing_lock for read, the PTE lock for
#    the install (mfill_atomic_pte_zeropage()), then the wake
#    (fs/userfaultfd.c: userfaultfd_zeropage(); mm/userfaultfd.c:
#    mfill_atomic()).

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)
assert userfaultfd_register(ctx, 0x100000, 0x4000, UFFDIO_REGISTER_MODE_MISSING) == 0

thread faulter {
  assert touch(m, 0x102000, read)
}

thread monitor {
  addr = userfaultfd_ctx_read(ctx)
  assert userfaultfd_zeropage(ctx, addr, PAGE_SIZE) == 0
}

expect ok
