# Rule vmf_insert/needs-fault-lock: vmf_insert_* install entries, so they
# need the fault's lock (mmap or VMA read lock); called from outside a
# fault with nothing held they race with munmap. Unchecked by the kernel.
# Rule book 2.4, 2.5.

mm m
file dev
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, vm=mixedmap)

ops drv {
  fault(vmf) {
    return vmf_insert_mixed(vmf.vma, vmf.address, 0x90001)
  }
}

mmap(m, 0x200000, pages=1, prot=rw, flags=shared, file=dev, vm=mixedmap, ops=drv)

thread t {
  vmf_insert_mixed(v, 0x100000, 0x90000)
  assert touch(m, 0x200000, read)  # fine: from the fault handler
}

expect violation "vmf_insert/needs-fault-lock" at 19
