# Audit probe p5 (§2.1): in munmap(2) the kernel downgrades to the read
# lock (vms_complete_munmap_vmas: "if (vms->unlock) mmap_write_downgrade(mm);")
# before remove_vma() -> vma_close(), so a ->close that calls vm_flags_set
# trips vma_start_write()'s mmap_assert_write_locked(): a WARN.

mm m
file dev
ops drv {
  close(vma) {
    vm_flags_set(vma, VM_DONTDUMP)
  }
}
mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
thread t { munmap(m, 0x100000, pages=2) }
expect violation "vm_flags/needs-mmap-write" at 10
