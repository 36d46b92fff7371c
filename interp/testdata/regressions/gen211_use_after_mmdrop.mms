# Generated script 211 of TestReductionIsSoundOnGeneratedScripts (kept
# as text, so that a change of the generator does not lose it). The
# reduced search with the state cache missed the use after mmdrop() at
# __access_remote_vm's vma_lookup (kernel/gup.mms): t0 blocks for the
# mmap lock before t1's mmdrop() and takes it at t1's unlock. A lock
# operation declared no read of mm_count and commuted with mmdrop();
# every operation on an mm now reads it (Call.mm). TestReductionIsSound
# compares it with the naive search.

mm m
file f
page p = alloc_page()
mutex dl
n = 0
page_array pa
vma v0 = mmap(m, 0x100000, pages=1, prot=r, flags=private, file=f, ops=o)
vma v1 = mmap(m, 0x110000, pages=1, prot=rw, flags=private | populate)
ops o {
  fault(vmf) {
    x1 = 0
    while x1 < 2 {
      x1 += 1
      if m.mmap_lock.held { continue }
      filemap_invalidate_unlock_shared(f)
      if vmf.write { break }
    }
    return alloc_page()
  }
  map_pages(vmf, start_pgoff, end_pgoff) {
    mmap_read_lock(m)
    for vma in vmas(m) {
      n += 1
      i_mmap_lock_write(f)
      unmap_mapping_folio(p)
      i_mmap_unlock_write(f)
    }
    mmap_read_unlock(m)
  }
  pfn_mkwrite(vmf) {
    lock x2 = pmd_lock(m, 0x100000)
    folio_mark_dirty(alloc_page())
    spin_unlock(x2)
    collapse_test_exit(m)
  }
  close(vma) {}
  mmap(file, vma) {}
}
func helper(vma, addr) {
  copy_vma(vrm_init(m, 0x100000, PAGE_SIZE, PAGE_SIZE))
  touch(m, 0x100000 + (n % 4) * PAGE_SIZE, write)
  return addr
}
thread t0 {
  vma x3 = lock_vma_under_rcu(m, 0x100000 + (n % 4) * PAGE_SIZE)
  if x3 {
    pmc_progress(pagetable_move(v0, v1, v0.vm_start, v1.vm_start, PAGE_SIZE))
    vma_end_read(x3)
  }
  access_remote_vm(m, addr=v0.vm_start, len=PAGE_SIZE)
}
thread t1 {
  mmap_write_lock(m)
  mmdrop(m)
  mmap_write_unlock(m)
}

# What the full search finds (the use after mmdrop() is the one the
# reduced search once missed): `mmscript test` checks it too.
expect violation "mm/use-after-mmdrop" sometimes
expect violation "lock/recursive" at 30 always
expect violation "lock/sleep-in-atomic" at 30 always
expect violation "rcu/context-switch-in-reader" at 30 sometimes
expect deadlock at 30 sometimes
expect violation "lock/sleep-in-atomic" at 33 sometimes
expect error "the page is not in a page cache" sometimes
expect violation "unmap_mapping_folio/folio-not-locked" at 34 sometimes
expect deadlock at 62 sometimes
