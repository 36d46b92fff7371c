# A VMA is write-locked while its vm_lock_seq matches mm->mm_lock_seq
# (rule book 1.1, 6.6). A vma_start_write() made, wrongly, under the mmap
# read lock keeps VMA readers out until the sequence moves; the next mmap
# write section (munmap's mmap_write_lock_killable) moves it, so munmap
# never waits for the thread that made the mistake, which has exited.

mm m
vma v = mmap(m, 0x300000, pages=1)

thread bad {
  mmap_read_lock(m)
  vma_start_write(v)
  mmap_read_unlock(m)
}

thread unmapper {
  msleep(1)
  assert munmap(m, 0x300000, pages=1) == 0, "munmap succeeds"
  assert !lock_vma_under_rcu(m, 0x300000), "the VMA is gone"
}

expect violation "vma_start_write/needs-mmap-write" at 12
# when munmap ran first, bad write-locks a freed VMA
expect violation "vma/use-after-unmap" at 12 sometimes
