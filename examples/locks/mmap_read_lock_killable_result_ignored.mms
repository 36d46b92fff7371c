# Q: May I call mmap_read_lock_killable() and go on without testing what
#    it returned?
# A: No. It returns -EINTR when a fatal signal ends the wait
#    (down_read_killable()), and then the caller holds nothing: its lookup
#    runs under no lock and its mmap_read_unlock() releases a lock it never
#    took. arch/x86/kernel/shstk.c: shstk_pop_sigframe() did just that
#    ("if (need_to_check_vma) mmap_read_lock_killable(current->mm);"),
#    fixed by 52f657e34d7b ("x86: shadow stacks: proper error handling for
#    mmap lock", 2026), which also made mmap_read_lock_killable(),
#    mmap_write_lock_killable() and mmap_read_trylock() __must_check
#    (include/linux/mmap_lock.h): the compiler now warns where the result
#    is discarded ("ignoring return value ... declared with attribute
#    'warn_unused_result'"), an error with CONFIG_WERROR. Linux 6.18 has
#    no __must_check there (`-kernel 6.18`: no finding; the fix reached the
#    6.6 and 6.12 stable series). mmscript sends no fatal signals, so the
#    lock is always taken here: the finding is the build's. The correct
#    use is locks/mmap_read_lock_killable_tested.mms.

mm m
mmap(m, 0x100000, pages=2, prot=rw)

thread sigreturn {  # shstk_pop_sigframe() before 52f657e34d7b
  mmap_read_lock_killable(m)
  vma vma = find_vma(m, 0x100000)
  if vma {
    shstk = vma.vm_flags & VM_WRITE  # if (!vma || !(vma->vm_flags & VM_SHADOW_STACK))
  }
  mmap_read_unlock(m)
}

expect violation "mmap_read_lock_killable/result-unused" at 23
