# A read of ctx->mmap_changing races with the event that raises it: the
# reader sees 0 or 1 depending on the order, so the search must run both.
# The field read recorded nothing before (TouchesField knew no userfaultfd
# context) and the store was World, which conflicts with no empty
# footprint: explore ran one order and reported "expect ok sometimes"
# as Never.

mm m
mmap(m, 0x100000, pages=4, prot=rw, flags=private)
ctx = userfaultfd(m)

thread event {
  down_write(ctx.map_changing_lock)
  ctx.mmap_changing += 1
  up_write(ctx.map_changing_lock)
}

thread reader {
  assert ctx.mmap_changing == 0
}

expect error "assert" sometimes
expect ok sometimes
