# Q: When does the kernel call a driver's ->open, ->close and ->page_mkwrite,
#    and under which locks?
# A: ->open when a VMA is duplicated (here: munmap splits the VMA), ->close
#    when one is removed, both under the mmap write lock (rule book 2.27);
#    ->page_mkwrite on the first write to a shared page, under the fault's
#    lock (rule book 2.26).

mm m
file dev
opens = 0
closes = 0
mkwrites = 0

ops drv {
  open(vma) {
    assert m.mmap_lock.held
    opens = opens + 1
  }
  close(vma) {
    assert m.mmap_lock.held
    closes = closes + 1
  }
  fault(vmf) {
    page p = alloc_page()
    return p                    # the core maps it (finish_fault)
  }
  page_mkwrite(vmf) {
    mkwrites = mkwrites + 1
  }
}

mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  assert touch(m, 0x101000, read)
  assert touch(m, 0x101000, write)      # read-only PTE: ->page_mkwrite first
  assert munmap(m, 0x101000, pages=1) == 0
  assert opens == 1, "the split opened the new VMA"
  assert closes == 1, "the unmapped piece was closed"
  assert mkwrites == 1
}

expect ok
