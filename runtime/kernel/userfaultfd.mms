# userfaultfd as the kernel runs it (fs/userfaultfd.c, mm/userfaultfd.c,
# include/linux/userfaultfd_k.h of 2026), one kernel function per func,
# each statement one step of the C source. A context (struct
# userfaultfd_ctx) is `userfaultfd(mm)`; the ioctls take it first, and the
# fields of the struct the kernel copies in from user space as arguments
# (struct uffdio_register: start, len, mode). mmscript registers private
# anonymous memory only (shmem and hugetlb are not modelled), and models
# no UFFD_FEATURE_*: no non-cooperative events, no uffd-wp faults.
# `mmscript explain userfaultfd_register`.

# fs/userfaultfd.c: userfaultfd_ioctl(UFFDIO_REGISTER) ->
# userfaultfd_register(): 0 or -errno (the ioctls bitmask it writes back
# is not modelled)
func userfaultfd_register(ctx, start, len, mode) {
  mm = ctx.mm
  if mode == 0 || mode & ~(UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP | UFFDIO_REGISTER_MODE_MINOR) != 0 {
    return -EINVAL
  }
  vm_flags = 0
  if mode & UFFDIO_REGISTER_MODE_MISSING != 0 {
    vm_flags = vm_flags | VM_UFFD_MISSING
  }
  if mode & UFFDIO_REGISTER_MODE_WP != 0 {
    vm_flags = vm_flags | VM_UFFD_WP  # pgtable_supports_uffd(): x86-64
  }
  if mode & UFFDIO_REGISTER_MODE_MINOR != 0 {
    vm_flags = vm_flags | VM_UFFD_MINOR  # CONFIG_HAVE_ARCH_USERFAULTFD_MINOR: x86-64
  }
  ret = validate_range(mm, start, len)
  if ret != 0 {
    return ret
  }
  end = start + len
  if !mmget_not_zero(mm) {
    return -ENOMEM
  }
  mmap_write_lock(mm)
  ret = userfaultfd_register_vmas(ctx, start, end, vm_flags)
  mmap_write_unlock(mm)  # out_unlock:
  mmput(mm)
  return ret
}

# fs/userfaultfd.c: userfaultfd_register() between mmap_write_lock() and
# out_unlock: vma_find(), the search for incompatible VMAs, then
# userfaultfd_register_range() (is_vm_hugetlb_page(): no hugetlb here)
func userfaultfd_register_vmas(ctx, start, end, vm_flags) {
  mm = ctx.mm
  vma = find_vma_intersection(mm, start, end)  # vma_iter_init(&vmi, mm, start); vma_find(&vmi, end)
  if !vma {
    return -EINVAL
  }
  # Search for not compatible vmas.
  found = false
  for cur in vmas(mm, start, end) {
    cond_resched()
    VM_WARN_ON_ONCE((cur.vm_userfaultfd_ctx != nil) != (cur.vm_flags & __VM_UFFD_FLAGS != 0))
    # check not compatible vmas
    if !vma_can_userfault(cur, vm_flags) {
      return -EINVAL
    }
    # "UFFDIO_COPY will fill file holes even without PROT_WRITE. This
    # check enforces that if this is a MAP_SHARED, the process has write
    # permission to the backing file."
    if cur.vm_flags & VM_MAYWRITE == 0 {
      return -EPERM
    }
    # "Check that this vma isn't already owned by a different userfaultfd."
    if cur.vm_userfaultfd_ctx && cur.vm_userfaultfd_ctx != ctx {
      return -EBUSY
    }
    found = true
  }
  VM_WARN_ON_ONCE(!found)
  return userfaultfd_register_range(ctx, vma, vm_flags, start, end)
}

