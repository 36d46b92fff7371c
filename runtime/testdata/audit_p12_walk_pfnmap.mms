# Audit probe p12 (§2.14): walk_page_range skips VM_PFNMAP VMAs
# (mm/pagewalk.c: walk_page_test(): no struct pages behind them), so
# pte_entry never sees the remapped PFNs.

mm m
file dev
n = 0
ops w {
  pte_entry(addr, pfn) { n = n + 1 }
}
ops drv {
  mmap(file, vma) { return remap_pfn_range(vma, vma.vm_start, 0x80000, pages=2) }
}
mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
mmap(m, 0x900000, pages=1, prot=rw)
touch(m, 0x900000, write)
thread t {
  mmap_read_lock(m)
  assert walk_page_range(m, 0x800000, 0x901000, ops=w) == 1
  mmap_read_unlock(m)
  assert n == 1, "only the anonymous page was walked"
}
expect ok
