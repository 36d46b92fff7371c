# Q: My walker's error path restores the saved IRQ flags and then falls
#    through to the common exit, which restores them again. Is a second
#    local_irq_restore() harmless?
# A: It turns on IRQs that are already on: the kernel says nothing (lockdep
#    only counts redundant_hardirqs_on, kernel/locking/lockdep.c:
#    lockdep_hardirqs_on()), but it is the sign of an unbalanced path: had
#    the caller run with IRQs off, the first restore already ended its
#    section. Restore once, on every path (mm/gup.c: gup_fast()).

mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)

thread walker {
  failed = true
  flags = local_irq_save()
  pmdp_get_lockless(m, 0x200000)
  if failed {
    local_irq_restore(flags)  # the error path
  }
  local_irq_restore(flags)
}

expect violation "irq/unbalanced" at 20
