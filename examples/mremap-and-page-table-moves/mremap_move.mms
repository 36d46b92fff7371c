# Q: What does mremap(2) lock while it moves a mapping, and can other
#    threads fault on it meanwhile?
# A: mremap takes the mmap write lock, write-locks the old VMA
#    (move_vma: "We don't want racing faults") and the new one (copy_vma),
#    then moves the page tables: a whole PTE table at a time when both
#    ranges cover an aligned PMD (move_normal_pmd, under the rmap locks
#    and both PMD locks), else entry by entry under the old and the new
#    PTE lock (move_ptes), flushing the old range's TLB entries before the
#    page-table locks drop. A fault of another thread fails
#    lock_vma_under_rcu() on the write-locked VMAs and waits for the mmap
#    lock. `mmscript explain mremap` shows the path (kernel/mremap.mms).

mm m
file f
mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=f)
mmap(m, 0x1000000, pages=512, prot=rw)  # 2 MiB, PMD-aligned: its table moves whole
touch(m, 0x200000, write)
touch(m, 0x1000000, write)

thread mover {
  r = mremap(m, 0x200000, 0x2000, 0x2000, flags=maymove | fixed, new_addr=0x600000)
  assert r == 0x600000
  r = mremap(m, 0x1000000, 0x200000, 0x200000, flags=maymove | fixed, new_addr=0x4000000)
  assert r == 0x4000000
  assert touch(m, 0x600000, read)
  assert touch(m, 0x4000000, read)
  assert !touch(m, 0x200000, read), "the old range is unmapped"
}

expect ok
