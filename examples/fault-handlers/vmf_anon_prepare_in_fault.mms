# Q: A fault path needs the VMA's anon_vma. How does it prepare it under a
#    VMA-lock fault?
# A: With vmf_anon_prepare(), never anon_vma_prepare(): under
#    FAULT_FLAG_VMA_LOCK it takes mmap_read_trylock() for __anon_vma_prepare()
#    (which asserts the mmap lock), and if a writer is in the way it drops
#    the VMA lock and returns VM_FAULT_RETRY, which the handler passes on.
#    It is declared in mm/internal.h: core mm uses it (do_anonymous_page,
#    do_cow_fault, wp_page_copy), drivers cannot (mm/memory.c:
#    __vmf_anon_prepare(); rule book 2.25).

mm m
file dev

ops drv {
  map_pages(vmf, start, end) {}
  fault(vmf) {
    int ret = vmf_anon_prepare(vmf)
    if ret != 0 {
      return ret
    }
    assert vmf.vma.anon_vma
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=4, prot=rw, flags=private, file=dev, ops=drv)

thread user {
  touch(m, 0x100000, read)
}

thread writer {
  mmap_write_lock(m)
  mmap_write_unlock(m)
}

expect ok
