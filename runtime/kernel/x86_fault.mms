# The x86 page fault from the access that raises it to handle_mm_fault()
# (arch/x86/mm/fault.c of 2026; arch/x86/lib/copy_user_64.S). mmscript has
# no pt_regs: the mm stands for current->mm, and user_mode(regs) is the
# error code's X86_PF_USER, which the CPU sets for an access from user
# mode (the two differ only for WRUSS, which mmscript does not model).
# `mmscript explain do_user_addr_fault`.
#
# A script that models another kernel overrides do_user_addr_fault with
# the kernel's parameters, (mm, error_code, address), and touch and the
# user copies fault through it; a version with other parameters (v6.1's
# (mm, address), say) is the script's own function, which the script
# calls and the library does not.

# arch/x86/mm/fault.c: do_user_addr_fault(): the fault's vm_fault_t, where
# the kernel, a void function, sends the signal or runs the exception
# fixup: 0 when the access may go on, VM_FAULT_SIGSEGV for a bad area or
# an access error (bad_area_nosemaphore(), bad_area_access_error()), else
# handle_mm_fault()'s VM_FAULT_ERROR bits (do_sigbus(), the OOM killer).
# With page faults disabled (pagefault_disable(), or in_atomic(): a
# spinlock held) it takes no lock and fails the access at once. A
# user-mode fault tries the VMA read lock first; a kernel-mode fault (a
# uaccess from a syscall) goes straight to the mmap lock. After
# VM_FAULT_RETRY the kernel faults again until the fault completes, and
# only a fatal signal ends the loop (fault_signal_pending()); mmscript
# retries three times and then fails the access as that signal would (a
# handler that drops the lock on every try would loop for ever).
func do_user_addr_fault(mm, error_code, address) {
  # "If we're in an interrupt, have no user context or are running in a
  # region with pagefaults disabled then we must not take the fault":
  # faulthandler_disabled() is pagefault_disabled() || in_atomic() (a
  # spinlock held). bad_area_nosemaphore() takes no lock: a kernel-mode
  # access (a uaccess) goes to kernelmode_fixup_or_oops() ->
  # fixup_exception(), which ends the copy with the bytes not copied; a
  # user-mode one gets SIGSEGV (__bad_area_nosemaphore())
  if faulthandler_disabled() || !mm {
    return VM_FAULT_SIGSEGV  # bad_area_nosemaphore()
  }
  flags = "allow_retry"  # FAULT_FLAG_DEFAULT: ALLOW_RETRY | KILLABLE | INTERRUPTIBLE
  if error_code & X86_PF_WRITE != 0 {
    flags = flags | "write"  # FAULT_FLAG_WRITE
  }
  # "We set FAULT_FLAG_USER based on the register state, not based on
  # X86_PF_USER": mmscript's register state is X86_PF_USER. The VMA lock
  # is tried since v6.4 (0bff0aaea03e "x86/mm: try VMA lock-based page
  # fault handling first"); before, only the mmap lock
  if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0) && error_code & X86_PF_USER != 0 {
    vma = lock_vma_under_rcu(mm, address)
    if vma {
      if access_error(error_code, vma) {
        vma_end_read(vma)  # goto lock_mmap
      } else {
        fault = handle_mm_fault(vma, address, flags=flags | "vma_lock", regs=regs)
        if fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED) == 0 {
          vma_end_read(vma)
        }
        if fault & VM_FAULT_RETRY == 0 {
          return fault & VM_FAULT_ERROR  # goto done
        }
        # VM_FAULT_MAJOR (FAULT_FLAG_TRIED) is not modelled
      }
    }
  }
  # lock_mmap: retry:
  tries = 0
  while true {
    if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0) {
      # before 8d7071af8907 ("mm: always expand the stack with the mmap
      # write lock held", v6.5): mmap_read_lock() (after a failed
      # mmap_read_trylock()), find_vma(), and below a VM_GROWSDOWN VMA
      # expand_stack(vma, address) under the read lock; bad_area() drops it
      mmap_read_lock(mm)
      vma = find_vma(mm, address)
      if !vma || vma.vm_start > address && (vma.vm_flags & VM_GROWSDOWN == 0 || expand_stack(vma, address) != 0) {
        mmap_read_unlock(mm)  # bad_area()
        vma = nil
      }
    } else {
      vma = lock_mm_and_find_vma(mm, address)
    }
    if !vma {
      return VM_FAULT_SIGSEGV  # bad_area_nosemaphore()
    }
    # "Ok, we have a good vm_area for this memory access, so we can handle it.."
    if access_error(error_code, vma) {
      mmap_read_unlock(mm)  # bad_area_access_error() -> __bad_area()
      return VM_FAULT_SIGSEGV
    }
    fault = handle_mm_fault(vma, address, flags=flags, regs=regs)
    # "The fault is fully completed (including releasing mmap lock)"
    if fault & VM_FAULT_COMPLETED != 0 {
      return 0
    }
    if fault & VM_FAULT_RETRY == 0 {
      mmap_read_unlock(mm)
      return fault & VM_FAULT_ERROR  # done:
    }
    # "If we need to retry the mmap_lock has already been released"
    flags = flags | "tried"
    tries = tries + 1
    if tries > 3 {
      return VM_FAULT_SIGBUS  # fault_signal_pending(): kernelmode_fixup_or_oops(SIGBUS), or the signal
    }
  }
}

