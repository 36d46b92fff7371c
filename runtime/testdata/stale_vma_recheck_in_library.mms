# Rule vma/stale-after-relock (issue 7, 3d): a VMA looked up again inside
# a kernel-library path (here __get_user_pages()'s vma_lookup under the
# retaken mmap lock) validates the value that lookup returned, in that
# function; the caller's own pointer from the earlier hold stays stale
# until the caller looks it up again (mm/mmap_lock.c:
# lock_mm_and_find_vma(): "look up the vma again, re-checking it").

mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw)

thread drv {
  mmap_read_lock(m)
  vma saved = vma_lookup(m, 0x100000)
  mmap_read_unlock(m)
  mmap_read_lock(m)
  get_user_pages_remote(m, 0x100000, 1, FOLL_WRITE, false)
  assert saved.vm_start == 0x100000
  vma again = vma_lookup(m, 0x100000)
  assert again.vm_start == 0x100000
  mmap_read_unlock(m)
}

thread writer {
  mmap_write_lock(m)
  mmap_write_unlock(m)
}

expect violation "vma/stale-after-relock" at 17 sometimes
