# Rule vma_start_write/needs-mmap-write: vma_start_write() needs the mmap
# lock for write (mmap_assert_write_locked() in __vma_raw_mm_seqnum()).
# Done under the read lock, the VMA still counts as write-locked (its
# vm_lock_seq matches mm_lock_seq) until the next mmap write section moves
# the sequence: VMA readers fail meanwhile. It is a mark, not a lock a
# task holds: a second vma_start_write() in the same sequence finds it
# set (__is_vma_write_locked()) and returns at once, without waiting for
# the task that set it, which has exited; and the next writer (munmap)
# does not wait for that task either. Rule book 1.1, 6.2, 6.6.
#
# The set-up thread (main) sets the mark and exits before the threads
# start, so that every interleaving of the threads sees it; they race
# only with each other (the reader's lookup against later's munmap).

mm m
vma v = mmap(m, 0x300000, pages=1, prot=rw)
mmap_read_lock(m)
vma_start_write(v)
mmap_read_unlock(m)
assert !lock_vma_under_rcu(m, 0x300000), "still write-locked"

thread reader {
  x = lock_vma_under_rcu(m, 0x300000)  # fails while the mark stands
  if x {
    vma_end_read(x)
  }
}

thread later {
  mmap_read_lock(m)
  vma_start_write(v)  # marked already: returns at once
  mmap_read_unlock(m)
  assert munmap(m, 0x300000, pages=1) == 0
}

expect violation "vma_start_write/needs-mmap-write" at 18
expect violation "vma_start_write/needs-mmap-write" at 31
