# Audit §2.13: vmf_insert_mixed on x86-64 (CONFIG_ARCH_HAS_PTE_SPECIAL)
# installs a special PTE through insert_pfn() even when the pfn has a
# struct page: the page gets no reference and no mapcount.

mm m
file dev
page p = alloc_page()
refs = p.refcount
ops drv {
  fault(vmf) { return vmf_insert_mixed(vmf.vma, vmf.address, p.pfn) }
}
mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, vm=mixedmap, ops=drv)
thread t {
  assert touch(m, 0x100000, read)
  assert p.refcount == refs, "a special PTE takes no reference"
  assert p.mapcount == 0, "and no mapcount"
}
expect ok
