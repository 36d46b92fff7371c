# folio_walk_start() returns the folio vm_normal_page() finds: nothing for
# a special PTE (remap_pfn_range's), the shared zero page only with
# FW_ZEROPAGE, and nothing with a WARN_ON_ONCE for an address outside the
# VMA (mm/pagewalk.c: folio_walk_start(), linux-mm 2026). The PTE lock is
# held only when a folio was found.

mm m
file dev
ops bar {
  mmap(file, vma) {
    return remap_pfn_range(vma, vma.vm_start, 0xfe000, pages=1)
  }
}
vma anon = mmap(m, 0x100000, pages=2, prot=rw)
vma io = mmap(m, 0x800000, pages=1, prot=rw, flags=shared, file=dev, ops=bar)
touch(m, 0x100000, write)
touch(m, 0x101000)  # a read fault maps the zero page

thread t {
  mmap_read_lock(m)
  page p = folio_walk_start(anon, 0x100000)
  assert p, "a present anonymous page"
  folio_walk_end(anon, 0x100000)
  assert !folio_walk_start(anon, 0x101000), "the zero page is not a normal page"
  page z = folio_walk_start(anon, 0x101000, FW_ZEROPAGE)
  assert z, "FW_ZEROPAGE returns the zero page"
  folio_walk_end(anon, 0x101000)
  assert !folio_walk_start(io, 0x800000), "a special PTE has no folio"
  assert !folio_walk_start(anon, 0x200000), "outside the VMA"
  mmap_read_unlock(m)
}

expect violation "folio_walk_start/addr-outside-vma" at 29 always
