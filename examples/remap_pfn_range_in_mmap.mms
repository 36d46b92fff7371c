# Q: Where does remap_pfn_range belong?
# A: In f_op->mmap: it rewrites vm_flags (VM_IO|VM_PFNMAP|...) and vm_pgoff,
#    which needs the mmap write lock and a VMA nobody else sees yet. Faults
#    on a PFNMAP VMA later go to ->fault, and vmf_insert_pfn installs more.
#    On a live VMA under the read lock the 2026 kernel checks nothing
#    (vma_set_flags_mask takes no lock): an unchecked race. Linux 6.18 set the
#    flags with vm_flags_set(), whose vma_start_write() WARNs
#    (mmap_assert_write_locked) and waits for the VMA's readers: run with
#    -kernel 6.18 to see it.

mm m
file dev

ops drv {
  mmap(file, vma) {
    return remap_pfn_range(vma, vma.vm_start, 0x80000, pages=2)
  }
}

vma v = mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
assert v.vm_flags & VM_PFNMAP

thread user {
  assert touch(m, 0x800000, read)
}

thread bad {
  mmap_read_lock(m)
  remap_pfn_range(v, 0x800000, 0x90000, pages=1)
  mmap_read_unlock(m)
}

expect violation "remap_pfn_range/needs-mmap-write" at 29
expect fatal "remap_pfn_range/pte-not-none" at 29
