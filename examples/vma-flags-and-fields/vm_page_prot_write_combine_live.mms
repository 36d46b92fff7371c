# Q: May a driver's ioctl switch an existing mapping to write-combining by
#    storing vma->vm_page_prot under the mmap read lock?
# A: No. vm_page_prot has vm_flags' row in Documentation/mm/process_addrs.rst:
#    written under the mmap write lock and the VMA write lock, since a fault
#    holding only the VMA read lock (lock_vma_under_rcu) builds its entries
#    from it (mk_pte(page, vma->vm_page_prot)): it may map with the old or the
#    new cache mode, and the entries already mapped keep theirs. The kernel
#    checks nothing (vma_set_page_prot() uses WRITE_ONCE, no assertion). Set
#    it in f_op->mmap (uio_mmap_physical_noncached.mms), or take the mmap
#    write lock, vma_start_write() and zap the old entries.

mm m
file dev
page aperture

ops drv {
  mmap(file, vma) {
    return remap_pfn_range(vma, vma.vm_start, page_to_pfn(aperture), PAGE_SIZE, vma.vm_page_prot)
  }
}

vma v = mmap(m, 0x800000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)

thread ioctl {
  mmap_read_lock(m)
  vma = vma_lookup(m, 0x800000)
  vma.vm_page_prot = pgprot_writecombine(vma.vm_page_prot)
  mmap_read_unlock(m)
}

expect violation "vma-field/vm_page_prot" at 27
