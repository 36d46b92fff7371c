# mmap(2) as the 2026 kernel runs it (linux-mm mm/mmap.c do_mmap(),
# mm/vma.c __mmap_region()), one kernel function per func, each statement
# one step of the C source. The steps are the runtime's operations:
# `mmscript explain do_mmap_checks`. A MAP_FIXED mapping unmaps what it
# replaces with munmap's steps (kernel/munmap.mms) without dropping the
# mmap lock. mmap() returns the VMA that maps the range, or nil
# (MAP_FAILED). Not modelled: the security and fsnotify hooks, RLIMITs
# (may_expand_vm, security_vm_enough_memory_mm), KSM flags, MDWE,
# userfaultfd, uprobes, perf, mmap_action (desc->action).

# mm/mmap.c: SYSCALL_DEFINE6(mmap_pgoff) -> ksys_mmap_pgoff()
# len in bytes as the kernel's; mmscript's pages= gives it as a count (the
# operation checked that both, if given, agree); neither is one page.
func mmap(mm, addr, len, prot, flags, file, pgoff, vm, ops, pages) {
  if len == nil {
    if pages == nil {
      pages = 1
    }
    len = pages * PAGE_SIZE
  }
  map = ksys_mmap_pgoff(mm, addr, len, prot, flags, file, pgoff, vm, ops)  # fget(fd)
  if vm_mmap_pgoff(mm, map) < 0 {
    return nil  # MAP_FAILED
  }
  return map.vma
}

# mm/util.c: vm_mmap(): mmap for in-kernel callers, on current->mm; the
# address mapped or -errno. addr is a hint unless flag has MAP_FIXED.
func vm_mmap(file, addr, len, prot, flag, offset) {
  return mmscript_vm_mmap(current_mm(), file, addr, len, prot, flag, offset)
}

# mm/util.c: vm_mmap() in mmscript's form, the mm named:
# vm_mmap(mm, file, addr, len, prot, flag, offset). flag | hint: a non-zero
# addr without MAP_FIXED is the kernel's hint (mmap() takes it as MAP_FIXED)
func mmscript_vm_mmap(mm, file, addr, len, prot, flag, offset) {
  if offset < 0 || offset % PAGE_SIZE != 0 {  # offset + PAGE_ALIGN(len) < offset, offset_in_page(offset)
    return -EINVAL
  }
  map = ksys_mmap_pgoff(mm, addr, len, prot, flag | "hint", file, offset / PAGE_SIZE, "", nil)
  return vm_mmap_pgoff(mm, map)
}

# mm/util.c: vm_mmap_pgoff(): the address mapped or -errno
func vm_mmap_pgoff(mm, map) {
  if mmap_write_lock_killable(mm) != 0 {
    return -EINTR
  }
  ret = do_mmap(mm, map)
  mmap_write_unlock(mm)
  if ret != 0 {
    return ret
  }
  if map.populate {
    mm_populate(mm, map.addr, map.len)
  }
  return map.addr
}

# mm/mmap.c: do_mmap(): 0 or -errno (the kernel returns the address)
func do_mmap(mm, map) {
  error = do_mmap_checks(map)  # len, file, MAP_FIXED_NOREPLACE, round_hint_to_min, PAGE_ALIGN, pgoff, map_count
  if error != 0 {
    return error
  }
  # Obtain the address to map to. we verify (or select) it and ensure
  # that it represents a valid section of the address space.
  error = __get_unmapped_area(map)
  if error != 0 {
    return error
  }
  if map.flags & MAP_FIXED_NOREPLACE != 0 {
    if find_vma_intersection(mm, map.addr, map.end) {
      return -EEXIST
    }
  }
  error = do_mmap_vm_flags(map)  # calc_vm_prot_bits() | calc_vm_flag_bits() | VM_MAY*, MAP_TYPE checks, pgoff
  if error != 0 {
    return error
  }
  return mmap_region(mm, map)
}

# mm/vma.c: mmap_region()
func mmap_region(mm, map) {
  mmap_assert_write_locked(mm)
  return __mmap_region(mm, map)
}

# mm/vma.c: __mmap_region()
func __mmap_region(mm, map) {
  error = __mmap_setup(mm, map)
  if error == 0 && map.have_mmap_prepare {
    error = call_mmap_prepare(map)  # f_op->mmap_prepare(desc): no VMA exists yet
  }
  if error != 0 {
    vms_abort_munmap_vmas(mm, map.vms)  # abort_munmap:
    return error
  }
  # Attempt to merge with adjacent VMAs...
  vma = nil
  if map.prev || map.next {
    vma = vma_merge_new_range(map)
  }
  # ...but if we can't, allocate a new VMA.
  if !vma {
    error = __mmap_new_vma(mm, map)
    if error != 0 {
      vms_abort_munmap_vmas(mm, map.vms)  # unacct_error: vm_unacct_memory(map.charged)
      return error
    }
    vma = map.vma
  }
  if map.have_mmap_prepare {
    set_vma_user_defined_fields(vma, map)
  }
  __mmap_complete(mm, map, vma)
  return 0
}

