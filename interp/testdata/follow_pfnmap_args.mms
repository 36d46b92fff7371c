# follow_pfnmap_start(&args) / follow_pfnmap_end(&args) with the kernel's
# struct follow_pfnmap_args (include/linux/mm.h): the caller sets .vma and
# .address; start fills .pfn, .pgprot, .writable, .special and returns 0
# with the PTE lock held until end (mm/memory.c: pfnmap_args_setup(),
# follow_pfnmap_end(): "if (args->lock) spin_unlock(args->lock)"), or
# -EINVAL with nothing held. It needs the mmap lock (or i_mmap_rwsem):
# pfnmap_lockdep_assert(). mmscript's earlier form (vma, addr) still binds.

mm m
file dev
page bar

ops drv {
  mmap(file, vma) {
    vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot)
    return remap_pfn_range(vma, vma->vm_start, page_to_pfn(bar), PAGE_SIZE, vma->vm_page_prot)
  }
}

vma v = mmap(m, 0x100000, pages=2, prot=r, flags=shared, file=dev, ops=drv)

thread walker {
  mmap_read_lock(m)
  follow_pfnmap_args args
  args.vma = v
  args.address = 0x100000
  assert follow_pfnmap_start(&args) == 0
  assert args.pfn == page_to_pfn(bar) && !args.writable && args.special
  assert args.pgprot == pgprot_noncached(v.vm_page_prot)
  assert args.vma == v && args.address == 0x100000
  follow_pfnmap_end(&args)
  follow_pfnmap_end(&args)  # args->lock cleared: nothing to release
  args.address = 0x101000   # not mapped: -EINVAL, nothing held
  assert follow_pfnmap_start(&args) == -EINVAL
  follow_pfnmap_end(&args)
  assert follow_pfnmap_start(v, 0x100000) == page_to_pfn(bar)  # mmscript's form
  follow_pfnmap_end(v, 0x100000)
  mmap_read_unlock(m)
  args.address = 0x100000
  assert follow_pfnmap_start(&args) == 0  # no mmap lock
  msleep(1)                               # PTE lock held: no sleeping
  follow_pfnmap_end(&args)
}

expect violation "follow_pfnmap_start/needs-mmap-or-i_mmap-lock" at 40
expect violation "sched/scheduling-while-atomic" at 41
