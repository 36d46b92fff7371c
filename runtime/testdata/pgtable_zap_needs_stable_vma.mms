# Rule pgtable/zap-needs-stable-vma: zapping needs the VMA stable; with
# nothing held it races with munmap freeing the page tables. No kernel
# check catches it. Rule book 2.8, 6.3.

mm m
vma v = mmap(m, 0x200000, pages=8, prot=rw)
touch(m, 0x200000, write)

thread t {
  zap_vma_range(v, 0x200000, pages=8)
}

expect violation "pgtable/zap-needs-stable-vma" at 10
