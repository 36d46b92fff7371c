# The fixed form of bug_expand_downwards_no_vma_lock.mms (c5d5546ea065,
# v6.5-rc1): expand_downwards() calls vma_start_write() before it changes
# vm_start and vm_pgoff, waiting for the faults that hold the VMA's read
# lock and keeping new ones out until the mmap lock is released. This is
# the kernel library's expand_downwards(), unchanged.

mm m
mmap(m, 0x7ff000, pages=1, prot=rw, flags=private | growsdown)
touch(m, 0x7ff000, write)  # the stack has its anon_vma and a page

thread grower {  # a push below the stack: arch/x86/mm/fault.c do_user_addr_fault()
  # after lock_vma_under_rcu() found no VMA (mmscript's touch() does not
  # grow stacks: its fallback is find_vma, so the fault path is written out)
  vma = lock_mm_and_find_vma(m, 0x7fe000)
  if vma {
    fault = handle_mm_fault(vma, 0x7fe000, flags=write)
    mmap_read_unlock(m)
  }
}

thread user {  # another thread's fault inside the stack, under the VMA lock
  touch(m, 0x7ff000, write)
}

expect ok
