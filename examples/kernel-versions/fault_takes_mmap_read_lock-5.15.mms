# Before per-VMA locks (v6.4) the x86 fault path took the mmap read lock
# for every fault (arch/x86/mm/fault.c (5.15): do_user_addr_fault():
# mmap_read_trylock() or mmap_read_lock(), find_vma()), so a ->fault
# handler always runs with it held and may assert it: the kernel
# library's do_user_addr_fault() tries no lock_vma_under_rcu() before
# v6.4 (`mmscript run -trace` shows the path).
kernel 5.15

mm m
file dev

ops drv {
  fault(vmf) {
    mmap_assert_locked(vmf.vma.vm_mm)
    page p = alloc_page()
    return vmf_insert_page(vmf.vma, vmf.address, p)
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, vm=mixedmap, ops=drv)

thread user {
  assert touch(m, 0x100000, write)
}

expect ok
