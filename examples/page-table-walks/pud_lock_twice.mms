# Q: I hold mm->page_table_lock (to publish vma->anon_vma, say); may I
#    call pud_lock() for an entry of the same mm?
# A: No: pud_lock() takes that same spinlock (include/linux/mm.h:
#    pud_lockptr() is &mm->page_table_lock), so the second acquisition
#    spins on itself: lockdep's recursive locking, then the deadlock.

mm m
mmap(m, 0x200000, pages=2, prot=rw)
touch(m, 0x200000, write)

thread t {
  mmap_read_lock(m)
  spin_lock(m.page_table_lock)
  l = pud_lock(m, 0x200000)
  spin_unlock(l)
  spin_unlock(m.page_table_lock)
  mmap_read_unlock(m)
}

expect violation "lock/recursive" at 14
expect deadlock