# mm/userfaultfd.c: userfaultfd_register_range(): "Assumes mmap write
# lock taken, and mm_struct pinned."
func userfaultfd_register_range(ctx, vma, vm_flags, start, end) {
  mm = ctx.mm
  prev = vma_prev(mm, vma)  # VMA_ITERATOR(vmi, ctx->mm, start); vma_prev(&vmi)
  if vma.vm_start < start {
    prev = vma
  }
  for vma in vmas(mm, start, end) {
    cond_resched()
    VM_WARN_ON_ONCE(!vma_can_userfault(vma, vm_flags))
    VM_WARN_ON_ONCE(vma.vm_userfaultfd_ctx && vma.vm_userfaultfd_ctx != ctx)
    VM_WARN_ON_ONCE(vma.vm_flags & VM_MAYWRITE == 0)
    # "Nothing to do: this vma is already registered into this
    # userfaultfd and with the right tracking mode too."
    if vma.vm_userfaultfd_ctx == ctx && vma.vm_flags & vm_flags == vm_flags {
      prev = vma  # skip:
      start = vma.vm_end
      continue
    }
    if vma.vm_start > start {
      start = vma.vm_start
    }
    vma_end = min(end, vma.vm_end)
    new_flags = (vma.vm_flags & ~__VM_UFFD_FLAGS) | vm_flags
    vma = vma_modify_flags_uffd(mm, prev, vma, start, vma_end, new_flags, ctx)
    if !vma {
      return PTR_ERR(vma)
    }
    # "In the vma_merge() successful mprotect-like case 8: the next vma was
    # merged into the current one and the current one has not been updated
    # yet."
    userfaultfd_set_ctx(vma, ctx, vm_flags)
    prev = vma  # skip:
    start = vma.vm_end
  }
  return 0
}

# fs/userfaultfd.c: userfaultfd_ioctl(UFFDIO_UNREGISTER) ->
# userfaultfd_unregister(): 0 or -errno
func userfaultfd_unregister(ctx, start, len) {
  mm = ctx.mm
  ret = validate_range(mm, start, len)
  if ret != 0 {
    return ret
  }
  end = start + len
  if !mmget_not_zero(mm) {
    return -ENOMEM
  }
  mmap_write_lock(mm)
  ret = userfaultfd_unregister_vmas(ctx, start, end)
  mmap_write_unlock(mm)  # out_unlock:
  mmput(mm)
  return ret
}

# fs/userfaultfd.c: userfaultfd_unregister() between mmap_write_lock() and
# out_unlock
func userfaultfd_unregister_vmas(ctx, start, end) {
  mm = ctx.mm
  vma = find_vma_intersection(mm, start, end)  # vma_iter_init(&vmi, mm, start); vma_find(&vmi, end)
  if !vma {
    return -EINVAL
  }
  # Search for not compatible vmas.
  found = false
  for cur in vmas(mm, start, end) {
    cond_resched()
    VM_WARN_ON_ONCE((cur.vm_userfaultfd_ctx != nil) != (cur.vm_flags & __VM_UFFD_FLAGS != 0))
    # "Prevent unregistering through a different userfaultfd than the one
    # used for registration."
    if cur.vm_userfaultfd_ctx && cur.vm_userfaultfd_ctx != ctx {
      return -EINVAL
    }
    if !vma_can_userfault(cur, cur.vm_flags) {
      return -EINVAL
    }
    found = true
  }
  VM_WARN_ON_ONCE(!found)
  prev = vma_prev(mm, vma)  # vma_iter_set(&vmi, start); vma_prev(&vmi)
  if vma.vm_start < start {
    prev = vma
  }
  ret = 0
  for vma in vmas(mm, start, end) {
    cond_resched()
    # VMA not registered with userfaultfd.
    if !vma.vm_userfaultfd_ctx {
      prev = vma  # skip:
      start = vma.vm_end
      continue
    }
    VM_WARN_ON_ONCE(vma.vm_userfaultfd_ctx != ctx)
    VM_WARN_ON_ONCE(!vma_can_userfault(vma, vma.vm_flags))
    VM_WARN_ON_ONCE(vma.vm_flags & VM_MAYWRITE == 0)
    if vma.vm_start > start {
      start = vma.vm_start
    }
    vma_end = min(end, vma.vm_end)
    if userfaultfd_missing(vma) {
      # "Wake any concurrent pending userfault while we unregister, so
      # they will not hang permanently and it avoids userland to call
      # UFFDIO_WAKE explicitly."
      wake_userfault(vma.vm_userfaultfd_ctx, start, vma_end - start)
    }
    vma = userfaultfd_clear_vma(mm, prev, vma, start, vma_end)
    if !vma {
      ret = PTR_ERR(vma)
      break
    }
    prev = vma  # skip:
    start = vma.vm_end
  }
  return ret
}

