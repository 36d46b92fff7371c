# Q: When does the kernel call a driver's ->open, ->close and ->page_mkwrite,
#    and under which locks?
# A: ->open when the core duplicates a VMA, under the mmap write lock: a
#    munmap in the middle of a VMA splits it twice (mm/vma.c:
#    vms_gather_munmap_vmas(): __split_vma(vmi, vma, start, 1), then
#    __split_vma(vmi, next, end, 0)), and each split opens its new piece, so
#    ->open runs twice and the original struct is the removed middle.
#    ->close when a VMA is removed: munmap(2) calls it from remove_vma()
#    after mmap_write_downgrade(), so under the mmap *read* lock
#    (vms_complete_munmap_vmas); exit_mmap holds the write lock. Rule book
#    2.27. (mmscript's munmap does not downgrade yet: audit-2026-12 §2.1.)
#    ->page_mkwrite on the first write to a shared page, under the fault's
#    lock but with vmf->flags = WRITE|MKWRITE (do_page_mkwrite): it may not
#    drop that lock. Rule book 2.26.

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
    assert m.mmap_lock.held  # read after munmap's downgrade, write in exit_mmap
    closes = closes + 1
  }
  fault(vmf) {
    page p = alloc_page()
    return p  # the core maps it (finish_fault)
  }
  page_mkwrite(vmf) {
    assert !vmf.allow_retry, "page_mkwrite must not drop the fault lock"
    mkwrites = mkwrites + 1
  }
}

mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  assert touch(m, 0x100000, read)
  assert touch(m, 0x100000, write)  # read-only PTE: ->page_mkwrite first
  assert munmap(m, 0x101000, pages=1) == 0
  assert opens == 2, "both pieces the splits made were opened"
  assert closes == 1, "the unmapped middle was closed"
  assert mkwrites == 1
  assert touch(m, 0x100000, write), "the lower piece still maps the page"
}

expect ok
