# mincore(2) as mm/mincore.c runs it (linux-mm@0a904ba0df42), one
# statement a step: do_mincore() under the mmap read lock, at most
# PAGE_SIZE pages at a time into a kernel buffer, and the copy_to_user()
# of that buffer to vec after the lock is dropped: the copy may fault,
# and a fault takes the mmap lock. The residency bytes themselves are not
# modelled (the walk runs under its locks and reads the entries);
# access_ok() is the range check against TASK_SIZE.

# mm/mincore.c: SYSCALL_DEFINE3(mincore)
func mincore(mm, start, len, vec) {
  # Check the start address: needs to be page-aligned..
  if start % PAGE_SIZE != 0 {
    return -EINVAL
  }
  # ..and we need to be passed a valid user-space range
  if len < 0 || start + len > mm.task_size {  # access_ok(start, len)
    return -ENOMEM
  }
  # This also avoids any overflows on PAGE_ALIGN
  pages = len / PAGE_SIZE
  if len % PAGE_SIZE != 0 {
    pages = pages + 1
  }
  if vec < 0 || vec + pages > mm.task_size {  # access_ok(vec, pages)
    return -EFAULT
  }
  retval = 0
  while pages > 0 {
    # Do at most PAGE_SIZE entries per iteration, due to the temporary
    # buffer size.
    mmap_read_lock(mm)
    retval = do_mincore(mm, start, min(pages, PAGE_SIZE))
    mmap_read_unlock(mm)
    if retval <= 0 {
      break
    }
    if copy_to_user(mm, vec, retval) != 0 {
      retval = -EFAULT
      break
    }
    pages = pages - retval
    vec = vec + retval
    start = start + retval * PAGE_SIZE
    retval = 0
  }
  return retval
}

# mm/mincore.c: do_mincore(): "We've already checked all the arguments, we
# hold the mmap semaphore: we should just return the amount of info we're
# asked for."
func do_mincore(mm, addr, pages) {
  vma = vma_lookup(mm, addr)
  if !vma {
    return -ENOMEM
  }
  end = min(vma.vm_end, addr + pages * PAGE_SIZE)
  # can_do_mincore(): the file permission check is not modelled (an
  # anonymous VMA, or the caller's own file)
  err = walk_page_range_vma(vma, addr, end, nil, rdlock)  # mincore_walk_ops: mincore_pte_range() under each PMD's or PTE table's lock
  if err < 0 {
    return err
  }
  return (end - addr) / PAGE_SIZE
}
