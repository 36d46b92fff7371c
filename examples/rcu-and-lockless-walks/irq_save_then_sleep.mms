# Q: local_irq_save() nests where local_irq_disable() does not. May I
#    sleep between local_irq_save() and local_irq_restore(), say to wait
#    for a page I need?
# A: No. Between the two, interrupts are off whatever the flags say:
#    nothing may sleep. msleep() has no might_sleep() of its own
#    (kernel/time/sleep_timeout.c), so not even a debug kernel says
#    anything: schedule_debug() looks at preempt_count, not at
#    irqs_disabled(), and the task comes back with IRQs on, its IRQs-off
#    section silently over. A might_sleep() on the way (mutex_lock(),
#    folio_lock()) is "BUG: sleeping function called from invalid context"
#    with CONFIG_DEBUG_ATOMIC_SLEEP. And the
#    IRQs-off region holds off every grace period and table-freeing IPI
#    (include/linux/irqflags.h; mm/gup.c: gup_fast() does no sleeping
#    work between its save and restore).

mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
touch(m, 0x200000, write)

thread walker {
  flags = local_irq_save()
  pmdp_get_lockless(m, 0x200000)
  msleep(1)
  local_irq_restore(flags)
}

expect violation "sched/schedule-irqs-off: msleep() blocks in schedule(), but interrupts are disabled" at 23
