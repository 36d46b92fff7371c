# Q: v6.4's retract_page_tables() had to write-lock VMAs it found in a
#    file's i_mmap tree, holding i_mmap_rwsem. vma_start_write() there
#    inverts the VMA lock -> i_mmap_rwsem order. What did it use?
# A: vma_try_start_write() (v6.4, v6.5; removed in v6.6 when
#    retract_page_tables() stopped taking the mmap lock): under the mmap
#    write lock it write-locks the VMA if no fault holds it, and otherwise
#    returns false at once; it never waits, so lockdep orders nothing and
#    the VMA is skipped. The mmap write lock is still required (here a
#    trylock, as i_mmap_rwsem is held).

mm m
file f
mmap(m, 0x200000, pages=4, prot=r, flags=shared, file=f)

thread user {
  touch(m, 0x200000, read)
}

thread khugepaged {
  i_mmap_lock_write(f)
  vma v = vma_interval_tree_nth(f, 0, 0)
  if mmap_write_trylock(m) {
    if vma_try_start_write(v) {
      assert v.vm_start == 0x200000
    }
    mmap_write_unlock(m)
  }
  i_mmap_unlock_write(f)
}

expect ok