# mm/vma.c: __mmap_setup(): gather what the mapping replaces, account it,
# and clear the old mappings' page tables
func __mmap_setup(mm, map) {
  # Find the first overlapping VMA and initialise unmap state.
  vms = nil
  if find_vma_intersection(mm, map.addr, map.end) {  # vms->vma = vma_find(vmi, map->end)
    # Prepare to unmap any existing mapping in the area
    vms = vms_gather_munmap_vmas(mm, map.addr, map.end, unlock=false)
    if vms.error != 0 {
      return vms.error  # On error VMAs will already have been reattached.
    }
  }
  mmap_setup_vms(map, vms)  # map->prev, map->next; accountable_mapping(): VM_ACCOUNT
  # Clear PTEs while the vma is still in the tree so that rmap cannot race
  # with the freeing later in the truncate scenario. This is also needed
  # for mmap_file(), which is why vm_ops close function is called.
  if vms {
    vms_clean_up_area(mm, vms)
  }
  return 0
}

# mm/vma.c: vms_clean_up_area()
func vms_clean_up_area(mm, vms) {
  if vms.nr_pages == 0 {
    return
  }
  vms_clear_ptes(mm, vms)
  for i in 0..vms.vma_count {  # mas_for_each(mas_detach, vma, ULONG_MAX)
    vma_close(vms_detached_vma(vms, i))
  }
}

# mm/vma.c: vms_abort_munmap_vmas(): the old mappings' page tables are
# cleared and their ->close called already, so (as the kernel does) the
# MAP_FIXED range is left a gap. (reattach_vmas() is for a failure before
# vms_clean_up_area(), which only the unmodelled limits can cause.)
func vms_abort_munmap_vmas(mm, vms) {
  if !vms || vms.nr_pages == 0 {
    return
  }
  vms_complete_munmap_vmas(mm, vms)
}

# mm/vma.c: __mmap_new_vma(): 0 with map.vma set, or -errno
func __mmap_new_vma(mm, map) {
  vma = vm_area_alloc(map)  # vma_set_range(); vm_flags_init(); vm_page_prot; *vmap = vma
  error = 0
  if map.file || map.driver {
    error = __mmap_new_file_vma(map, vma)
  } else if map.vm_flags & VM_SHARED != 0 {
    shmem_zero_setup(vma)
  } else {
    vma_set_anonymous(vma)
  }
  if error != 0 {
    return error  # free_iter_vma: vm_area_free(vma)
  }
  # Lock the VMA since it is modified after insertion into VMA tree
  vma_start_write(vma)
  return vma_iter_store_new(mm, vma)  # map_count++; vma_link_file()
}

# mm/vma.c: __mmap_new_file_vma()
func __mmap_new_file_vma(map, vma) {
  error = mmap_file(map, vma)  # get_file(); f_op->mmap(file, vma) when the file has one
  if error != 0 {
    unmap_region(vma)  # Undo any partial mapping done by a device driver.
    return error
  }
  return 0
}

# mm/vma.c: __mmap_complete()
func __mmap_complete(mm, map, vma) {
  if map.vms {
    vms_complete_munmap_vmas(mm, map.vms)  # Unmap any existing mapping in the area.
  }
  vm_stat_account(map, vma)
  vma_set_page_prot(vma)
}

# mm/gup.c: __mm_populate(start, len, ignore_errors=1), as mm_populate()
# calls it after the mmap lock was dropped: fault in each VMA of the range
# under the mmap read lock
func mm_populate(mm, start, len) {
  end = start + len
  mmap_read_lock(mm)
  nstart = start
  while nstart < end {
    vma = find_vma_intersection(mm, nstart, end)  # vma = find_vma_intersection(mm, nstart, end)
    if !vma {
      break
    }
    if nstart < vma.vm_start {
      nstart = vma.vm_start
    }
    nend = end
    if nend > vma.vm_end {
      nend = vma.vm_end
    }
    if vma.vm_flags & (VM_IO | VM_PFNMAP) == 0 {
      populate_vma_page_range(vma, nstart, nend)  # errors ignored
    }
    nstart = nend
  }
  mmap_read_unlock(mm)
}
