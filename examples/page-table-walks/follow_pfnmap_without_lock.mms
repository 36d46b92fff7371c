# Q: May I call follow_pfnmap_start() without the mmap lock?
# A: No: only the mmap lock (or the file's i_mmap_rwsem) keeps munmap from
#    freeing the page table the walk reads; lockdep asserts one of them
#    (pfnmap_lockdep_assert()), and munmap may race with the walk
#    (mm/memory.c: follow_pfnmap_start(); rule book 2.23). And
#    follow_pfnmap_end() only once per successful start: it spin_unlock()s.

mm m
file dev

ops bar {
  mmap(file, vma) {
    return remap_pfn_range(vma, vma.vm_start, 0xfe000, pages=2)
  }
}

vma v = mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev, ops=bar)

thread reader {
  int pfn = follow_pfnmap_start(v, 0x801000)
  if pfn >= 0 {
    follow_pfnmap_end(v, 0x801000)
  }
}

thread twice {
  mmap_read_lock(m)
  if follow_pfnmap_start(v, 0x800000) >= 0 {
    follow_pfnmap_end(v, 0x800000)
    follow_pfnmap_end(v, 0x800000)
  }
  mmap_read_unlock(m)
}

expect violation "follow_pfnmap_start/needs-mmap-or-i_mmap-lock" at 20 always
expect violation "lock/unlock-not-held" at 30 always
