# Q: May a fault handler map the whole buffer with vm_map_pages()?
# A: Not on a VMA that is not VM_MIXEDMAP yet: vm_map_pages() and
#    vm_map_pages_zero() go through vm_insert_pages(), which sets VM_MIXEDMAP
#    and so needs the mmap lock for write; a fault holds it for read (or only
#    the VMA lock), and BUG_ON(mmap_read_trylock()) fires. Map the pages in
#    f_op->mmap, or set VM_MIXEDMAP there and insert single pages from
#    ->fault (rule book 2.3).

mm m
file dev
page a = alloc_page()
page b = alloc_page()

ops drv {
  fault(vmf) {
    return vm_map_pages(vmf.vma, a, b)
  }
}

ops drv_zero {
  fault(vmf) {
    return vm_map_pages_zero(vmf.vma, a)
  }
}

mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
mmap(m, 0x200000, pages=1, prot=rw, flags=shared, file=dev, ops=drv_zero)

thread user {
  touch(m, 0x100000, read)
}

thread user_zero {
  touch(m, 0x200000, read)
}

expect fatal "vm_insert_page/not-mixedmap-needs-mmap-write" at 16
expect fatal "vm_insert_page/not-mixedmap-needs-mmap-write" at 22