# arch/x86/mm/fault.c: access_error() for the accesses mmscript makes
# (no protection keys, SGX or shadow stacks): a write needs VM_WRITE, a
# read any of VM_READ, VM_WRITE, VM_EXEC (a read of a present page,
# X86_PF_PROT, faults only where mmscript does not go: PROT_NONE PTEs)
func access_error(error_code, vma) {
  if error_code & X86_PF_WRITE != 0 {
    # write, present and write, not present
    return vma.vm_flags & VM_WRITE == 0
  }
  if error_code & X86_PF_PROT != 0 {
    return true  # read, present
  }
  return !vma_is_accessible(vma)  # read, not present
}

# The access of an instruction, user or kernel (a uaccess), to addr:
# through this CPU's TLB or the hardware page walk (cpu_access); a miss
# raises #PF (exc_page_fault() -> handle_page_fault() ->
# do_user_addr_fault()), and after the fault the instruction runs again.
# False when the fault failed: user code gets the signal, a uaccess its
# exception-table fixup. arch/x86/mm/fault.c: exc_page_fault()
func fault_in_access(mm, addr, error_code) {
  while !cpu_access(mm, addr, error_code) {
    if do_user_addr_fault(mm, error_code, addr) != 0 {
      return false
    }
  }
  return true
}

# mmscript's user access: a load (read) or a store (write) to addr by user
# code on this thread's CPU; false when it would get SIGSEGV or SIGBUS
# (arch/x86/mm/fault.c: do_user_addr_fault() with X86_PF_USER)
func touch(mm, addr, access) {
  error_code = X86_PF_USER
  if access == "write" {
    error_code = X86_PF_USER | X86_PF_WRITE
  }
  return fault_in_access(mm, addr, error_code)
}

# arch/x86/include/asm/uaccess_64.h: raw_copy_to_user() ->
# copy_user_generic(): the bytes not copied; a store that faults without
# a fix goes to the exception table, which ends the copy
# (arch/x86/mm/fault.c: do_user_addr_fault() without X86_PF_USER)
func raw_copy_to_user(mm, addr, n) {
  return copy_user_generic(mm, addr, n, X86_PF_WRITE)
}

# arch/x86/include/asm/uaccess_64.h: raw_copy_from_user() ->
# copy_user_generic(); a fault: arch/x86/mm/fault.c: do_user_addr_fault()
func raw_copy_from_user(mm, addr, n) {
  return copy_user_generic(mm, addr, n, 0)
}

# arch/x86/include/asm/uaccess_64.h: copy_user_generic() (rep movsb, or
# arch/x86/lib/copy_user_64.S: rep_movs_alternative), page by page: the
# bytes left when an access faults for good. A range that wraps or is
# larger than mmscript copies fails whole, as access_ok() fails it. A
# fault: arch/x86/mm/fault.c: exc_page_fault()
func copy_user_generic(mm, addr, n, error_code) {
  if n <= 0 {
    return 0
  }
  if n > 16777216 || addr + n < addr {
    return n
  }
  left = n
  a = addr / PAGE_SIZE * PAGE_SIZE
  while a < addr + n {
    if !fault_in_access(mm, a, error_code) {
      return left
    }
    left = left - (min(a + PAGE_SIZE, addr + n) - max(a, addr))
    a = a + PAGE_SIZE
  }
  return left
}