# mm/userfaultfd.c: userfaultfd_clear_vma() (userfaultfd_wp(vma)'s
# uffd_wp_range() is not modelled: mmscript makes no uffd-wp entries)
func userfaultfd_clear_vma(mm, prev, vma, start, end) {
  ret = vma_modify_flags_uffd(mm, prev, vma, start, end, vma.vm_flags & ~__VM_UFFD_FLAGS, nil)  # NULL_VM_UFFD_CTX
  # "In the vma_merge() successful mprotect-like case 8: the next vma was
  # merged into the current one and the current one has not been updated
  # yet."
  if ret {
    userfaultfd_reset_ctx(ret)
  }
  return ret
}

# mm/userfaultfd.c: userfaultfd_set_ctx()
func userfaultfd_set_ctx(vma, ctx, vm_flags) {
  vma_start_write(vma)
  vma.vm_userfaultfd_ctx = ctx
  userfaultfd_set_vm_flags(vma, (vma.vm_flags & ~__VM_UFFD_FLAGS) | vm_flags)
}

# mm/userfaultfd.c: userfaultfd_reset_ctx()
func userfaultfd_reset_ctx(vma) {
  userfaultfd_set_ctx(vma, nil, 0)
}

# mm/userfaultfd.c: userfaultfd_set_vm_flags(): "For shared mappings, we
# want to enable writenotify while userfaultfd-wp is enabled"
func userfaultfd_set_vm_flags(vma, vm_flags) {
  uffd_wp_changed = (vma.vm_flags ^ vm_flags) & VM_UFFD_WP != 0
  vm_flags_reset(vma, vm_flags)
  if vma.vm_flags & VM_SHARED != 0 && uffd_wp_changed {
    vma_set_page_prot(vma)
  }
}

# mm/userfaultfd.c: vma_can_userfault(): vma_uffd_ops() is anon_uffd_ops
# for anonymous memory; shmem's and hugetlb's are not modelled, so other
# VMAs cannot userfault here (the kernel registers shmem and hugetlb too)
func vma_can_userfault(vma, vm_flags) {
  if !vma_is_anonymous(vma) || vma.vm_flags & VM_SHARED != 0 {
    return false  # "only VMAs that implement vm_uffd_ops are supported"
  }
  vm_flags = vm_flags & __VM_UFFD_FLAGS
  if vma.vm_flags & VM_DROPPABLE != 0 {
    return false
  }
  # anon_can_userfault(): "anonymous memory does not support MINOR mode"
  return vm_flags & VM_UFFD_MINOR == 0
}

# fs/userfaultfd.c: validate_range()
func validate_range(mm, start, len) {
  if start % PAGE_SIZE != 0 {  # start & ~PAGE_MASK
    return -EINVAL
  }
  return validate_unaligned_range(mm, start, len)
}

# fs/userfaultfd.c: validate_unaligned_range()
func validate_unaligned_range(mm, start, len) {
  task_size = mm.task_size
  if len % PAGE_SIZE != 0 || len == 0 {
    return -EINVAL
  }
  if start >= task_size || len > task_size - start || start + len <= start {
    return -EINVAL
  }
  return 0
}

