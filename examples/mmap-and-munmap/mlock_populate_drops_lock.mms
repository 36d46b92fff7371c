# Q: What does mlock() hold while it locks a range and faults it in, and
#    what may a fault handler do meanwhile?
# A: mm/mlock.c: do_mlock() sets VM_LOCKED on the VMAs under the mmap
#    write lock (apply_vma_lock_flags() -> mlock_fixup(): vma_modify_flags()
#    splits the VMA at the range's ends as mprotect() does, vma_start_write(),
#    vm_flags_reset_once()), drops it, and faults the pages in under the read
#    lock (mm/gup.c: __mm_populate() -> populate_vma_page_range() with
#    &locked, FOLL_UNLOCKABLE): a handler that waits for I/O may release the
#    lock and return VM_FAULT_RETRY, and __mm_populate() takes it again and
#    looks the VMA up anew. mlock2(MLOCK_ONFAULT) sets VM_LOCKONFAULT and
#    faults nothing in now; munlock() clears both, merging the pieces back.

mm m
file dev

ops drv {
  fault(vmf) {
    if vmf.allow_retry && !vmf.tried {
      release_fault_lock(vmf)
      msleep(10)  # the "I/O", without the mmap lock
      return VM_FAULT_RETRY
    }
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=4, prot=r, flags=shared, file=dev, ops=drv)
mmap(m, 0x300000, pages=2, prot=rw)

thread locker {
  assert mlock(m, 0x101000, 0x2000) == 0
  assert mlock2(m, 0x300000, 0x2000, MLOCK_ONFAULT) == 0
  mmap_read_lock(m)
  vma v = find_vma(m, 0x101000)
  assert v.vm_start == 0x101000 && v.vm_end == 0x103000  # split off
  assert v.vm_flags & VM_LOCKED != 0
  pte pt = pte_offset_map_lock(m, 0x102000)
  assert pt.present  # populated
  pte_unmap_unlock(pt)
  vma w = find_vma(m, 0x300000)
  assert w.vm_flags & VM_LOCKONFAULT != 0
  mmap_read_unlock(m)
  assert munlock(m, 0x100000, 0x4000) == 0
}

thread writer {  # not blocked for the whole "I/O"
  mmap_write_lock(m)
  mmap_write_unlock(m)
}

expect ok
