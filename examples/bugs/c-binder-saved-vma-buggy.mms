# C Binder's saved VMA pointer (2023; Jann Horn): binder_alloc kept
# alloc->vma from binder_mmap() and used it under the mmap read lock to
# install pages, relying on binder_vma_close() to clear it. Since munmap
# detaches the VMA and then downgrades to the read lock before the zap and
# ->close (commit dd2283f2605e, 4.20), a binder thread can take the read
# lock in that window and vm_insert_page() into a VMA that is detached and
# about to be freed. Fixed by commit 931ea1ed31be / d1d8875c8c13 ("binder:
# fix UAF of alloc->vma in race with munmap()") for the kernels that still
# saved the pointer, and for good by commit a43cfc87caaf ("android: binder:
# stop saving a pointer to the VMA"): look the VMA up with vma_lookup() under
# the mmap lock each time (see c-binder-saved-vma-fixed.mms). Affected:
# 4.20 to 6.3 (5.4/5.10/5.15/6.1 stable). Rule: vma/use-after-unmap,
# reported under exploration at the use.

mm m
file binder
vma saved = nil  # alloc->vma

ops binder_ops {
  mmap(file, vma) {
    saved = vma  # binder_alloc_mmap_handler(): alloc->vma = vma
    return 0
  }
  close(vma) {
    saved = nil  # binder_alloc_vma_close()
  }
}

mmap(m, 0x100000, pages=4, prot=r, flags=shared, file=binder, vm=mixedmap, ops=binder_ops)

thread user {
  munmap(m, 0x100000, pages=4)
}

thread binder_alloc {  # binder_update_page_range()
  page p = alloc_page()
  mmap_read_lock(m)
  vma v = saved
  if v {
    vm_insert_page(v, 0x101000, p)
  }
  mmap_read_unlock(m)
  put_page(p)
}

expect violation "vma/use-after-unmap" at 40
