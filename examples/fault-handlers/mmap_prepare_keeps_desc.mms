# Q: May a driver keep the vm_area_desc its f_op->mmap_prepare was given and
#    change it later, once it knows more?
# A: No: the descriptor lives on __mmap_region()'s stack and only the hook
#    may use it; call_mmap_prepare() copies what the hook left in it into the
#    mapping as soon as the hook returns (mm/vma.c). A later change reaches
#    no mapping and writes freed stack memory. f_op->mmap_prepare must be
#    stateless: the mapping may still fail or be merged into a neighbour.

mm m
file dev
saved = nil

ops drv {
  mmap_prepare(desc) {
    saved = desc
    return 0
  }
}

vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
vma_desc_set_flags(saved, dontcopy)
vma_desc_clear_flags(saved, mayexec)

expect violation "mmap_prepare/desc-outside-hook" at 21
expect violation "mmap_prepare/desc-outside-hook" at 22
