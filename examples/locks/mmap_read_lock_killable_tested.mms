# Q: How does a caller use mmap_read_lock_killable()?
# A: It tests the result and returns when a fatal signal ended the wait:
#    arch/x86/kernel/shstk.c: shstk_pop_sigframe() after 52f657e34d7b
#    ("if (mmap_read_lock_killable(current->mm)) return -EINTR;"). The
#    result is __must_check since that commit
#    (include/linux/mmap_lock.h). The incorrect use is
#    locks/mmap_read_lock_killable_result_ignored.mms.

mm m
mmap(m, 0x100000, pages=2, prot=rw)

func shstk_pop_sigframe(mm, ssp) {
  if mmap_read_lock_killable(mm) != 0 {
    return -EINTR
  }
  vma = find_vma(mm, ssp)
  err = 0
  if !vma || vma.vm_flags & VM_WRITE == 0 {  # !(vma->vm_flags & VM_SHADOW_STACK)
    err = -EFAULT
  }
  mmap_read_unlock(mm)
  return err
}

thread sigreturn {
  assert shstk_pop_sigframe(m, 0x100000) == 0
}

expect ok
