# Rule vma_start_write/needs-mmap-write: vma_start_write() needs the mmap
# lock for write (mmap_assert_write_locked() in __vma_raw_mm_seqnum()).
# Done under the read lock, the VMA still counts as write-locked (its
# vm_lock_seq matches mm_lock_seq) until the next mmap write section moves
# the sequence: VMA readers fail meanwhile, and the next writer (munmap)
# does not wait for the thread that took it, which has exited.
# Rule book 1.1, 6.2, 6.6.

mm m
vma v = mmap(m, 0x300000, pages=1, prot=rw)

thread bad {
  mmap_read_lock(m)
  vma_start_write(v)
  mmap_read_unlock(m)
  assert !lock_vma_under_rcu(m, 0x300000), "still write-locked"
}

thread later {
  repeat 5 { msleep(1) }           # bad has exited by now
  assert munmap(m, 0x300000, pages=1) == 0
}

expect violation "vma_start_write/needs-mmap-write" at 14
