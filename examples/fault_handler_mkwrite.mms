# Q: What locks does a page fault handler run with?
# A: The mmap read lock, or the VMA read lock (FAULT_FLAG_VMA_LOCK) when the
#    VMA's ops have ->map_pages; vmf.vma_lock says which. Both allow
#    installing PTEs, so vmf_insert_page_mkwrite is fine here, and the
#    handler may sleep (alloc_page). Rule book 2.6 and 2.26.

mm m
file dev

ops drv {
  map_pages(vmf, start, end) { }
  fault(vmf) {
    assert vmf.vma_lock, "with ->map_pages the fault runs under the VMA lock"
    page p = alloc_page()
    return vmf_insert_page_mkwrite(vmf, p, vmf.write)
  }
}

mmap(m, 0x100000, pages=16, prot=rw, flags=shared, file=dev, vm=mixedmap, ops=drv)

thread user {
  assert touch(m, 0x100000, write)
}

thread other {
  assert touch(m, 0x104000, read)
}

expect ok
