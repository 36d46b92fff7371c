# Q: What may a kernel thread that calls mmap and munmap on an mm hold?
# A: Nothing of that mm: mmap (vm_mmap_pgoff()) takes mmap_write_lock_killable()
#    and munmap (__vm_munmap()) takes mmap_write_lock_killable() itself; both
#    wait for the VMA readers of what they replace or remove
#    (vma_start_write()), and munmap downgrades to the read lock for the zap
#    (mm/vma.c: vms_complete_munmap_vmas()). A concurrent fault is fine.

mm m

thread mapper {
  vma v = mmap(m, 0x100000, pages=2, prot=rw)
  assert v
  assert munmap(m, 0x100000, pages=2) == 0
}

thread user {
  touch(m, 0x100000, write)
}

expect ok
