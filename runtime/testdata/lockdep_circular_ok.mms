# The documented order for lockdep_circular.mms: mmap_lock, then
# i_mmap_rwsem, then a PTE lock (a spinlock, taken last). Rule book 1.2.

mm m
file f
mmap(m, 0x100000, pages=1, prot=rw)
touch(m, 0x100000, write)

thread t {
  mmap_read_lock(m)
  i_mmap_lock_read(f)
  pte pt = pte_offset_map_lock(m, 0x100000)
  assert pt.present
  pte_unmap_unlock(pt)
  i_mmap_unlock_read(f)
  mmap_read_unlock(m)
}

expect ok
