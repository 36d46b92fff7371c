# Q: zap_huge_pmd() takes the PMD lock itself. Is that enough to call it
#    without the mmap lock?
# A: No. The PMD lock keeps the entry, not the VMA or the page tables
#    above it: munmap() may free the VMA and its tables meanwhile. Every
#    zap needs the VMA stable (process_addrs.rst "Page tables": zap), and
#    nothing in the kernel checks it.

mm m
vma v = mmap(m, 0x200000, pages=512, prot=rw, flags=private | anonymous, vm=hugepage)
touch(m, 0x200000, write)

thread zapper {
  tlb = tlb_gather_mmu(m)
  zap_huge_pmd(tlb, v, 0x200000)
  tlb_finish_mmu(tlb)
}

expect violation "pgtable/traverse-needs-stable-vma: pmdp_huge_get_and_clear_full" at 14
