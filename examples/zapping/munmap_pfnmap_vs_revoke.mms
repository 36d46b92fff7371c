# Q: A driver revokes the PFNs it mapped into user space
#    (unmap_mapping_range() on its file), then frees the memory behind
#    them, while the process munmap()s the same VMA. Can a CPU still reach
#    the freed memory through its TLB?
# A: No. munmap() zaps the VMA with its TLB flush deferred to
#    tlb_finish_mmu(), and free_pgtables() then takes the VMA out of the
#    file's rmap tree, after which unmap_mapping_range() no longer finds it
#    and returns at once, flushing nothing. So free_pgtables() begins with
#    tlb_free_vmas(): a gather that zapped a VM_PFNMAP or VM_MIXEDMAP VMA is
#    flushed before the VMA leaves the rmap (include/asm-generic/tlb.h,
#    mm/memory.c; commit b67fbebd4cf9 "mmu_gather: Force tlb-flush VM_PFNMAP
#    vmas", CVE-2022-39188, Jann Horn's report, flushed in tlb_end_vma(),
#    and "mmu_gather: move tlb flush for VM_PFNMAP/VM_MIXEDMAP vmas into
#    free_pgtables()" (2025) moved the flush here: before them, x86's
#    tlb_end_vma() was empty and the driver freed the pages under a live
#    TLB entry). The core mm takes no page references for PFNs, so nothing
#    else holds the page.

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

thread driver {  # revoke every user mapping of the file, then free
  unmap_mapping_range(dev, 0, PAGE_SIZE)
  put_page(p)
}

thread reader {  # another thread of the process, on another CPU
  touch(m, 0x800000, write)
  touch(m, 0x800000, write)
}

expect ok
