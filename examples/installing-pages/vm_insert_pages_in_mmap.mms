# Q: How does a driver map a batch of its pages at mmap time?
# A: vm_insert_pages() from f_op->mmap, which runs under the mmap write lock
#    on a VMA nobody else sees yet: it sets VM_MIXEDMAP (vm_flags_set() ->
#    vma_start_write(), asserting the write lock) and installs the pages
#    under the PTE locks, up to 8 per lock hold (mm/memory.c:
#    vm_insert_pages(), insert_pages()). Afterwards the user's faults find
#    them present.

mm m
file dev
page a = alloc_page()
page b = alloc_page()

ops drv {
  mmap(file, vma) {
    return vm_insert_pages(vma, vma.vm_start, a, b)
  }
}

mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  assert touch(m, 0x101000, write)
}

expect ok
