# Rule remap_pfn_range/needs-mmap-write: remap_pfn_range() rewrites
# vm_flags and vm_pgoff, so it belongs in f_op->mmap (mmap write lock, VMA
# not yet visible). On a live VMA under the read lock it races, unchecked.
# Rule book 2.7.

mm m
file dev
vma v = mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev)

thread t {
  mmap_read_lock(m)
  remap_pfn_range(v, 0x800000, 0x90000, pages=1)
  mmap_read_unlock(m)
}

expect violation "remap_pfn_range/needs-mmap-write" at 12
