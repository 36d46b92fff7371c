# Q: What if a driver's f_op->mmap does not set VM_MIXEDMAP, as tcp_mmap()
#    (net/ipv4/tcp.c) does, and its receive path calls vm_insert_pages()
#    under the VMA read lock or the mmap read lock?
# A: vm_insert_pages() then sets VM_MIXEDMAP itself, which needs the mmap
#    lock for write; it checks with BUG_ON(mmap_read_trylock(vma->vm_mm))
#    (mm/memory.c: vm_insert_pages()), and the trylock succeeds under a
#    read lock: the task oopses. tcp_zerocopy_vm_insert_pages.mms is the
#    fixed form ("Instruct vm_insert_page() to not mmap_read_lock(mm)").

mm m
file sock
page_array pages
pages[0] = alloc_page()
pages[1] = alloc_page()

ops tcp_vm_ops {
  mmap(file, vma) {
    vm_flags_clear(vma, VM_MAYWRITE | VM_MAYEXEC)
    return 0
  }
}

mmap(m, 0x100000, pages=2, prot=r, flags=shared, file=sock, ops=tcp_vm_ops)

thread receiver {
  mmap_read_lock(m)
  vma = vma_lookup(m, 0x100000)
  pages_remaining = 2
  err = vm_insert_pages(vma, 0x100000, pages, &pages_remaining)
  mmap_read_unlock(m)
}

expect fatal "vm_insert_page/not-mixedmap-needs-mmap-write" at 29
