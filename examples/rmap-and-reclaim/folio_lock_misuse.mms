# Q: May I lock a folio while holding the PTE lock, and what if I unlock a
#    folio I did not lock?
# A: No: folio_lock() sleeps (might_sleep(), then waits on PG_locked), and
#    the PTE lock is a spinlock: "sleeping function called from invalid
#    context" on CONFIG_DEBUG_ATOMIC_SLEEP kernels. Use folio_trylock() under
#    the PTE lock, or drop the lock, folio_lock(), and re-check the PTE
#    (include/linux/pagemap.h: folio_lock(); mm/filemap.c: __folio_lock()).
#    Any thread may unlock a locked folio (PG_locked has no owner: I/O
#    completion unlocks what the submitter locked), but folio_unlock() of a
#    folio nobody locked is VM_BUG_ON_FOLIO(!folio_test_locked(folio)) in
#    mm/filemap.c: folio_unlock() on CONFIG_DEBUG_VM kernels. And vma->anon_vma is set up
#    (anon_vma_prepare()) only under the mmap lock: __anon_vma_prepare()
#    mmap_assert_locked()s (mm/rmap.c).

mm m
mmap(m, 0x100000, pages=2, prot=rw)
vma fresh = mmap(m, 0x400000, pages=2, prot=rw)
page p = alloc_page()
touch(m, 0x100000, write)

thread zapper {
  mmap_read_lock(m)
  pte pt = pte_offset_map_lock(m, 0x100000)
  folio_lock(p)
  folio_unlock(p)
  pte_unmap_unlock(pt)
  mmap_read_unlock(m)
  folio_unlock(p)
}

thread prepare {
  anon_vma_prepare(fresh)
}

expect violation "lock/sleep-in-atomic" at 24
expect violation "folio_unlock/not-locked" at 28
expect violation "anon_vma_prepare/needs-mmap-lock" at 32
