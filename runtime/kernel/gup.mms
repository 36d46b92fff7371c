# GUP as mainline mm/gup.c runs it: __get_user_pages_locked() drives
# __get_user_pages(), which follows each page (follow_page_mask) and
# faults in what it cannot follow (faultin_page), under the mmap lock the
# caller holds. The kernel's `int *locked` is the lock itself:
# lockdep_is_held(mm.mmap_lock) says whether a fault dropped it.
# `mmscript explain get_user_pages_remote`.

# mm/gup.c: faultin_page(): 0 (follow the page again), -EFAULT or -ENOMEM,
# -EAGAIN when the fault completed and released the mmap lock (*locked =
# 0), or -EBUSY for VM_FAULT_RETRY: the fault released the lock (*locked =
# 0), but with FOLL_NOWAIT (FAULT_FLAG_RETRY_NOWAIT) it kept it and GUP's
# caller still holds it
func faultin_page(vma, address, flags) {
  fault_flags = 0
  if flags & FOLL_NOFAULT != 0 {
    return -EFAULT
  }
  if flags & FOLL_WRITE != 0 {
    fault_flags |= FAULT_FLAG_WRITE
  }
  if flags & FOLL_REMOTE != 0 {
    fault_flags |= FAULT_FLAG_REMOTE
  }
  if flags & FOLL_UNLOCKABLE != 0 {
    fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE
    # FAULT_FLAG_INTERRUPTIBLE is opt-in
    if flags & FOLL_INTERRUPTIBLE != 0 {
      fault_flags |= FAULT_FLAG_INTERRUPTIBLE
    }
  }
  if flags & FOLL_NOWAIT != 0 {
    fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT
  }
  if flags & FOLL_TRIED != 0 {
    fault_flags |= FAULT_FLAG_TRIED  # "FAULT_FLAG_ALLOW_RETRY and FAULT_FLAG_TRIED can co-exist"
  }
  ret = handle_mm_fault(vma, address, fault_flags, NULL)
  if ret & VM_FAULT_COMPLETED != 0 {
    # "With FAULT_FLAG_RETRY_NOWAIT we'll never release the mmap lock in
    # the page fault handler. Sanity check this."
    WARN_ON_ONCE(fault_flags & FAULT_FLAG_RETRY_NOWAIT)
    return -EAGAIN  # *locked = 0: the fault completed and released the lock
  }
  if ret & VM_FAULT_ERROR != 0 {
    return vm_fault_to_errno(ret, flags)
  }
  if ret & VM_FAULT_RETRY != 0 {
    # if (!(fault_flags & FAULT_FLAG_RETRY_NOWAIT)) *locked = 0: mmscript's
    # *locked is the lock itself, which the fault released or, with
    # FAULT_FLAG_RETRY_NOWAIT, kept
    return -EBUSY
  }
  return 0
}

# include/linux/mm.h: vm_fault_to_errno(), as mm/gup.c: faultin_page() uses it
func vm_fault_to_errno(vm_fault, foll_flags) {
  if vm_fault & VM_FAULT_OOM != 0 {
    return -ENOMEM
  }
  if vm_fault & (VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV) != 0 {
    return -EFAULT
  }
  return 0
}

# mm/gup.c: __get_user_pages(), its retry: label for the page at start:
# follow_page_mask(), and faultin_page() for a page it cannot follow. The
# page, or -errno (-EBUSY, -EAGAIN: the fault dropped the mmap lock, or
# with FOLL_NOWAIT would have waited and kept it). As
# the kernel, it loops ("case 0: goto retry") until the page can be
# followed or the fault fails; only a fatal signal ends it otherwise, and
# scripts send none. A fault that never makes the page followable (a
# driver's handler returning 0 without installing it, another thread
# zapping the page for ever) loops as the kernel does, until the thread's
# step limit (-max-steps) stops it and names it.
func __get_user_pages_page(vma, start, foll_flags) {
  while true {
    # if (fatal_signal_pending(current)) return -EINTR; cond_resched();
    page = follow_page_mask(vma, start, foll_flags)
    if page {
      return page
    }
    ret = faultin_page(vma, start, foll_flags)
    if ret != 0 {
      return ret
    }
  }
}

