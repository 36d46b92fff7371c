# Q: Does a WARN_ON_ONCE() whose condition is false cost anything?
# A: No finding, and it returns false: the code after it runs as the
#    kernel's does. Compare warn_on_conditions.mms.

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)
page_array pinned

thread driver {
  mmap_read_lock(m)
  n = pin_user_pages(m, 0x100000, pages=2, gup_flags=FOLL_WRITE, array=pinned)
  mmap_read_unlock(m)
  if !WARN_ON_ONCE(n != 2) {
    BUG_ON(!pinned[1])
  }
  WARN_ON(v.vm_flags & VM_SHARED)
  VM_WARN_ON_ONCE(v.vm_start != 0x100000)
  VM_WARN_ON(v.vm_end - v.vm_start != 2 * PAGE_SIZE)
  VM_BUG_ON(!v.anon_vma)
  unpin_user_pages(pinned, n)
}

expect ok
