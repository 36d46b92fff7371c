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

# fs/userfaultfd.c: userfaultfd_ioctl(UFFDIO_COPY) -> userfaultfd_copy():
# 0 when all of len was copied, -EAGAIN for a short copy, else -errno
# (the kernel also stores the bytes copied in uffdio_copy.copy)
func userfaultfd_copy(ctx, dst, src, len, mode) {
  if ctx.mmap_changing != 0 {
    return -EAGAIN
  }
  ret = validate_unaligned_range(ctx.mm, src, len)
  if ret != 0 {
    return ret
  }
  ret = validate_range(ctx.mm, dst, len)
  if ret != 0 {
    return ret
  }
  if mode & ~(UFFDIO_COPY_MODE_DONTWAKE | UFFDIO_COPY_MODE_WP) != 0 {
    return -EINVAL
  }
  flags = 0
  if mode & UFFDIO_COPY_MODE_WP != 0 {
    flags = flags | MFILL_ATOMIC_WP
  }
  if !mmget_not_zero(ctx.mm) {
    return -ESRCH
  }
  ret = mfill_atomic_copy(ctx, dst, src, len, flags)
  mmput(ctx.mm)
  if ret < 0 {
    return ret
  }
  VM_WARN_ON_ONCE(ret == 0)
  # len == 0 would wake all
  if mode & UFFDIO_COPY_MODE_DONTWAKE == 0 {
    wake_userfault(ctx, dst, ret)
  }
  if ret == len {
    return 0
  }
  return -EAGAIN
}

# fs/userfaultfd.c: userfaultfd_ioctl(UFFDIO_ZEROPAGE) -> userfaultfd_zeropage()
func userfaultfd_zeropage(ctx, start, len, mode) {
  if ctx.mmap_changing != 0 {
    return -EAGAIN
  }
  ret = validate_range(ctx.mm, start, len)
  if ret != 0 {
    return ret
  }
  if mode & ~UFFDIO_ZEROPAGE_MODE_DONTWAKE != 0 {
    return -EINVAL
  }
  if !mmget_not_zero(ctx.mm) {
    return -ESRCH
  }
  ret = mfill_atomic_zeropage(ctx, start, len)
  mmput(ctx.mm)
  if ret < 0 {
    return ret
  }
  VM_WARN_ON_ONCE(ret == 0)
  if mode & UFFDIO_ZEROPAGE_MODE_DONTWAKE == 0 {
    wake_userfault(ctx, start, ret)
  }
  if ret == len {
    return 0
  }
  return -EAGAIN
}

# mm/userfaultfd.c: mfill_atomic_copy()
func mfill_atomic_copy(ctx, dst_start, src_start, len, flags) {
  return mfill_atomic(ctx, dst_start, src_start, len, (flags & ~MFILL_ATOMIC_MODE_MASK) | MFILL_ATOMIC_COPY)
}

# mm/userfaultfd.c: mfill_atomic_zeropage()
func mfill_atomic_zeropage(ctx, start, len) {
  return mfill_atomic(ctx, start, 0, len, MFILL_ATOMIC_ZEROPAGE)
}

