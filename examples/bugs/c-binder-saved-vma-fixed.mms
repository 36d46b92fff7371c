# C Binder's saved VMA pointer (2023), the fix: commit a43cfc87caaf
# ("android: binder: stop saving a pointer to the VMA", Liam Howlett) keeps
# only the address (alloc->vma_addr, cleared by binder_vma_close()) and
# looks the VMA up with vma_lookup() under the mmap lock each time
# (drivers/android/binder_alloc.c: binder_alloc_get_vma()). A VMA munmap has
# detached is no longer in the tree, so the lookup misses it. Rule:
# vma/use-after-unmap; see c-binder-saved-vma-buggy.mms.

mm m
file binder
vma_addr = 0  # alloc->vma_addr

ops binder_ops {
  mmap(file, vma) {
    vma_addr = vma.vm_start  # binder_alloc_mmap_handler()
    return 0
  }
  close(vma) {
    vma_addr = 0  # binder_alloc_vma_close()
  }
}

mmap(m, 0x100000, pages=4, prot=r, flags=shared, file=binder, vm=mixedmap, ops=binder_ops)

thread user {
  munmap(m, 0x100000, pages=4)
}

thread binder_alloc {  # binder_update_page_range()
  page p = alloc_page()
  mmap_read_lock(m)
  if vma_addr != 0 {  # binder_alloc_get_vma()
    vma v = vma_lookup(m, vma_addr)
    if v {
      vm_insert_page(v, 0x101000, p)
    }
  }
  mmap_read_unlock(m)
  put_page(p)
}

expect ok