# fs/userfaultfd.c: dup_userfaultfd(), from dup_mmap() for the child's
# copy of each VMA: without UFFD_FEATURE_EVENT_FORK (mmscript models no
# features) the child's VMA is not registered
func dup_userfaultfd(vma) {
  octx = vma.vm_userfaultfd_ctx
  if !octx {
    return 0
  }
  userfaultfd_reset_ctx(vma)
  return 0
}

# include/linux/userfaultfd_k.h: userfaultfd_missing(), which mm/memory.c:
# do_anonymous_page() and mm/huge_memory.c: do_huge_pmd_anonymous_page()
# test before they deliver a fault to userland
func userfaultfd_missing(vma) {
  return vma.vm_flags & VM_UFFD_MISSING != 0
}

# fs/userfaultfd.c: handle_userfault(): the fault of a registered VMA,
# under the fault lock (the mmap read lock, or the VMA read lock with
# FAULT_FLAG_VMA_LOCK: lock_vma_under_rcu() takes uffd-armed VMAs since
# "mm: handle userfaults under VMA lock", v6.6, and mainline's takes any).
# The fault is queued on the context and the fault lock released
# (release_fault_lock()); the task sleeps until UFFDIO_COPY, UFFDIO_ZEROPAGE,
# UFFDIO_MOVE, UFFDIO_WAKE or UFFDIO_UNREGISTER wakes its address, and
# returns VM_FAULT_RETRY: the arch code faults again. Without
# FAULT_FLAG_ALLOW_RETRY (GUP without FOLL_UNLOCKABLE) it cannot drop the
# lock and returns VM_FAULT_SIGBUS. current->flags & (PF_EXITING |
# PF_DUMPCORE), UFFD_FEATURE_SIGBUS, UFFD_USER_MODE_ONLY and hugetlb are
# not modelled
func handle_userfault(vmf, reason) {
  vma = vmf.vma
  mm = vma.vm_mm
  ret = VM_FAULT_SIGBUS
  if vmf.vma_lock {  # assert_fault_locked(vmf)
    vma_assert_locked(vma)
  } else {
    mmap_assert_locked(mm)
  }
  ctx = vma.vm_userfaultfd_ctx
  if !ctx {
    return ret
  }
  VM_WARN_ON_ONCE(ctx.mm != mm)
  # "Check that we can return VM_FAULT_RETRY."
  if !vmf.allow_retry {
    # VM_WARN_ON_ONCE(vmf->flags & FAULT_FLAG_RETRY_NOWAIT): mmscript's
    # faults never set it; CONFIG_DEBUG_VM: pr_warn("FAULT_FLAG_ALLOW_RETRY
    # missing %x\n"); dump_stack()
    return ret
  }
  # "Handle nowait, not much to do other than tell it to retry and wait."
  # (FAULT_FLAG_RETRY_NOWAIT returns here without releasing the lock.)
  ret = VM_FAULT_RETRY
  if ctx.released {
    # "If a concurrent release is detected, do not return VM_FAULT_SIGBUS
    # or VM_FAULT_NOPAGE, but instead always return VM_FAULT_RETRY with
    # lock released proactively."
    release_fault_lock(vmf)
    return ret
  }
  # take the reference before dropping the mmap_lock
  handle_userfault_queue(ctx, vmf, reason)
  must_wait = userfaultfd_must_wait(ctx, vmf, reason)
  release_fault_lock(vmf)
  if must_wait && !ctx.released {
    handle_userfault_schedule(ctx)  # wake_up_poll(&ctx->fd_wqh, EPOLLIN); schedule()
  }
  handle_userfault_dequeue(ctx)
  return ret
}

# fs/userfaultfd.c: userfaultfd_ioctl(UFFDIO_WAKE) -> userfaultfd_wake()
func userfaultfd_wake(ctx, start, len) {
  ret = validate_range(ctx.mm, start, len)
  if ret != 0 {
    return ret
  }
  # "len == 0 means wake all and we don't want to wake all here, so check
  # it again to be sure."
  VM_WARN_ON_ONCE(len == 0)
  wake_userfault(ctx, start, len)
  return 0
}
