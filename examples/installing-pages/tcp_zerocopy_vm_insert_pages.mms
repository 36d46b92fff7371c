# Q: How does TCP receive zerocopy map socket pages into the reader's VMA,
#    and what does vm_insert_pages()'s &num give back?
# A: tcp_mmap() (net/ipv4/tcp.c) sets VM_MIXEDMAP in f_op->mmap, under the
#    mmap write lock ("Instruct vm_insert_page() to not mmap_read_lock(mm)"),
#    so tcp_zerocopy_receive() may insert under the VMA read lock that
#    find_tcp_vma() takes with lock_vma_under_rcu(), or under the mmap read
#    lock when that fails. tcp_zerocopy_vm_insert_batch() calls
#    vm_insert_pages(vma, *address, pages, &pages_remaining) as the kernel
#    declares it (mm/memory.c): pages is a page_array, pages_remaining an
#    int passed by reference that holds the count in and the pages not
#    inserted out (insert_pages(): *num = remaining_pages_total); the
#    result is 0 or -errno. Here the reader's buffer already maps the second
#    page (-EBUSY): tcp_zerocopy_vm_insert_batch_error() zaps what is there
#    (zap_page_range_single(), zap_vma_range() since 2026) and inserts the
#    rest again.

mm m
file sock
page_array pages
pages[0] = alloc_page()
pages[1] = alloc_page()
pages[2] = alloc_page()
page stale = alloc_page()
int mmap_locked = 0

ops tcp_vm_ops {
  mmap(file, vma) {
    vm_flags_clear(vma, VM_MAYWRITE | VM_MAYEXEC)
    vm_flags_set(vma, VM_MIXEDMAP)
    return 0
  }
}

vma buf = mmap(m, 0x100000, pages=4, prot=r, flags=shared, file=sock, ops=tcp_vm_ops)
# an earlier receive left a page mapped where this one lands
mmap_read_lock(m)
assert vm_insert_page(buf, 0x101000, stale) == 0
mmap_read_unlock(m)

# net/ipv4/tcp.c: find_tcp_vma(mm, address, &mmap_locked)
func find_tcp_vma(mm, address) {
  vma = lock_vma_under_rcu(mm, address)
  if vma {
    mmap_locked = 0
    return vma
  }
  mmap_read_lock(mm)
  vma = vma_lookup(mm, address)
  if !vma {
    mmap_read_unlock(mm)
    return nil
  }
  mmap_locked = 1
  return vma
}

thread receiver {
  vma = find_tcp_vma(m, 0x100000)
  if vma {
    pages_to_map = 3
    pages_remaining = pages_to_map
    err = vm_insert_pages(vma, 0x100000, pages, &pages_remaining)
    pages_mapped = pages_to_map - pages_remaining
    assert err == -EBUSY && pages_mapped == 1
    # tcp_zerocopy_vm_insert_batch_error(): with the TLB-clean hint, zap
    # and retry the pages not inserted
    # (the kernel passes pages + pages_mapped; a page_array has no pointer
    # arithmetic, so the rest is copied)
    zap_vma_range(vma, 0x101000, pages_remaining * PAGE_SIZE)
    page_array rest
    for i in 0..pages_remaining {
      rest[i] = pages[pages_mapped + i]
    }
    assert vm_insert_pages(vma, 0x101000, rest, &pages_remaining) == 0 && pages_remaining == 0
    if mmap_locked {
      mmap_read_unlock(m)
    } else {
      vma_end_read(vma)
    }
  }
}

thread reader {
  touch(m, 0x100000, read)
}

expect ok
