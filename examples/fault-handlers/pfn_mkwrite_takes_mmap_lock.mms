# Q: May ->pfn_mkwrite take the mmap lock, say to look at other VMAs?
# A: No: it runs inside the fault, under the mmap read lock or the VMA read
#    lock (wp_pfn_shared() calls vmf_can_call_fault() first, so only VMAs
#    with ->map_pages get the VMA lock). Under the mmap lock the read lock
#    is taken twice: a deadlock behind a queued writer, and lockdep's
#    recursive-locking report (mm/memory.c: wp_pfn_shared()).

mm m
file dev

ops drv {
  fault(vmf) {
    return vmf_insert_pfn(vmf.vma, vmf.address, 0x80000)
  }
  pfn_mkwrite(vmf) {
    mmap_read_lock(vmf.vma.vm_mm)
    mmap_read_unlock(vmf.vma.vm_mm)
    return 0
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, vm=pfnmap, ops=drv)

thread user {
  touch(m, 0x100000, read)
  touch(m, 0x100000, write)
}

expect violation "lock/recursive" at 16
