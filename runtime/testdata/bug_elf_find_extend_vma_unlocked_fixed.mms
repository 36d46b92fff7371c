# The fixed form of bug_elf_find_extend_vma_unlocked.mms (b2767d97f5ff,
# v5.10-rc1), as create_elf_tables() reads since v6.5 ("execve: expand new
# process stack manually ahead of time" made it the write lock, which
# stack expansion needs since StackRot): mmap_write_lock_killable(),
# find_extend_vma_locked(), mmap_write_unlock().
mm m
vma stack = mmap(m, 0x7ff000, pages=1, prot=rw, flags=private | growsdown)

# fs/binfmt_elf.c (2026): create_elf_tables(), "Grow the stack manually;
# some architectures have a limit on how far ahead a user-space access
# may be in order to grow the stack."
func create_elf_tables(mm, p) {
  if mmap_write_lock_killable(mm) != 0 {
    return -EINTR
  }
  vma = find_extend_vma_locked(mm, p)
  mmap_write_unlock(mm)
  if !vma {
    return -EFAULT
  }
  return 0
}

thread exec {  # load_elf_binary() after setup_new_exec()
  create_elf_tables(m, 0x7fe000)
}

thread remote {  # process_madvise(pidfd, ...) of the new mm
  madvise(m, 0x7ff000, PAGE_SIZE, MADV_DONTFORK)
}

expect ok
