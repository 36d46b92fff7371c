# Q: May I zap an ordinary VMA with zap_special_vma_range(), or a whole VMA
#    with zap_vma() without a lock?
# A: zap_special_vma_range() returns without zapping anything unless the
#    range is inside a VM_PFNMAP or VM_MIXEDMAP VMA (mm/memory.c: "This
#    function does nothing when the provided address range is not fully
#    contained in @vma, or when the @vma is not VM_PFNMAP or VM_MIXEDMAP"),
#    silently. zap_vma() and zap_vma_pages() are zap_vma_range() over the
#    VMA: without the mmap, VMA or rmap lock munmap may free the VMA and its
#    tables meanwhile (unchecked).

mm m
vma anon = mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)

thread driver {
  mmap_read_lock(m)
  zap_special_vma_range(anon, 0x100000, 0x2000)
  mmap_read_unlock(m)
  zap_vma(anon)
  zap_vma_pages(anon)
}

expect violation "zap_vma_ptes/not-pfnmap" at 17
expect violation "pgtable/zap-needs-stable-vma" at 19
expect violation "pgtable/zap-needs-stable-vma" at 20