# mm/userfaultfd.c: mfill_atomic(), as the linux-mm tree of 2026 writes it
# with struct mfill_state (mainline's mfill_atomic() is the same locking
# in one function: uffd_mfill_lock(), down_read(&ctx->map_changing_lock),
# the pages, and for a copy that faults the -ENOENT path that drops both
# locks, copies and retries). mfill_atomic_hugetlb() is not modelled. The
# bytes filled, or -errno when none was
func mfill_atomic(ctx, dst_start, src_start, len, flags) {
  state = mfill_state_init(ctx, dst_start, src_start, len, flags)
  copied = 0
  # Sanitize the command parameters:
  VM_WARN_ON_ONCE(dst_start % PAGE_SIZE != 0)
  VM_WARN_ON_ONCE(len % PAGE_SIZE != 0)
  # Does the address range wrap, or is the span zero-sized?
  VM_WARN_ON_ONCE(src_start + len <= src_start && src_start != 0)
  VM_WARN_ON_ONCE(dst_start + len <= dst_start)
  err = mfill_get_vma(state)  # retry:
  if err == 0 {
    while state.src_addr < src_start + len {
      VM_WARN_ON_ONCE(state.dst_addr >= dst_start + len)
      err = mfill_get_pmd(state)
      if err != 0 {
        break
      }
      # "For shmem mappings, khugepaged is allowed to remove page tables
      # under us; pte_offset_map_lock() will deal with that."
      err = mfill_atomic_pte(state)
      cond_resched()
      # err == -ENOENT is shmem's (shmem_mfill_atomic_pte(): the copy
      # outside the locks, goto retry); anonymous memory retries in
      # mfill_copy_folio_retry()
      VM_WARN_ON_ONCE(state.folio)
      if err == 0 {
        state.dst_addr = state.dst_addr + PAGE_SIZE
        state.src_addr = state.src_addr + PAGE_SIZE
        copied = copied + PAGE_SIZE
        # fatal_signal_pending(current): mmscript sends no signals
      }
      if err != 0 {
        break
      }
    }
    mfill_put_vma(state)
  }
  # out:
  VM_WARN_ON_ONCE(copied < 0)
  VM_WARN_ON_ONCE(err > 0)
  VM_WARN_ON_ONCE(copied == 0 && err == 0)
  if copied != 0 {
    return copied
  }
  return err
}

# mm/userfaultfd.c: mfill_get_vma(): the destination VMA locked and checked,
# map_changing_lock held for read; state.vma set (the linux-mm text of
# early 2026 set it only at the end, so that its out_unlock, whose
# mfill_put_vma() tests state->vma, returned -EAGAIN with both locks still
# held; the series' later text sets it right after down_read())
func mfill_get_vma(state) {
  ctx = state.ctx
  flags = state.flags
  # Make sure the vma is not shared, that the dst range is both valid and
  # fully within a single existing vma.
  dst_vma = uffd_mfill_lock(ctx.mm, state.dst_start, state.len)
  if !dst_vma {
    return PTR_ERR(dst_vma)
  }
  # "If memory mappings are changing because of non-cooperative operation
  # (e.g. mremap) running in parallel, bail out and request the user to
  # retry later"
  down_read(ctx.map_changing_lock)
  state.vma = dst_vma
  if ctx.mmap_changing != 0 {
    mfill_put_vma(state)  # out_unlock:
    return -EAGAIN
  }
  # "shmem_zero_setup is invoked in mmap for MAP_ANONYMOUS|MAP_SHARED but it
  # will overwrite vm_ops, so vma_is_anonymous must return false."
  if WARN_ON_ONCE(vma_is_anonymous(dst_vma) && dst_vma.vm_flags & VM_SHARED != 0) {
    mfill_put_vma(state)
    return -EINVAL
  }
  # "validate 'mode' now that we know the dst_vma: don't allow a wrprotect
  # copy if the userfaultfd didn't register as WP."
  if flags & MFILL_ATOMIC_WP != 0 && dst_vma.vm_flags & VM_UFFD_WP == 0 {
    mfill_put_vma(state)
    return -EINVAL
  }
  # vma_uffd_ops(): anonymous memory only (shmem, hugetlb not modelled);
  # MFILL_ATOMIC_CONTINUE needs ops->get_folio_noalloc, which it lacks
  if !vma_is_anonymous(dst_vma) || flags & MFILL_ATOMIC_MODE_MASK == MFILL_ATOMIC_CONTINUE {
    mfill_put_vma(state)
    return -EINVAL
  }
  return 0  # out:
}

# mm/userfaultfd.c: mfill_put_vma()
func mfill_put_vma(state) {
  if !state.vma {
    return
  }
  up_read(state.ctx.map_changing_lock)
  uffd_mfill_unlock(state.vma)
  state.vma = nil
}

