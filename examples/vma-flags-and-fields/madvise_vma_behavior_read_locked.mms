# Q: MADV_DONTDUMP only sets a flag on the VMA. Is the mmap read lock
#    enough to apply it by hand?
# A: No. A vm_flags change goes through madvise_update_vma(), which may
#    split the VMA at the range's ends and write-locks it: that needs the
#    mmap write lock (mm/madvise.c: get_lock_mode() returns
#    MADVISE_MMAP_WRITE_LOCK for it; vma_start_write() asserts it).

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)

thread flags {
  mmap_read_lock(m)
  prev = vma_prev(m, v)
  madvise_vma_behavior(m, nil, v, prev, 0x100000, 0x102000, MADV_DONTDUMP)
  mmap_read_unlock(m)
}

expect violation "vma_start_write/needs-mmap-write: madvise_vma_behavior" at 14
expect violation "vma-field/vm_flags: madvise_vma_behavior" at 14
