# Q: A driver maps its device registers uncached from f_op->mmap, as
#    drivers/uio/uio.c: uio_mmap_physical() does:
#      vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
#      return remap_pfn_range(vma, vma->vm_start, mem->addr >> PAGE_SHIFT,
#                             vma->vm_end - vma->vm_start, vma->vm_page_prot);
#    Is the store to vm_page_prot safe, and what do the entries get?
# A: Yes: in f_op->mmap the VMA is not yet visible (mmap write lock held), so
#    nothing reads vm_page_prot meanwhile. x86's pgprot_noncached() ORs in
#    UC- (cachemode2protval(_PAGE_CACHE_MODE_UC_MINUS), arch/x86/include/asm/
#    pgtable.h), and remap_pte_range() builds each entry from that prot
#    (pte_mkspecial(pfn_pte(pfn, prot)), mm/memory.c): the user's accesses go
#    uncached. A GPU buffer's vma->vm_page_prot =
#    pgprot_writecombine(vm_get_page_prot(vma->vm_flags)), then
#    pgprot_decrypted() (drivers/gpu/drm/drm_gem.c: drm_gem_mmap_obj()),
#    gives write-combining entries likewise.
#    vm_page_prot_write_combine_live.mms changes a live VMA's instead.

mm m
file uio
file fb
page regs
page aperture

ops uio_physical_vm_ops {
  mmap(file, vma) {
    vma.vm_page_prot = pgprot_noncached(vma.vm_page_prot)
    return remap_pfn_range(vma, vma.vm_start, page_to_pfn(regs), vma.vm_end - vma.vm_start, vma.vm_page_prot)
  }
}

ops drm_gem_vm_ops {
  mmap(file, vma) {
    vma.vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma.vm_flags))
    vma.vm_page_prot = pgprot_decrypted(vma.vm_page_prot)
    return io_remap_pfn_range(vma, vma.vm_start, page_to_pfn(aperture), vma.vm_end - vma.vm_start, vma.vm_page_prot)
  }
}

vma v = mmap(m, 0x800000, pages=1, prot=rw, flags=shared, file=uio, ops=uio_physical_vm_ops)
vma w = mmap(m, 0x900000, pages=1, prot=rw, flags=shared, file=fb, ops=drm_gem_vm_ops)

thread user {
  assert touch(m, 0x800000, write) && touch(m, 0x900000, write)
  mmap_read_lock(m)
  pte = pte_offset_map_lock(m, 0x800000)
  assert pte.cachemode == _PAGE_CACHE_MODE_UC_MINUS
  pte_unmap_unlock(pte)
  pte = pte_offset_map_lock(m, 0x900000)
  assert pte.cachemode == _PAGE_CACHE_MODE_WC
  pte_unmap_unlock(pte)
  mmap_read_unlock(m)
}

expect ok