# mm/gup.c: __get_user_pages(): the number of pages, or -errno when none.
# Must be called with the mmap lock held; with FOLL_UNLOCKABLE a fault may
# release it, and then it returns what it has; with FOLL_NOWAIT a fault
# that would wait ends it too, the lock held. pages (nil: NULL) receives
# each page at pages_at + i: pages_at is where the caller's `pages += ret`
# moved the pointer (mmscript has no pointer arithmetic).
func __get_user_pages(mm, start, nr_pages, gup_flags, pages, pages_at) {
  i = 0
  vma = nil
  for n in 0..nr_pages {  # do { ... } while (nr_pages)
    if !vma || start >= vma.vm_end {  # first iteration or cross vma bound
      vma = vma_lookup(mm, start)
      if !vma {
        return gup_ret(i, -EFAULT)
      }
      ret = check_vma_flags(vma, gup_flags)
      if ret != 0 {
        return gup_ret(i, ret)
      }
    }
    page = __get_user_pages_page(vma, start, gup_flags)
    if page == -EBUSY || page == -EAGAIN {
      return i  # ret = 0; goto out: the fault released the mmap lock (FOLL_NOWAIT: kept it)
    }
    if page == -EFAULT || page == -ENOMEM {
      return gup_ret(i, page)
    }
    if pages {
      page_array_set(pages, pages_at + i, page)  # pages[i] = page
    }
    i = i + 1
    start = start + PAGE_SIZE
  }
  return i
}

# mm/gup.c: __get_user_pages() out: "return i ? i : ret;"
func gup_ret(i, ret) {
  if i != 0 {
    return i
  }
  return ret
}

# mm/gup.c: __get_user_pages_locked(). locked: the caller holds the mmap
# lock (*locked == 1); otherwise GUP takes it and drops it. With
# FOLL_UNLOCKABLE a fault may release the lock: GUP re-takes it and
# retries that page with FOLL_TRIED; it returns with the lock released
# then (*locked = 0). pages: the caller's array (nil: NULL), filled from
# index pages_at.
func __get_user_pages_locked(mm, start, nr_pages, flags, locked, pages, pages_at) {
  # "Traditional behavior is to set FOLL_GET if the caller wants pages[]
  # filled in (but has carelessly failed to specify FOLL_GET)"
  if pages && flags & FOLL_PIN == 0 {
    flags = flags | FOLL_GET
  }
  must_unlock = false
  if !locked {
    if mmap_read_lock_killable(mm) != 0 {
      return -EAGAIN
    }
    must_unlock = true
  } else {
    mmap_assert_locked(mm)
  }
  pages_done = 0
  while true {
    ret = __get_user_pages(mm, start, nr_pages, flags, pages, pages_at + pages_done)
    if flags & FOLL_UNLOCKABLE == 0 {
      pages_done = ret  # VM_FAULT_RETRY couldn't trigger, bypass
      break
    }
    if ret < 0 {
      # "VM_FAULT_RETRY or VM_FAULT_COMPLETED cannot return errors"
      # (BUG_ON(ret < 0) when !*locked): an error ends GUP
      if pages_done == 0 {
        pages_done = ret
      }
      break
    }
    if ret > 0 {
      nr_pages = nr_pages - ret
      pages_done = pages_done + ret
      if nr_pages == 0 {
        break
      }
    }
    if lockdep_is_held(mm.mmap_lock) {
      if pages_done == 0 {
        pages_done = ret  # VM_FAULT_RETRY didn't trigger or it was a FOLL_NOWAIT
      }
      break
    }
    start = start + ret * PAGE_SIZE  # seek to the faulting page
    must_unlock = true               # the lock was dropped, so we must unlock later
    ret = __get_user_pages_tried(mm, start, flags, pages, pages_at + pages_done)
    if ret != 1 {
      if pages_done == 0 {
        pages_done = ret
      }
      break
    }
    nr_pages = nr_pages - 1
    pages_done = pages_done + 1
    if nr_pages == 0 {
      break
    }
    start = start + PAGE_SIZE
  }
  if must_unlock && lockdep_is_held(mm.mmap_lock) {
    mmap_read_unlock(mm)  # *locked = 0
  }
  return pages_done
}

# mm/gup.c: __get_user_pages_locked(), its retry: label: re-take the mmap
# lock and fault the page that fired VM_FAULT_RETRY again with FOLL_TRIED;
# "if (!*locked) { /* Continue to retry until we succeeded */ goto retry; }"
# (only mmap_read_lock_killable's fatal signal ends it otherwise; as in
# __get_user_pages_page, the thread's step limit bounds a script's loop)
func __get_user_pages_tried(mm, start, flags, pages, pages_at) {
  while true {
    ret = mmap_read_lock_killable(mm)
    if ret != 0 {
      return ret  # if (!pages_done) pages_done = ret; break;
    }
    ret = __get_user_pages(mm, start, 1, flags | FOLL_TRIED, pages, pages_at)
    if lockdep_is_held(mm.mmap_lock) {
      return ret
    }
  }
}

