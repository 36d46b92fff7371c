# handle_mm_fault(vma, address, flags, regs) as mm/memory.c declares it:
# the arch fault handler passes its struct pt_regs *regs
# (arch/x86/mm/fault.c: do_user_addr_fault(): handle_mm_fault(vma, address,
# flags | FAULT_FLAG_VMA_LOCK, regs)), GUP passes NULL (mm/gup.c:
# faultin_page()). The kernel reads regs only in mm_account_fault() for
# perf events, so mmscript takes the word regs or NULL and models neither;
# NULL is mmscript's nil, either spelling. The three-argument form still
# binds.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread t {
  mmap_read_lock(m)
  assert handle_mm_fault(v, 0x100000, FAULT_FLAG_WRITE, NULL) == 0
  flags = FAULT_FLAG_DEFAULT | FAULT_FLAG_USER
  assert handle_mm_fault(v, 0x101000, flags, regs) == 0
  assert handle_mm_fault(v, 0x101000, flags) == 0
  mmap_read_unlock(m)
  vma = lock_vma_under_rcu(m, 0x100000)
  if vma != NULL {
    fault = handle_mm_fault(vma, 0x100000, flags | FAULT_FLAG_VMA_LOCK | FAULT_FLAG_WRITE, regs)
    if !(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)) {
      vma_end_read(vma)
    }
  }
}

expect ok
