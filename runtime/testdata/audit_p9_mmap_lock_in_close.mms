# Audit probe p9 (§2.1): a reader of the mmap lock against a munmap whose
# ->close runs. In the kernel munmap(2) downgrades to the read lock before
# the zap and ->close (vms_complete_munmap_vmas), so the reader may get in
# meanwhile; either way nothing is reported and nobody deadlocks.

mm m
file dev
ops drv {
  close(vma) {}
}
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
thread a { munmap(m, 0x100000, pages=2) }
thread b {
  msleep(1)
  mmap_read_lock(m)
  mmap_read_unlock(m)
}
expect ok