# mm/userfaultfd.c: uffd_mfill_lock() (CONFIG_PER_VMA_LOCK): the VMA
# read-locked and checked, or nil for ERR_PTR(-ENOENT, -ENOMEM, -EAGAIN)
func uffd_mfill_lock(dst_mm, dst_start, len) {
  dst_vma = uffd_lock_vma(dst_mm, dst_start)
  if !dst_vma || validate_dst_vma(dst_vma, dst_start + len) {
    return dst_vma
  }
  vma_end_read(dst_vma)
  return ERR_PTR(-ENOENT)
}

# mm/userfaultfd.c: uffd_mfill_unlock()
func uffd_mfill_unlock(vma) {
  vma_end_read(vma)
}

# mm/userfaultfd.c: uffd_lock_vma(): "Should be called without holding
# mmap_lock." The VMA containing address read-locked, through
# lock_vma_under_rcu() or under the mmap read lock, with an anon_vma
func uffd_lock_vma(mm, address) {
  vma = lock_vma_under_rcu(mm, address)
  if vma {
    # "We know we're going to need to use anon_vma, so check that early."
    if vma.vm_flags & VM_SHARED == 0 && !vma.anon_vma {
      vma_end_read(vma)
    } else {
      return vma
    }
  }
  mmap_read_lock(mm)
  vma = find_vma_and_prepare_anon(mm, address)
  if vma {
    if !vma_start_read_locked(vma) {
      vma = ERR_PTR(-EAGAIN)
    }
  }
  mmap_read_unlock(mm)
  return vma
}

# mm/userfaultfd.c: find_vma_and_prepare_anon()
func find_vma_and_prepare_anon(mm, addr) {
  mmap_assert_locked(mm)
  vma = vma_lookup(mm, addr)
  if !vma {
    return ERR_PTR(-ENOENT)
  }
  if vma.vm_flags & VM_SHARED == 0 && anon_vma_prepare(vma) != 0 {
    return ERR_PTR(-ENOMEM)
  }
  return vma
}

# mm/userfaultfd.c: validate_dst_vma()
func validate_dst_vma(dst_vma, dst_end) {
  # Make sure that the dst range is fully within dst_vma.
  if dst_end > dst_vma.vm_end {
    return false
  }
  # "Check the vma is registered in uffd, this is required to enforce the
  # VM_MAYWRITE check done at uffd registration time."
  return dst_vma.vm_userfaultfd_ctx != nil
}

# mm/userfaultfd.c: mfill_get_pmd() (mm_alloc_pmd(), __pte_alloc())
func mfill_get_pmd(state) {
  dst_mm = state.ctx.mm
  if !pte_alloc(dst_mm, state.dst_addr) {
    return -ENOMEM
  }
  # "If the dst_pmd is THP don't override it and just be strict."
  if pmd_trans_huge(pmdp_get_lockless(dst_mm, state.dst_addr)) {
    return -EEXIST
  }
  return 0
}

# mm/userfaultfd.c: mfill_atomic_pte() (CONTINUE and POISON not modelled)
func mfill_atomic_pte(state) {
  mode = state.flags & MFILL_ATOMIC_MODE_MASK
  if mode == MFILL_ATOMIC_COPY {
    return __mfill_atomic_pte(state)  # mfill_atomic_pte_copy(): anon_uffd_ops
  }
  if mode == MFILL_ATOMIC_ZEROPAGE {
    return mfill_atomic_pte_zeropage(state)
  }
  return -EOPNOTSUPP
}

