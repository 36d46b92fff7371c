# Q: Under a PTE lock only folio_trylock() is allowed (folio_lock()
#    sleeps). What if the caller ignores a failed attempt?
# A: include/linux/pagemap.h: folio_trylock() is
#    test_and_set_bit_lock(PG_locked): it fails because another thread
#    holds the folio lock. PG_locked has no owner, so the caller's
#    folio_unlock() (mm/filemap.c) clears the holder's bit and no kernel
#    says a word; the holder then works on a folio anyone may lock, and
#    its own folio_unlock() finds the folio unlocked:
#    VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio), a BUG on kernels
#    with CONFIG_DEBUG_VM. The correct use is
#    rmap-and-reclaim/rmap_locks_in_order.mms.

mm m
vma anon = mmap(m, 0x100000, pages=2, prot=rw)
touch(m, 0x100000, write)
page p = alloc_page()

thread reclaim {
  folio_lock(p)
  repeat 4 {
    msleep(1)  # writeback of the locked folio
  }
  folio_unlock(p)
}

thread zapper {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x100000)
  if pt {
    folio_trylock(p)  # the result is dropped
    folio_unlock(p)
    pte_unmap_unlock(pt)
  }
  mmap_read_unlock(m)
}

expect violation "folio_trylock/failure-ignored" at 31 sometimes
expect violation "folio_unlock/not-locked" at 23 sometimes
