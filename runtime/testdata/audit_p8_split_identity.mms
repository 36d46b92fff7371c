# Audit probe p8 (§2.2): munmap of a middle page splits twice
# (vms_gather_munmap_vmas: __split_vma(vmi, vma, start, 1), then
# __split_vma(vmi, next, end, 0)); each new piece gets ->open, and the
# original struct is the removed middle: the script's v is freed memory.

mm m
file dev
opens = 0
ops drv {
  open(vma) { opens = opens + 1 }
}
vma v = mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, ops=drv)
thread t {
  munmap(m, 0x101000, pages=1)
  assert opens == 2, "both new pieces were opened"
  mmap_read_lock(m)
  zap_vma_range(v, 0x101000, pages=1)
  mmap_read_unlock(m)
}
expect violation "vma/use-after-unmap" at 17
