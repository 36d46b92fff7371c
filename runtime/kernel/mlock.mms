# mlock(2), mlock2(2) and munlock(2) as mm/mlock.c runs them
# (linux-mm@0a99d0b06974), one kernel function per func, each statement
# one step of the C source; and the populate that follows, mm/gup.c:
# __mm_populate(). Not modelled: RLIMIT_MEMLOCK and CAP_IPC_LOCK
# (can_do_mlock(), count_mm_mlocked_page_nr()), mm->locked_vm, and the
# folios' mlock counts (mlock_pte_range()'s mlock_folio(), the
# unevictable LRU): the walk runs, under its locks, without them.

# mm/mlock.c: SYSCALL_DEFINE2(mlock)
func mlock(mm, start, len) {
  return do_mlock(mm, start, len, VM_LOCKED)
}

# mm/mlock.c: SYSCALL_DEFINE3(mlock2)
func mlock2(mm, start, len, flags) {
  vm_flags = VM_LOCKED
  if flags & ~MLOCK_ONFAULT != 0 {
    return -EINVAL
  }
  if flags & MLOCK_ONFAULT != 0 {
    vm_flags = vm_flags | VM_LOCKONFAULT
  }
  return do_mlock(mm, start, len, vm_flags)
}

# mm/mlock.c: SYSCALL_DEFINE2(munlock)
func munlock(mm, start, len) {
  len = (len + start % PAGE_SIZE + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE  # PAGE_ALIGN(len + offset_in_page(start))
  start = start / PAGE_SIZE * PAGE_SIZE                                    # start &= PAGE_MASK
  if mmap_write_lock_killable(mm) != 0 {
    return -EINTR
  }
  ret = apply_vma_lock_flags(mm, start, len, 0)
  mmap_write_unlock(mm)
  return ret
}

# mm/mlock.c: do_mlock(): the VMAs' flags under the mmap write lock, then
# the pages faulted in under the read lock (__mm_populate())
func do_mlock(mm, start, len, flags) {
  len = (len + start % PAGE_SIZE + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE  # PAGE_ALIGN(len + offset_in_page(start))
  start = start / PAGE_SIZE * PAGE_SIZE                                    # start &= PAGE_MASK
  if mmap_write_lock_killable(mm) != 0 {
    return -EINTR
  }
  error = apply_vma_lock_flags(mm, start, len, flags)  # within RLIMIT_MEMLOCK (not modelled)
  mmap_write_unlock(mm)
  if error != 0 {
    return error
  }
  error = __mm_populate(mm, start, len, false)
  if error != 0 {
    return __mlock_posix_error_return(error)
  }
  return 0
}

# mm/mlock.c: __mlock_posix_error_return(): "convert get_user_pages()
# return value to posix mlock() error"
func __mlock_posix_error_return(retval) {
  if retval == -EFAULT {
    return -ENOMEM
  }
  if retval == -ENOMEM {
    return -EAGAIN
  }
  return retval
}

# mm/mlock.c: apply_vma_lock_flags(): each VMA of [start, start + len)
# gets flags in place of its VM_LOCKED_MASK bits, split or merged as
# mlock_fixup() leaves it; a hole is -ENOMEM
func apply_vma_lock_flags(mm, start, len, flags) {
  end = start + len
  if end < start {
    return -EINVAL
  }
  if end == start {
    return 0
  }
  vma = vma_lookup(mm, start)  # vma_iter_load(&vmi)
  if !vma {
    return -ENOMEM
  }
  prev = vma_prev(mm, vma)
  if start > vma.vm_start {
    prev = vma
  }
  nstart = start
  tmp = vma.vm_start
  for vma in vmas(mm, start, end) {
    if vma.vm_start != tmp {
      return -ENOMEM
    }
    newflags = vma.vm_flags & ~VM_LOCKED_MASK
    newflags = newflags | flags
    # Here we know that vma->vm_start <= nstart < vma->vm_end.
    tmp = min(vma.vm_end, end)
    vma = mlock_fixup(mm, vma, prev, nstart, tmp, newflags)
    if !vma {
      return PTR_ERR(vma)
    }
    prev = vma
    tmp = vma.vm_end  # vma_iter_end(&vmi)
    nstart = tmp
  }
  if tmp < end {
    return -ENOMEM
  }
  return 0
}

# mm/mlock.c: mlock_fixup(): returns *prev, the VMA now covering
# [start, end) (or the VMA unchanged), or nil for ERR_PTR(error)
func mlock_fixup(mm, vma, prev, start, end, newflags) {
  oldflags = vma.vm_flags
  # vma_is_secretmem(vma) || !vma_supports_mlock(vma): a VM_SPECIAL VMA
  # (hugetlb, the gate VMA, DAX, secretmem, VM_DROPPABLE: not modelled)
  if newflags == oldflags || oldflags & VM_SPECIAL != 0 {
    # Don't set VM_LOCKED or VM_LOCKONFAULT and don't count.
    return vma
  }
  vma = vma_modify_flags(mm, prev, vma, start, end, newflags)
  if !vma {
    return vma  # IS_ERR(vma): ret = PTR_ERR(vma)
  }
  # mm->locked_vm += nr_pages (not modelled)
  # vm_flags is protected by the mmap_lock held in write mode.
  if newflags & VM_LOCKED != 0 && oldflags & VM_LOCKED != 0 {
    # No work to do, and mlocking twice would be wrong
    vma_start_write(vma)
    vm_flags_reset(vma, newflags)
  } else {
    mlock_vma_pages_range(vma, start, end, newflags)
  }
  return vma
}

# mm/mlock.c: mlock_vma_pages_range(): VM_IO keeps reclaim and migration
# from mlocking the folios meanwhile ("mmap_lock is held in write mode
# here, so this weird combination should not be visible to other
# mmap_lock users; but WRITE_ONCE so rmap walkers must see VM_IO if
# VM_LOCKED")
func mlock_vma_pages_range(vma, start, end, newflags) {
  if newflags & VM_LOCKED != 0 {
    newflags = newflags | VM_IO
  }
  vma_start_write(vma)
  vm_flags_reset_once(vma, newflags)
  walk_page_range_vma(vma, start, end, nil, wrlock_verify)  # mlock_walk_ops: mlock_pte_range() under each PMD's or PTE table's lock
  if newflags & VM_IO != 0 {
    newflags = newflags & ~VM_IO
    vm_flags_reset_once(vma, newflags)
  }
}

# mm/gup.c: __mm_populate(): fault in each VMA of [start, start + len)
# under the mmap read lock, which a fault may drop (FOLL_UNLOCKABLE): the
# lock is then re-taken and the VMA looked up again
func __mm_populate(mm, start, len, ignore_errors) {
  end = start + len
  vma = nil
  locked = false
  ret = 0
  nstart = start
  while nstart < end {
    # We want to fault in pages for [nstart; end) address range. Find
    # first corresponding VMA.
    if !locked {
      locked = true
      mmap_read_lock(mm)
      vma = find_vma_intersection(mm, nstart, end)
    } else if nstart >= vma.vm_end {
      vma = find_vma_intersection(mm, vma.vm_end, end)
    }
    if !vma {
      break
    }
    nend = min(end, vma.vm_end)
    if vma.vm_flags & (VM_IO | VM_PFNMAP) != 0 {
      nstart = nend
      continue
    }
    if nstart < vma.vm_start {
      nstart = vma.vm_start
    }
    # populate_vma_page_range(vma, nstart, nend, &locked)
    ret = populate_vma_page_range_locked(mm, vma, nstart, nend)
    locked = lockdep_is_held(mm.mmap_lock)  # *locked: 0 when a fault dropped the lock
    if ret < 0 {
      if ignore_errors {
        ret = 0
        nstart = nend
        continue  # continue at next VMA
      }
      break
    }
    nend = nstart + ret * PAGE_SIZE
    ret = 0
    nstart = nend
  }
  if locked {
    mmap_read_unlock(mm)
  }
  return ret  # 0 or negative error code
}

# mm/gup.c: populate_vma_page_range(vma, start, end, &locked): the pages
# faulted in with GUP, which may drop the mmap lock (FOLL_UNLOCKABLE); the
# step populate_vma_page_range is its form with locked NULL (mprotect_fixup())
func populate_vma_page_range_locked(mm, vma, start, end) {
  nr_pages = (end - start) / PAGE_SIZE
  # Rightly or wrongly, the VM_LOCKONFAULT case has never used
  # faultin_page() to break COW, so it has no work to do here.
  if vma.vm_flags & VM_LOCKONFAULT != 0 {
    return nr_pages
  }
  # ... similarly, we've never faulted in PROT_NONE pages
  if vma.vm_flags & (VM_READ | VM_WRITE | VM_EXEC) == 0 {  # !vma_is_accessible(vma)
    return -EFAULT
  }
  gup_flags = FOLL_TOUCH
  # We want to touch writable mappings with a write fault in order to
  # break COW, except for shared mappings because these don't COW and we
  # would not want to dirty them for nothing. Otherwise, do a read fault,
  # and use FOLL_FORCE in case it's not readable.
  if vma.vm_flags & (VM_WRITE | VM_SHARED) == VM_WRITE {
    gup_flags = gup_flags | FOLL_WRITE
  } else {
    gup_flags = gup_flags | FOLL_FORCE
  }
  gup_flags = gup_flags | FOLL_UNLOCKABLE  # if (locked)
  return __get_user_pages_locked(mm, start, nr_pages, gup_flags, true, nil, 0)
}
