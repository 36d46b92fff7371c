# Q: My lockless walk runs with interrupts off (local_irq_disable(), as
#    GUP-fast's local_irq_save()). May something in it sleep?
# A: No. Interrupts off keeps away the IPI that tlb_remove_table_sync_one()
#    and the TLB shootdowns wait for, so the walked tables cannot be freed
#    under it; a sleep schedules away, and the context switch comes back
#    with interrupts on (kernel/sched/core.c: finish_task_switch() ->
#    raw_spin_rq_unlock_irq()), so the walk goes on unprotected.
#    schedule_debug() checks only in_atomic_preempt_off(), so no kernel
#    prints anything at the schedule; a might_sleep() before it warns on
#    CONFIG_DEBUG_ATOMIC_SLEEP kernels (__might_resched():
#    irqs_disabled()). The correct use is
#    rcu-and-lockless-walks/gup_fast_walk_vs_table_free.mms.

mm m
mmap(m, 0x100000, pages=1, prot=rw)
touch(m, 0x100000, write)

thread walker {
  local_irq_disable()
  msleep(1)  # waits for the device while the walk is open
  local_irq_enable()
}

expect violation "sched/schedule-irqs-off" at 20