# mm/gup.c: is_valid_gup_args(pages, locked, &gup_flags, to_set): "Check
# that the given flags are valid for the exported gup/pup interface, and
# update them with the required flags that the caller must have set": the
# flags with to_set (and FOLL_UNLOCKABLE when the caller passed locked), or
# -EINVAL where the kernel returns false. locked is the caller's int
# *locked: true for a non-NULL one, which must hold 1 ("At the external
# interface locked must be set"): the mmap lock held.
func is_valid_gup_args(pages, locked, gup_flags, to_set) {
  # FOLL_TOUCH/FOLL_PIN/FOLL_TRIED/FOLL_FAST_ONLY are internal only,
  # FOLL_REMOTE is set in (get|pin)_user_pages_remote(), FOLL_UNLOCKABLE
  # is used if locked is !NULL
  if WARN_ON_ONCE(gup_flags & INTERNAL_GUP_FLAGS != 0) {
    return -EINVAL
  }
  gup_flags = gup_flags | to_set
  if locked {
    gup_flags = gup_flags | FOLL_UNLOCKABLE
  }
  # FOLL_GET and FOLL_PIN are mutually exclusive.
  if WARN_ON_ONCE(gup_flags & (FOLL_PIN | FOLL_GET) == FOLL_PIN | FOLL_GET) {
    return -EINVAL
  }
  # LONGTERM can only be specified when pinning
  if WARN_ON_ONCE(gup_flags & FOLL_PIN == 0 && gup_flags & FOLL_LONGTERM != 0) {
    return -EINVAL
  }
  # Pages input must be given if using GET/PIN
  if WARN_ON_ONCE(gup_flags & (FOLL_GET | FOLL_PIN) != 0 && !pages) {
    return -EINVAL
  }
  # We want to allow the pgmap to be hot-unplugged at all times
  if WARN_ON_ONCE(gup_flags & FOLL_LONGTERM != 0 && gup_flags & FOLL_PCI_P2PDMA != 0) {
    return -EINVAL
  }
  return gup_flags
}

# mm/gup.c: get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
# locked): is_valid_gup_args(pages, locked, &gup_flags, FOLL_TOUCH |
# FOLL_REMOTE), then __get_user_pages_locked(mm, ..., locked ? locked :
# &local_locked, gup_flags) with *locked == 1: the caller holds the mmap
# lock (mmap_assert_locked), and with locked (FOLL_UNLOCKABLE) a fault may
# release it: then it is not held on return (*locked = 0). pages: a
# page_array, each page with a reference (put_page), or nil (NULL: fault
# in only).
func get_user_pages_remote(mm, start, nr_pages, gup_flags, pages, locked) {
  gup_flags = is_valid_gup_args(pages, locked, gup_flags, FOLL_TOUCH | FOLL_REMOTE)
  if gup_flags < 0 {
    return -EINVAL
  }
  return __get_user_pages_locked(mm, start, nr_pages, gup_flags, true, pages, 0)
}

# mm/gup.c: pin_user_pages_remote(): as get_user_pages_remote() with
# FOLL_PIN (through __gup_longterm_locked(), whose FOLL_LONGTERM migration
# is not modelled); each page of pages pinned (unpin_user_page,
# unpin_user_pages). Invalid arguments return 0, not -EINVAL.
func pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages, locked) {
  gup_flags = is_valid_gup_args(pages, locked, gup_flags, FOLL_PIN | FOLL_TOUCH | FOLL_REMOTE)
  if gup_flags < 0 {
    return 0
  }
  return __get_user_pages_locked(mm, start, nr_pages, gup_flags, true, pages, 0)
}

# mm/gup.c: get_user_pages(start, nr_pages, gup_flags, pages):
# is_valid_gup_args(pages, NULL, &gup_flags, FOLL_TOUCH), then
# __get_user_pages_locked(current->mm, ..., &locked) with locked = 1: the
# caller holds current->mm's mmap lock (mmap_assert_locked) and no fault
# drops it; each page of pages with a reference (put_page).
func get_user_pages(start, nr_pages, gup_flags, pages) {
  gup_flags = is_valid_gup_args(pages, false, gup_flags, FOLL_TOUCH)
  if gup_flags < 0 {
    return -EINVAL
  }
  return __get_user_pages_locked(current_mm(), start, nr_pages, gup_flags, true, pages, 0)
}

