# Rust Binder's VMA identity (2026; reported by Jann Horn): Rust Binder keeps
# the start address of its mapping and, to install a page, takes the mmap
# read lock, does vma_lookup(vma_addr) and vm_insert_page(). Correctly
# locked, yet user space may have unmapped the Binder VMA and mapped its own
# (writable, VM_MIXEDMAP) at the same address: Binder then installs its
# read-only pages into the user's mapping. Fixed by "rust_binder: check
# ownership before using vma" (Alice Ryhl, February 2026; Fixes:
# eafedbc7c050 "rust_binder: add Rust Binder driver"): check_vma() compares
# vm_ops and vm_private_data after the lookup (see
# rust-binder-vma-identity-fixed.mms and examples/binder_vma_identity.mms).
# Affected: Linux 6.18 (Rust Binder's first release) until the fix.
# Rule: vma/identity-unchecked, under exploration at the install.

mm m
file binder
file other

ops binder_ops {
  fault(vmf) { return VM_FAULT_SIGBUS }
}

vma v = mmap(m, 0x100000, pages=4, prot=r, flags=shared, file=binder, vm=mixedmap, ops=binder_ops)
vma_addr = v.vm_start  # register_with_vma(): inner.vma_addr = vma.start()

thread user {
  munmap(m, vma_addr, pages=4)
  mmap(m, vma_addr, pages=4, prot=rw, flags=shared, file=other, vm=mixedmap)
}

thread binder {  # ShrinkablePageRange::use_page_slow()
  repeat 12 { msleep(1) }  # in the default schedule the user goes first
  page p = alloc_page()
  mmap_read_lock(m)
  vma x = vma_lookup(m, vma_addr)
  if x {
    vm_insert_page(x, vma_addr, p)
  }
  mmap_read_unlock(m)
  put_page(p)
}

expect violation "vma/identity-unchecked" at 36
