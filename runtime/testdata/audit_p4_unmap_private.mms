# Audit probe p4 (§2.11): unmap_mapping_range(even_cows=false) on a private
# file mapping. details.skip_cows spares only anonymous folios
# (should_zap_folio), so the page-cache page the private VMA maps after a
# read fault is zapped, and the COWed copy of another page is kept.

mm m
file f
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private, file=f)
touch(m, 0x100000, read)   # maps the page-cache page
touch(m, 0x101000, write)  # a private COW copy (anonymous)
thread t {
  n = unmap_mapping_range(f, 0, 8192)
  assert n == 1, "only the page-cache page is zapped"
  n = unmap_mapping_range(f, 0, 8192, even_cows=true)
  assert n == 1, "even_cows zaps the COW copy too"
}
expect ok
