# Q: May I use a VMA I found before calling expand_stack()?
# A: No: expand_stack() drops the mmap lock and takes it again for write, so
#    any VMA found before the call may have been unmapped, merged or replaced
#    in between. Use the VMA it returns, or look up again (mm/mmap.c:
#    expand_stack(); rule book 2.15: "any VMA pointer obtained before the call
#    is stale afterwards").

mm m
mmap(m, 0x7f0000, pages=4, prot=rw, flags=growsdown)
mmap(m, 0x900000, pages=1, prot=rw)

thread caller {
  mmap_read_lock(m)
  vma heap = find_vma(m, 0x900000)
  vma v = expand_stack(m, 0x7ee000)
  if v {
    print(heap.vm_end)  # found under the read lock expand_stack dropped
    mmap_read_unlock(m)
  }
}

thread other {
  mmap(m, 0x100000, pages=1, prot=rw)
}

expect violation "vma/stale-after-relock" at 17
