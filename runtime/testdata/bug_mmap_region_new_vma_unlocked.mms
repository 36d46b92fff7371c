# mmap_region() made a new VMA visible in the VMA tree and went on
# modifying it (vm_flags, vm_page_prot) without write-locking it, while
# page faults under the per-VMA lock could already find and lock it (fix
# 33313a747e81 "mm: lock newly mapped VMA which can be modified after it
# becomes visible", Suren Baghdasaryan, v6.5-rc1, stable 6.4.2).
#
# Kernel functions: mmap_region() (mm/mmap.c, v6.4), whose steps the
# library writes as __mmap_new_vma() and __mmap_complete() (mm/vma.c,
# 2026); the v6.4 form of __mmap_new_vma() below has no vma_start_write()
# before vma_iter_store(). On the other thread a page fault
# (lock_vma_under_rcu(), do_anonymous_page()). What goes wrong: after the
# VMA is stored, vma_set_page_prot() rewrites vm_page_prot (and v6.4 set
# VM_SOFTDIRTY, cleared VM_LOCKED_MASK) while a fault holding only the
# VMA read lock reads them.
mm m

# mm/vma.c: __mmap_new_vma() as v6.4's mmap_region() ran it: no
# vma_start_write() before the store
func __mmap_new_vma(mm, map) {
  vma = vm_area_alloc(map)
  error = 0
  if map.file || map.driver {
    error = __mmap_new_file_vma(map, vma)
  } else if map.vm_flags & VM_SHARED != 0 {
    shmem_zero_setup(vma)
  } else {
    vma_set_anonymous(vma)
  }
  if error != 0 {
    return error
  }
  return vma_iter_store_new(mm, vma)  # vma_iter_store(&vmi, vma); mm->map_count++; vma_link_file
}

thread mapper {
  mmap(m, 0x100000, pages=1, prot=rw, flags=private | fixed)
}

thread faulter {
  touch(m, 0x100000, write)
}

expect violation "vma-field/vm_page_prot" at 36
