# Q: My device memory is mapped with VM_PFNMAP and I need to know when
#    user space first writes a page. How?
# A: ->pfn_mkwrite: with it (or ->page_mkwrite) the shared mapping is
#    write-notified, so vmf_insert_pfn() maps the pfn read-only and the
#    first write faults into do_wp_page() -> wp_pfn_shared(), which calls
#    ->pfn_mkwrite with the fault's own flags plus FAULT_FLAG_MKWRITE
#    (unlike ->page_mkwrite) under the fault's lock, and then makes the PTE
#    writable (mm/memory.c: wp_pfn_shared(); mm/mmap.c:
#    vma_wants_writenotify()).

mm m
file dev
mutex drv_lock
dirty = 0

ops drv {
  fault(vmf) {
    return vmf_insert_pfn(vmf.vma, vmf.address, 0x80000)
  }
  pfn_mkwrite(vmf) {
    mutex_lock(drv_lock)
    dirty = dirty + 1
    mutex_unlock(drv_lock)
    return 0
  }
}

mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, vm=pfnmap, ops=drv)

thread user {
  assert touch(m, 0x100000, read)
  assert touch(m, 0x100000, write)
  assert dirty == 1
}

expect ok
