# mremap's move against the per-VMA-lock page fault, the fix ("mm/mremap:
# write-lock VMA while remapping it to a new address range", Linux 6.4):
# move_vma() write-locks the old VMA before copy_vma() and the page-table
# move, and copy_vma() the new one, so a fault on either fails
# lock_vma_under_rcu() and retries under the mmap lock, after the move.
# The kernel library's mremap (kernel/mremap.mms) runs here; see
# mremap-move-vma-lock-buggy.mms.

mm m
mmap(m, 0x200000, pages=2, prot=rw)
touch(m, 0x200000, write)

thread mover {
  r = mremap(m, 0x200000, 0x2000, 0x2000, MREMAP_MAYMOVE | MREMAP_FIXED, 0x600000)
  assert r == 0x600000
}

thread user {
  touch(m, 0x201000, write)  # a fault under the VMA read lock
}

expect ok
