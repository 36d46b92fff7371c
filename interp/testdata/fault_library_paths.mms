# The fault path of the kernel library (runtime/kernel/fault.mms) run by
# handle_mm_fault under the mmap read lock: an anonymous read maps the
# zero page and a write after it copies (do_wp_page -> wp_page_copy); a
# shared driver VMA's write fault calls ->fault, then ->page_mkwrite
# (do_shared_fault), and a write to its read-only PTE calls ->page_mkwrite
# again before wp_page_reuse (wp_page_shared).

mm m
file dev
int mkwrites = 0

ops drv {
  fault(vmf) {
    page p = alloc_page()
    return p
  }
  page_mkwrite(vmf) {
    mkwrites += 1
    return 0
  }
}

vma a = mmap(m, 0x100000, pages=2, prot=rw)
vma d = mmap(m, 0x200000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)

func writable(addr) {
  pte e = pte_offset_map_lock(m, addr)
  w = e.writable
  pte_unmap_unlock(e)
  return w
}

thread t {
  mmap_read_lock(m)
  assert handle_mm_fault(a, 0x100000) == 0
  assert !writable(0x100000), "a read maps the zero page read-only"
  assert handle_mm_fault(a, 0x100000, flags=write) == 0
  assert writable(0x100000), "wp_page_copy maps a writable copy"
  assert handle_mm_fault(d, 0x200000, flags=write) == 0
  assert mkwrites == 1, "do_shared_fault calls ->page_mkwrite"
  assert handle_mm_fault(d, 0x201000) == 0
  assert !writable(0x201000), "write-notify maps a shared read fault read-only"
  assert handle_mm_fault(d, 0x201000, flags=write) == 0
  assert mkwrites == 2, "wp_page_shared calls ->page_mkwrite"
  assert writable(0x201000)
  mmap_read_unlock(m)
}

expect ok