# mm/gup.c: pin_user_pages(start, nr_pages, gup_flags, pages):
# is_valid_gup_args(pages, NULL, &gup_flags, FOLL_PIN), then
# __gup_longterm_locked(current->mm, ..., &locked = 1): the caller holds
# the mmap lock and no fault may drop it; each page of pages pinned.
# Invalid arguments return 0, not -EINVAL.
func pin_user_pages(start, nr_pages, gup_flags, pages) {
  gup_flags = is_valid_gup_args(pages, false, gup_flags, FOLL_PIN)
  if gup_flags < 0 {
    return 0
  }
  return __get_user_pages_locked(current_mm(), start, nr_pages, gup_flags, true, pages, 0)
}

# mm/gup.c: get_user_pages_unlocked(start, nr_pages, pages, gup_flags)
# (pages before gup_flags, unlike its siblings): is_valid_gup_args(pages,
# NULL, &gup_flags, FOLL_TOUCH | FOLL_UNLOCKABLE), then
# __get_user_pages_locked(current->mm, ..., &locked = 0): GUP takes the
# mmap lock itself, a fault may drop it (GUP re-takes it and retries the
# page with FOLL_TRIED), and it is released on return.
func get_user_pages_unlocked(start, nr_pages, pages, gup_flags) {
  mm = current_mm()
  gup_check_unlocked(mm, "get_user_pages_unlocked")
  gup_flags = is_valid_gup_args(pages, false, gup_flags, FOLL_TOUCH | FOLL_UNLOCKABLE)
  if gup_flags < 0 {
    return -EINVAL
  }
  return __get_user_pages_locked(mm, start, nr_pages, gup_flags, false, pages, 0)
}

# mm/gup.c: pin_user_pages_unlocked(): "the FOLL_PIN variant of
# get_user_pages_unlocked()"; invalid arguments return 0
func pin_user_pages_unlocked(start, nr_pages, pages, gup_flags) {
  mm = current_mm()
  gup_check_unlocked(mm, "pin_user_pages_unlocked")
  gup_flags = is_valid_gup_args(pages, false, gup_flags, FOLL_PIN | FOLL_TOUCH | FOLL_UNLOCKABLE)
  if gup_flags < 0 {
    return 0
  }
  return __get_user_pages_locked(mm, start, nr_pages, gup_flags, false, pages, 0)
}

# mmscript's own form of mm/gup.c: get_user_pages_remote() and pin_user_pages_remote()
# (scripts written before the kernel's): locked before pages, pages= the
# count and array= the page_array; pin: FOLL_PIN
func mmscript_gup_remote(mm, start, nr_pages, gup_flags, locked, pages, pin) {
  if pin {
    return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages, locked)
  }
  return get_user_pages_remote(mm, start, nr_pages, gup_flags, pages, locked)
}

# mm/gup.c: get_user_pages_remote() in mmscript's own form
func mmscript_get_user_pages_remote(mm, start, nr_pages, gup_flags, locked, pages) {
  return mmscript_gup_remote(mm, start, nr_pages, gup_flags, locked, pages, false)
}

# mm/gup.c: pin_user_pages_remote() in mmscript's own form
func mmscript_pin_user_pages_remote(mm, start, nr_pages, gup_flags, locked, pages) {
  return mmscript_gup_remote(mm, start, nr_pages, gup_flags, locked, pages, true)
}

# mmscript's own form of mm/gup.c: pin_user_pages(): the mm given (the kernel's is
# current->mm), pages= the count, array= the page_array
func mmscript_pin_user_pages(mm, start, nr_pages, gup_flags, pages) {
  gup_flags = is_valid_gup_args(pages, false, gup_flags, FOLL_PIN)
  if gup_flags < 0 {
    return 0
  }
  return __get_user_pages_locked(mm, start, nr_pages, gup_flags, true, pages, 0)
}

# mmscript's own form of mm/gup.c: get_user_pages(): the mm given, write for
# FOLL_WRITE, pages (nil: NULL) filled with a reference on each page
func mmscript_get_user_pages(mm, start, nr_pages, write, pages) {
  gup_flags = FOLL_TOUCH
  if write {
    gup_flags = gup_flags | FOLL_WRITE
  }
  return __get_user_pages_locked(mm, start, nr_pages, gup_flags, true, pages, 0)
}

# include/linux/mm.h: get_user_page_vma_remote() -> mm/gup.c: get_user_pages_remote()
# for one page with a pages array (FOLL_GET), then vma_lookup(); the page
# with a reference (put_page it), or nil for the kernel's ERR_PTR
func get_user_page_vma_remote(mm, addr, gup_flags) {
  gup_flags = gup_flags | FOLL_TOUCH | FOLL_REMOTE | FOLL_GET
  mmap_assert_locked(mm)  # __get_user_pages_locked() with *locked == 1
  vma = vma_lookup(mm, addr)
  if !vma {
    return nil
  }
  if check_vma_flags(vma, gup_flags) != 0 {
    return nil
  }
  page = __get_user_pages_page(vma, addr, gup_flags)
  if page == -EFAULT || page == -ENOMEM {
    return nil
  }
  return page
}

