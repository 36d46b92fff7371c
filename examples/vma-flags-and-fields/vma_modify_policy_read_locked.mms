# Q: May a policy change on a range run under the mmap read lock, since
#    no VMA goes away?
# A: No. vma_modify_policy() splits the VMA at the range's ends, which
#    changes the VMA tree: the split write-locks the VMA, and
#    vma_start_write() asserts the mmap write lock
#    (include/linux/mmap_lock.h: __vma_raw_mm_seqnum() ->
#    mmap_assert_write_locked()). Readers walking the tree under the read
#    lock would see it change under them.

mm m
vma v = mmap(m, 0x100000, pages=4, prot=rw)

thread binder {
  mmap_read_lock(m)
  prev = vma_prev(m, v)
  w = vma_modify_policy(m, prev, v, 0x101000, 0x103000, MPOL_BIND)
  mmap_read_unlock(m)
}

expect violation "vma_start_write/needs-mmap-write: vma_modify_policy" at 16
