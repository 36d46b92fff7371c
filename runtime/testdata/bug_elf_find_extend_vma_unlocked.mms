# create_elf_tables() looked up and grew the new stack with
# find_extend_vma() without the mmap lock (fix b2767d97f5ff "binfmt_elf:
# take the mmap lock around find_extend_vma()", Jann Horn, v5.10-rc1,
# stable 5.8/5.9): "create_elf_tables() runs after setup_new_exec(), so
# other tasks can already access our new mm and do things like
# process_madvise() on it".
#
# Kernel functions: create_elf_tables() (fs/binfmt_elf.c, v5.9) calling
# find_extend_vma() (today find_extend_vma_locked(), library
# kernel/stack.mms: find_vma, expand_stack_locked); on the other thread a
# remote madvise (process_madvise() -> do_madvise() on the new mm). What
# goes wrong: the VMA tree is walked and the stack VMA grown (vm_start,
# vm_pgoff, the tree) while another task holds the mmap lock of the same
# mm and changes or reads its VMAs.
mm m
vma stack = mmap(m, 0x7ff000, pages=1, prot=rw, flags=private | growsdown)

# fs/binfmt_elf.c (v5.9): create_elf_tables(), "Grow the stack manually;
# some architectures have a limit on how far ahead a user-space access
# may be in order to grow the stack."
func create_elf_tables(mm, p) {
  vma = find_extend_vma_locked(mm, p)  # vma = find_extend_vma(current->mm, bprm->p)
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

expect violation "find_vma/needs-mmap-lock" at 22
expect violation "mmap_assert_write_locked/not-held" at 22
expect violation "anon_vma_prepare/needs-mmap-lock" at 22
expect violation "vma_start_write/needs-mmap-write" at 22
expect violation "vma/tree-store-needs-mmap-write" at 22
