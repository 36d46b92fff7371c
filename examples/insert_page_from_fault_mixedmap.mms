# Q: How does a fault handler insert a page correctly?
# A: Mark the VMA VM_MIXEDMAP at mmap time (vm=mixedmap stands for the
#    driver's f_op->mmap doing vm_flags_set(vma, VM_MIXEDMAP)); then the
#    fault's own lock is enough: the mmap read lock, or the VMA read lock
#    when the VMA has ->map_pages (rule book 2.1, 2.26).

mm m
file dev

ops drv {
  fault(vmf) {
    page p = alloc_page()
    return vmf_insert_page(vmf.vma, vmf.address, p)
  }
}

mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, vm=mixedmap, ops=drv)

thread user {
  assert touch(m, 0x100000, write)
  assert touch(m, 0x101000, read)
}

expect ok
