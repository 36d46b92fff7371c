# vm_ops_open() and take_rmap_locks() on a VMA another thread unmaps: the
# use-after-unmap check reads the VMA's attachment, so their steps depend
# on munmap's detach. They declared no data, and the reduced search took
# them as independent of the unmap and missed both findings (script 1935
# of TestReductionIsSoundOnGeneratedScripts); checkVMAUse now records the
# read for every use of a VMA. drop_rmap_locks reads the VMA too
# (vma->anon_vma, vma->vm_file), but it runs with the VMA's i_mmap_rwsem
# held for write: munmap's free_pgtables() unlinks the VMA from the
# i_mmap tree under that lock (and remove_vma() frees it after), so while
# the locker holds it the VMA, still linked, is not freed: never reported.
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
expect violation "vma/use-after-unmap" at 15 sometimes
expect violation "vma/use-after-unmap" at 18 sometimes
expect violation "vma/use-after-unmap" at 19 never
