# Q: A driver frees the memory it mapped into user space by PFN before it
#    revokes the mappings (unmap_mapping_range() on its file), while the
#    process munmap()s the same VMA. Can a CPU still reach the freed memory?
# A: Yes: the core mm holds no reference on a PFN, so until
#    unmap_mapping_range() (or munmap's zap) has cleared the entry and
#    flushed the TLB, a CPU writes to the page the driver freed. Revoke
#    first, then free, as munmap_pfnmap_vs_revoke.mms does (the ordering
#    commit b67fbebd4cf9, CVE-2022-39188, made the kernel's own side of it
#    hold against a racing munmap).

mm m
file dev
page p  # the driver's memory, mapped by PFN

ops drv {
  mmap(file, vma) {
    return remap_pfn_range(vma, vma.vm_start, page_to_pfn(p), size=PAGE_SIZE)
  }
}

mmap(m, 0x800000, pages=1, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  touch(m, 0x800000, write)  # fills this CPU's TLB
  munmap(m, 0x800000, PAGE_SIZE)
}

thread driver {  # frees first: wrong order
  put_page(p)
  unmap_mapping_range(dev, 0, PAGE_SIZE)
}

thread reader {  # another thread of the process, on another CPU
  touch(m, 0x800000, write)
  touch(m, 0x800000, write)
}

expect violation "freed while still mapped"    # a CPU that cached it before anything unmapped it
expect violation "freed before the TLB flush"  # one whose entry munmap cleared, flush pending