# mm/memory.c: __access_remote_vm(): the bytes transferred
func __access_remote_vm(mm, addr, len, gup_flags) {
  write = gup_flags & FOLL_WRITE != 0
  done = 0
  if mmap_read_lock_killable(mm) != 0 {
    return 0
  }
  if !vma_lookup(mm, addr) {  # && !expand_stack(mm, addr): not modelled
    mmap_read_unlock(mm)
    return 0
  }
  while len > 0 {
    page = get_user_page_vma_remote(mm, addr, gup_flags)
    if !page {
      break  # (vm_ops->access for VM_IO/VM_PFNMAP: not modelled)
    }
    vma = vma_lookup(mm, addr)
    offset = addr % PAGE_SIZE
    bytes = len
    if bytes > PAGE_SIZE - offset {
      bytes = PAGE_SIZE - offset
    }
    if write {
      copy_to_user_page(vma, page, addr)
      # folio_mark_dirty_lock(folio)
    } else {
      copy_from_user_page(vma, page, addr)
    }
    put_page(page)  # folio_release_kmap()
    len = len - bytes
    addr = addr + bytes
    done = done + bytes
  }
  mmap_read_unlock(mm)
  return done
}

# mm/memory.c: access_remote_vm(): the caller holds a reference on mm
func access_remote_vm(mm, addr, len, gup_flags) {
  return __access_remote_vm(mm, addr, len, gup_flags)
}

# mm/memory.c: access_process_vm(): get_task_mm(tsk), __access_remote_vm(),
# mmput(mm); mmscript names the mm, not the task
func access_process_vm(mm, addr, len, gup_flags) {
  return __access_remote_vm(mm, addr, len, gup_flags)
}

# mmscript's own form of mm/gup.c: get_user_pages_unlocked(): the mm given, write
# for FOLL_WRITE, pages (nil: NULL) filled with a reference on each page
func mmscript_get_user_pages_unlocked(mm, start, nr_pages, write, pages) {
  gup_check_unlocked(mm, "get_user_pages_unlocked")
  gup_flags = FOLL_TOUCH | FOLL_UNLOCKABLE
  if write {
    gup_flags = gup_flags | FOLL_WRITE
  }
  return __get_user_pages_locked(mm, start, nr_pages, gup_flags, false, pages, 0)
}

# mm/gup.c: fixup_user_fault(): resolve a fault at address in mm for a
# caller that holds mm's mmap read lock (futex's fault_in_user_writeable(),
# KVM's hva_to_pfn_remapped(), fault_in_safe_writeable()); the lock is
# asserted by untagged_addr_remote() (mmap_assert_locked). With unlocked
# (the kernel's bool *unlocked, a pointer the caller gives as &unlocked,
# not NULL) the fault may drop the lock (FAULT_FLAG_ALLOW_RETRY |
# FAULT_FLAG_KILLABLE): it is taken again before the retry (with
# FAULT_FLAG_TRIED) or the return, and *unlocked = true tells the caller,
# which holds it on return either way, that the VMAs it looked up before
# may be gone. Without it, a fault keeps the lock. Returns 0 or -errno.
func fixup_user_fault(mm, address, fault_flags, unlocked) {
  mmap_assert_locked(mm)  # untagged_addr_remote()
  if unlocked {           # the pointer, not *unlocked
    fault_flags = fault_flags | "allow_retry"  # FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE
  }
  while true {
    vma = vma_lookup(mm, address)  # gup_vma_lookup(): expand_stack() not modelled
    if !vma {
      return -EFAULT
    }
    if !vma_permits_fault(vma, fault_flags) {
      return -EFAULT
    }
    ret = handle_mm_fault(vma, address, flags=fault_flags, regs=NULL)
    if ret & VM_FAULT_COMPLETED != 0 {
      mmap_read_lock(mm)  # "we need to retake the lock here to pair with the unlock() in the callers"
      *unlocked = true
      return 0
    }
    if ret & VM_FAULT_ERROR != 0 {
      return vm_fault_to_errno(ret, 0)
    }
    if ret & VM_FAULT_RETRY == 0 {
      return 0
    }
    mmap_read_lock(mm)
    *unlocked = true
    fault_flags = fault_flags | "tried"  # FAULT_FLAG_TRIED
  }
}