# mm/userfaultfd.c: __mfill_atomic_pte() with anon_uffd_ops
func __mfill_atomic_pte(state) {
  folio = alloc_page()  # ops->alloc_folio(): anon_alloc_folio(): vma_alloc_folio(), mem_cgroup_charge()
  if !folio {
    return -ENOMEM
  }
  if state.flags & MFILL_ATOMIC_MODE_MASK == MFILL_ATOMIC_COPY {
    ret = mfill_copy_folio_locked(folio, state.src_addr)
    # "Fallback to copy_from_user outside mmap_lock. If retry is
    # successful, mfill_copy_folio_locked() returns with locks retaken by
    # mfill_get_vma()."
    if ret != 0 {
      ret = mfill_copy_folio_retry(state, folio)
      if ret != 0 {
        folio_put(folio)  # err_folio_put:
        if ret == -ENOENT {
          ret = -EFAULT  # "Don't return -ENOENT so that our caller won't retry"
        }
        return ret
      }
    }
  }
  # clear_user_highpage() for MFILL_ATOMIC_ZEROPAGE; __folio_mark_uptodate();
  # no ops->filemap_add for anonymous memory
  ret = mfill_atomic_install_pte(state.vma, state.dst_addr, folio, state.flags)
  if ret != 0 {
    folio_put(folio)
    if ret == -ENOENT {
      ret = -EFAULT
    }
  }
  return ret
}

# mm/userfaultfd.c: mfill_copy_folio_locked(): "The read mmap_lock is held
# here. Despite the mmap_lock being read recursive a deadlock is still
# possible if a writer has taken a lock. ... Disable page faults to prevent
# potential deadlock and retry the copy outside the mmap_lock." The source
# is in the caller's mm (current->mm)
func mfill_copy_folio_locked(folio, src_addr) {
  pagefault_disable()
  ret = copy_from_user(current_mm(), src_addr, PAGE_SIZE)
  pagefault_enable()
  if ret != 0 {
    return -EFAULT
  }
  return 0  # flush_dcache_folio(folio)
}

# mm/userfaultfd.c: mfill_copy_folio_retry(): the copy with page faults
# enabled, outside the VMA lock and map_changing_lock, then both retaken
# ("reget VMA and PMD, they could change underneath us")
func mfill_copy_folio_retry(state, folio) {
  src_addr = state.src_addr
  # retry copying with mm_lock dropped
  mfill_put_vma(state)
  if copy_from_user(current_mm(), src_addr, PAGE_SIZE) != 0 {
    return -EFAULT
  }
  err = mfill_get_vma(state)
  if err != 0 {
    return err
  }
  return mfill_get_pmd(state)
}

# mm/userfaultfd.c: mfill_atomic_pte_zeropage() (mm_forbids_zeropage() is
# false on x86; a VM_SHARED VMA's zeroed folio is shmem's)
func mfill_atomic_pte_zeropage(state) {
  return mfill_zeropage_pte_locked(state.vma, state.dst_addr)
}

# fs/userfaultfd.c: userfaultfd_ioctl(UFFDIO_MOVE) -> userfaultfd_move():
# 0 when all of len moved, -EAGAIN for a short move, else -errno
func userfaultfd_move(ctx, dst, src, len, mode) {
  mm = ctx.mm
  if ctx.mmap_changing != 0 {
    return -EAGAIN
  }
  # Do not allow cross-mm moves.
  if mm != current_mm() {
    return -EINVAL
  }
  ret = validate_range(mm, dst, len)
  if ret != 0 {
    return ret
  }
  ret = validate_range(mm, src, len)
  if ret != 0 {
    return ret
  }
  if mode & ~(UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES | UFFDIO_MOVE_MODE_DONTWAKE) != 0 {
    return -EINVAL
  }
  if !mmget_not_zero(mm) {
    return -ESRCH
  }
  ret = move_pages(ctx, dst, src, len, mode)
  mmput(mm)
  if ret < 0 {
    return ret
  }
  # len == 0 would wake all
  VM_WARN_ON(ret == 0)
  if mode & UFFDIO_MOVE_MODE_DONTWAKE == 0 {
    wake_userfault(ctx, dst, ret)
  }
  if ret == len {
    return 0
  }
  return -EAGAIN
}

