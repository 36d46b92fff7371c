# Rule vm_insert_page/trylock-heuristic: vm_insert_page's
# BUG_ON(mmap_read_trylock()) only asks "can the lock be read-locked now?".
# With a writer queued the trylock fails, so a caller holding just the read
# lock passes the check and sets VM_MIXEDMAP racily (vm_flags_set then
# warns: no write lock). Rule book 2.1 ("If wrong").
#
# Whether the writer has queued is timing: in the interleavings where it
# has not, the trylock succeeds and the BUG_ON fires (the inserter dies
# holding the read lock, and the writer then waits for ever, as a real
# kernel's would after the oops). The heuristic passes or BUGs depending
# on who else is at the lock: both outcomes are expected.

mm m
file dev
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev)

thread inserter {
  page p = alloc_page()
  mmap_read_lock(m)
  msleep(1)  # the writer queues meanwhile
  vm_insert_page(v, 0x100000, p)
  mmap_read_unlock(m)
}

thread writer {
  msleep(1)
  mmap_write_lock(m)
  mmap_write_unlock(m)
}

expect violation "vm_insert_page/trylock-heuristic" at 21
expect violation "vm_flags/needs-mmap-write" at 21
expect fatal "vm_insert_page/not-mixedmap-needs-mmap-write" at 21 sometimes
expect deadlock sometimes
