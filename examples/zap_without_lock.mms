# Q: And zapping with nothing held?
# A: A race: munmap may free the VMA and its page tables meanwhile, so the
#    zap walks freed tables. The kernel does not check this; nothing warns
#    (process_addrs.rst "Page tables": zap needs a stable VMA). When munmap
#    wins the race, the zap even uses the freed VMA itself.

mm m
vma v = mmap(m, 0x200000, pages=8, prot=rw)

thread reclaimer {
  zap_vma_range(v, 0x200000, pages=8)
}

thread unmapper {
  munmap(m, 0x200000, pages=8)
}

expect violation "pgtable/zap-needs-stable-vma" at 11 always
expect violation "vma/use-after-unmap" at 11 sometimes