# mm/userfaultfd.c: move_pages(), with uffd_move_lock() and
# find_vmas_mm_locked() written in (they return both VMAs through
# pointers): "It will either use the mmap_lock in read mode or per-vma
# locks". Huge PMDs (move_pages_huge_pmd()) are not modelled: a huge
# source PMD is split (split_huge_pmd()) and moved page by page. The
# bytes moved, or -errno when none was
func move_pages(ctx, dst_start, src_start, len, mode) {
  mm = ctx.mm
  moved = 0
  # Sanitize the command parameters.
  VM_WARN_ON_ONCE(src_start % PAGE_SIZE != 0)
  VM_WARN_ON_ONCE(dst_start % PAGE_SIZE != 0)
  VM_WARN_ON_ONCE(len % PAGE_SIZE != 0)
  # uffd_move_lock(mm, dst_start, src_start, &dst_vma, &src_vma)
  dst_vma = uffd_lock_vma(mm, dst_start)
  if !dst_vma {
    return PTR_ERR(dst_vma)
  }
  # "Skip finding src_vma if src_start is in dst_vma. This also ensures
  # that we don't lock the same vma twice."
  src_vma = dst_vma
  if src_start < dst_vma.vm_start || src_start >= dst_vma.vm_end {
    # "Using uffd_lock_vma() to get src_vma can lead to following
    # deadlock": vma_start_read(dst_vma); vma_start_write(src_vma) by a
    # writer; vma_start_read(src_vma) fails, mmap_read_lock(mm) waits for
    # the writer, whose vma_start_write(dst_vma) waits for us
    src_vma = lock_vma_under_rcu(mm, src_start)
    if !src_vma {
      # Undo any locking and retry in mmap_lock critical section
      vma_end_read(dst_vma)
      mmap_read_lock(mm)
      err = 0
      # find_vmas_mm_locked()
      dst_vma = find_vma_and_prepare_anon(mm, dst_start)
      if !dst_vma {
        err = PTR_ERR(dst_vma)
      } else {
        src_vma = dst_vma
        if src_start < dst_vma.vm_start || src_start >= dst_vma.vm_end {
          src_vma = vma_lookup(mm, src_start)
          if !src_vma {
            err = -ENOENT
          }
        }
      }
      if err == 0 {
        err = uffd_move_lock_vmas(dst_vma, src_vma)
      }
      mmap_read_unlock(mm)  # out:
      if err != 0 {
        return err
      }
    }
  }
  # Re-check after taking map_changing_lock
  down_read(ctx.map_changing_lock)
  err = move_pages_checked(ctx, dst_vma, src_vma, dst_start, src_start, len, mode)
  up_read(ctx.map_changing_lock)  # out_unlock:
  uffd_move_unlock(dst_vma, src_vma)
  return err
}

# mm/userfaultfd.c: uffd_move_lock(): both VMAs read-locked under the mmap
# read lock, the second as a lockdep subclass of its own (30af24facf0a
# "userfaultfd: fix deadlock warning when locking src and dst VMAs");
# -EAGAIN when one was detached
func uffd_move_lock_vmas(dst_vma, src_vma) {
  if !vma_start_read_locked(dst_vma) {
    return -EAGAIN
  }
  # Nothing further to do if both vmas are locked.
  if dst_vma == src_vma {
    return 0
  }
  if !vma_start_read_locked_nested(src_vma, SINGLE_DEPTH_NESTING) {
    # Undo dst_vmap locking if src_vmap failed to lock
    vma_end_read(dst_vma)
    return -EAGAIN
  }
  return 0
}

# mm/userfaultfd.c: uffd_move_unlock()
func uffd_move_unlock(dst_vma, src_vma) {
  vma_end_read(src_vma)
  if src_vma != dst_vma {
    vma_end_read(dst_vma)
  }
}

