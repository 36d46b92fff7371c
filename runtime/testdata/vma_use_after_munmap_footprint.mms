# vm_ops_open() and take_rmap_locks() on a VMA another thread unmaps: the
# use-after-unmap check reads the VMA's attachment, so their steps depend
# on munmap's detach. They declared no data, and the reduced search took
# them as independent of the unmap and missed both findings (script 1935
# of TestReductionIsSoundOnGeneratedScripts); checkVMAUse now records the
# read for every use of a VMA. drop_rmap_locks reads the VMA too
# (vma->anon_vma, vma->vm_file): after the unmap it is reported as well.
mm m
file f
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=f)
thread opener {
  vm_ops_open(v)
}
thread locker {
  take_rmap_locks(v)
  drop_rmap_locks(v)
}
thread unmapper {
  munmap(m, 0x100000, pages=2)
}
expect violation "vma/use-after-unmap" at 12 sometimes
expect violation "vma/use-after-unmap" at 15 sometimes
expect violation "vma/use-after-unmap" at 16 sometimes
