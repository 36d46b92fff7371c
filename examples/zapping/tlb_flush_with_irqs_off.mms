# Q: May a TLB flush run with interrupts disabled, say inside a
#    local_irq_save() section that also walks the page tables?
# A: No. On x86, flush_tlb_mm() and flush_tlb_range() are
#    flush_tlb_mm_range(), which IPIs the other CPUs of the mm and waits
#    for them (kernel/smp.c: smp_call_function_many_cond(): "Can deadlock
#    when called with interrupts disabled": two CPUs flushing each other
#    with interrupts off wait forever), or, for an mm only this CPU runs,
#    flushes between local_irq_disable() and local_irq_enable(), which
#    would turn the caller's interrupts back on. Both branches assert
#    lockdep_assert_irqs_enabled() (arch/x86/mm/tlb.c:
#    flush_tlb_mm_range()): a lockdep splat on CONFIG_PROVE_LOCKING
#    kernels, nothing on production ones. Flush after local_irq_restore().

mm m
vma v = mmap(m, 0x200000, pages=2, prot=rw, flags=private)

thread t {
  assert touch(m, 0x200000, write)
  mmap_read_lock(m)
  flags = local_irq_save()
  flush_tlb_range(v, 0x200000, pages=1)
  flush_tlb_mm(m)
  local_irq_restore(flags)
  mmap_read_unlock(m)
}

expect violation "flush_tlb_range/irqs-disabled" at 21
expect violation "flush_tlb_mm/irqs-disabled" at 22
