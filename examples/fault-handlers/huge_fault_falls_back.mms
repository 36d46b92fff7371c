# Q: A driver's ->huge_fault cannot map a PMD-sized page this time. What
#    does it return, and which lock does it run under?
# A: VM_FAULT_FALLBACK: __handle_mm_fault() then goes on to the PTE level,
#    where ->fault maps a 4 KiB page. create_huge_pmd() calls ->huge_fault
#    without vmf_can_call_fault(), so under a per-VMA-lock fault it runs
#    with the VMA read lock alone, even for a VMA without ->map_pages; it
#    must not block on the mmap lock (mm/memory.c: create_huge_pmd(),
#    __handle_mm_fault(); mm/huge_memory.c: __thp_vma_allowable_orders()
#    "Trust that ->huge_fault() handlers know what they are doing").

mm m
file dev
int huge_calls = 0

ops drv {
  huge_fault(vmf, order) {
    assert order == 9, "->huge_fault(vmf, PMD_ORDER)"
    huge_calls += 1
    return VM_FAULT_FALLBACK
  }
  fault(vmf) {
    page p = alloc_page()
    return p
  }
}

# VM_HUGEPAGE and a 2 MiB aligned range: thp_vma_allowable_order() lets a
# driver with ->huge_fault take the PMD-sized fault
mmap(m, 0x200000, pages=512, prot=rw, flags=shared, file=dev, vm=hugepage, ops=drv)

thread user {
  # arch/x86/mm/fault.c: do_user_addr_fault(), the per-VMA-lock attempt
  vma v = lock_vma_under_rcu(m, 0x201000)
  if v {
    ret = handle_mm_fault(v, 0x201000, flags=read | vma_lock | allow_retry)
    if ret & (VM_FAULT_RETRY | VM_FAULT_COMPLETED) == 0 {
      vma_end_read(v)
    }
    # ->fault has no ->map_pages to go with it: vmf_can_call_fault()
    # gave up with the VMA lock released
    assert ret == VM_FAULT_RETRY
  }
  mmap_read_lock(m)
  vma w = vma_lookup(m, 0x201000)
  assert handle_mm_fault(w, 0x201000, flags=read | allow_retry) == 0
  mmap_read_unlock(m)
  assert touch(m, 0x201000, read)
  assert huge_calls == 2, "->huge_fault ran for both faults at the none PMD"
}

expect ok
