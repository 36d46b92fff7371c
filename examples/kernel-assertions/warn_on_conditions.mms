# Q: A kernel function I copy into a script has WARN_ON_ONCE(), BUG_ON()
#    and VM_WARN_ON_ONCE() lines. Do I have to drop them?
# A: No: each macro is an operation that reports when its condition holds,
#    with the macro's reaction (WARN_ON and WARN_ON_ONCE: a warning with a
#    backtrace, the task goes on; BUG_ON: an oops, the task dies holding its
#    locks; VM_BUG_ON, VM_WARN_ON and VM_WARN_ON_ONCE: the same on
#    CONFIG_DEBUG_VM kernels only), and returns the condition, so that
#    `if WARN_ON_ONCE(!pages) { return -EINVAL }` reads as the C does. The
#    condition may be an int or a pointer, as in C. The kernel library uses
#    them too: pin_user_pages() without a pages array warns in
#    is_valid_gup_args() and returns 0 (mm/gup.c: pin_user_pages()).

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread driver {
  mmap_read_lock(m)
  assert pin_user_pages(m, 0x100000, pages=2, gup_flags=FOLL_WRITE) == 0
  mmap_read_unlock(m)
  flags = FOLL_WRITE | FOLL_LONGTERM
  if WARN_ON_ONCE(flags & FOLL_LONGTERM != 0 && flags & FOLL_PIN == 0) {
    flags = flags ^ FOLL_LONGTERM
  }
  WARN_ON(v.vm_flags & VM_WRITE)
  VM_WARN_ON_ONCE(v.vm_start != 0x100000 || flags != FOLL_WRITE)
  VM_WARN_ON(v.vm_end - v.vm_start != 2 * PAGE_SIZE)
  VM_BUG_ON(!v.anon_vma)
  BUG_ON(flags == FOLL_WRITE)
  print("not reached: the task died at the BUG_ON")
}

expect violation "kernel/WARN_ON: WARN_ON_ONCE" at 18
expect violation "kernel/WARN_ON: WARN_ON_ONCE" at 21
expect violation "kernel/WARN_ON: WARN_ON" at 24
expect violation "kernel/VM_WARN_ON: VM_BUG_ON" at 27
expect fatal "kernel/BUG_ON" at 28
