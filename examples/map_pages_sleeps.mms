# Q: May ->map_pages sleep?
# A: No. Fault-around calls ->map_pages inside rcu_read_lock(); it must take
#    only what is ready and never wait (rule book 2.26). Allocating with
#    GFP_KERNEL may sleep: "sleeping function called from invalid context"
#    on a CONFIG_DEBUG_ATOMIC_SLEEP kernel.

mm m
file dev

ops drv {
  map_pages(vmf, start, end) {
    page p = alloc_page()
    vmf_insert_page(vmf.vma, vmf.address, p)
  }
  fault(vmf) {
    return VM_FAULT_SIGBUS
  }
}

mmap(m, 0x100000, pages=16, prot=r, flags=shared, file=dev, vm=mixedmap, ops=drv)

thread user {
  touch(m, 0x100000, read)
}

expect violation "lock/sleep-in-atomic: alloc_page(GFP_KERNEL) may sleep" at 12
expect violation "lock/sleep-in-atomic: vmf_insert_page may sleep" at 13