# mm/userfaultfd.c: move_pages() between down_read(&ctx->map_changing_lock)
# and out_unlock: the checks, then the pages one by one
func move_pages_checked(ctx, dst_vma, src_vma, dst_start, src_start, len, mode) {
  mm = ctx.mm
  if ctx.mmap_changing != 0 {
    return -EAGAIN
  }
  # "Make sure the vma is not shared, that the src and dst remap ranges
  # are both valid and fully within a single existing vma."
  if src_vma.vm_flags & VM_SHARED != 0 || src_start + len > src_vma.vm_end {
    return -EINVAL
  }
  if dst_vma.vm_flags & VM_SHARED != 0 || dst_start + len > dst_vma.vm_end {
    return -EINVAL
  }
  err = validate_move_areas(ctx, src_vma, dst_vma)
  if err != 0 {
    return err
  }
  moved = 0
  src_addr = src_start
  dst_addr = dst_start
  while src_addr < src_start + len {
    # mm_find_pmd(), mm_alloc_pmd(), __pte_alloc()
    if pmd_none(pmdp_get_lockless(mm, src_addr)) {
      if mode & UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES == 0 {
        err = -ENOENT
        break
      }
      if !pte_alloc(mm, src_addr) {
        err = -ENOMEM
        break
      }
    }
    if pmd_trans_huge(pmdp_get_lockless(mm, dst_addr)) {
      err = -EEXIST
      break
    }
    if pmd_trans_huge(pmdp_get_lockless(mm, src_addr)) {
      split_huge_pmd(src_vma, src_addr)  # move_pages_huge_pmd() is not modelled
      continue
    }
    if !pte_alloc(mm, dst_addr) {
      err = -ENOMEM
      break
    }
    ret = move_pages_pte(dst_vma, src_vma, dst_addr, src_addr, mode)  # move_pages_ptes(), one page
    cond_resched()
    if ret == -EAGAIN {
      continue
    }
    if ret < 0 {
      err = ret
      break
    }
    # Proceed to the next page
    dst_addr = dst_addr + ret
    src_addr = src_addr + ret
    moved = moved + ret
  }
  VM_WARN_ON_ONCE(moved < 0)
  VM_WARN_ON_ONCE(err > 0)
  VM_WARN_ON_ONCE(moved == 0 && err == 0)
  if moved != 0 {
    return moved
  }
  return err
}

# mm/userfaultfd.c: validate_move_areas() and vma_move_compatible()
func validate_move_areas(ctx, src_vma, dst_vma) {
  # Only allow moving if both have the same access and protection
  if src_vma.vm_flags & VM_ACCESS_FLAGS != dst_vma.vm_flags & VM_ACCESS_FLAGS || src_vma.vm_page_prot != dst_vma.vm_page_prot {
    return -EINVAL
  }
  # Only allow moving if both are mlocked or both aren't
  if src_vma.vm_flags & VM_LOCKED != dst_vma.vm_flags & VM_LOCKED {
    return -EINVAL
  }
  # "For now, we keep it simple and only move between writable VMAs."
  if src_vma.vm_flags & VM_WRITE == 0 {
    return -EINVAL
  }
  # Check if vma flags indicate content which can be moved
  if src_vma.vm_flags & (VM_PFNMAP | VM_IO | VM_HUGETLB | VM_MIXEDMAP) != 0 || dst_vma.vm_flags & (VM_PFNMAP | VM_IO | VM_HUGETLB | VM_MIXEDMAP) != 0 {
    return -EINVAL
  }
  # Ensure dst_vma is registered in uffd we are operating on
  if !dst_vma.vm_userfaultfd_ctx || dst_vma.vm_userfaultfd_ctx != ctx {
    return -EINVAL
  }
  # Only allow moving across anonymous vmas
  if !vma_is_anonymous(src_vma) || !vma_is_anonymous(dst_vma) {
    return -EINVAL
  }
  return 0
}
