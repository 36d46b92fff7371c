# Q: What goes wrong around split_huge_pmd() and split_huge_pmd_locked()?
# A: split_huge_pmd() with nothing keeping the VMA stable walks tables
#    that munmap may free (unchecked); split_huge_pmd_locked() without the
#    PMD lock changes the PMD under the walkers that take it (unchecked),
#    and with an address that is not HPAGE_PMD_SIZE-aligned it
#    VM_WARN_ON_ONCE()s on debug kernels.

mm m
vma v = mmap(m, 0x400000, pages=512, prot=rw)
touch(m, 0x400000, write)

thread nolock {
  split_huge_pmd(v, 0x400000)
}

thread nopmdlock {
  mmap_read_lock(m)
  split_huge_pmd_locked(v, 0x400000)
  mmap_read_unlock(m)
}

thread unaligned {
  mmap_read_lock(m)
  ptl = pmd_lock(m, 0x401000)
  split_huge_pmd_locked(v, 0x401000)
  spin_unlock(ptl)
  mmap_read_unlock(m)
}

expect violation "pgtable/traverse-needs-stable-vma" at 13
expect violation "split_huge_pmd_locked/needs-pmd-lock" at 18
expect violation "split_huge_pmd_locked/unaligned" at 25
expect single_run
