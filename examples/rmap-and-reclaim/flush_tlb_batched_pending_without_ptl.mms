# Q: A path about to change PTEs flushes reclaim's batched unmaps first
#    (flush_tlb_batched_pending()). Can it do that before taking the PTE
#    lock, under the mmap lock alone?
# A: No. Reclaim clears an entry and raises mm->tlb_flush_batched under
#    that PTE lock (try_to_unmap_one(), set_tlb_ubc_flush_pending()); only
#    taking the lock orders the read of the count after that release. Read
#    before it, the count can say "nothing pending" and the path then finds
#    the entry none and flushes nothing for it. mm/rmap.c:
#    flush_tlb_batched_pending(): "This must be called under the PTL so
#    that an access to tlb_flush_batched that is potentially a "reclaim vs
#    mprotect/munmap/etc" race will synchronise via the PTL."

mm m
mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)

thread t {
  mmap_write_lock(m)
  flush_tlb_batched_pending(m)  # before the PTE lock
  pte p = pte_offset_map_lock(m, 0x400000)
  pte_unmap_unlock(p)
  mmap_write_unlock(m)
}

expect violation "flush_tlb_batched_pending/needs-ptl" at 19
