# Q: My driver must not let user space make its pages executable. May its
#    ->mprotect clear the bits it does not allow?
# A: No: ->mprotect only says yes or no. do_mprotect_pkey() (mm/mprotect.c)
#    calls it under the mmap write lock with the flags it computed, then
#    mprotect_fixup() applies exactly those: include/linux/mm.h, "The VMA
#    must not be modified. Returns 0 if mprotect() can proceed." A hook
#    that writes vm_flags has its change overwritten (or split into the
#    wrong piece), and nothing in the kernel checks it. Return -EACCES
#    instead (mprotect_hook-fixed.mms), as SGX's sgx_vma_mprotect() does.
#    Rule book 2.27.

mm m
file dev

ops drv {
  mprotect(vma, start, end, newflags) {
    if newflags & VM_EXEC != 0 {
      vm_flags_clear(vma, VM_MAYEXEC)  # wrong: the hook must not modify the VMA
    }
    return 0
  }
  fault(vmf) {
    page p = alloc_page()
    return p
  }
}

mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=dev, ops=drv)

thread user {
  mprotect(m, 0x100000, 0x4000, PROT_READ | PROT_EXEC)
}

expect violation "vm_ops/hook-modifies-vma" at 20
