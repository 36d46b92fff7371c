# Rust Binder's VMA identity (2026), the fix: "rust_binder: check ownership
# before using vma" (Alice Ryhl, February 2026). register_with_vma() sets
# vm_ops to BINDER_VM_OPS and vm_private_data to the page range;
# check_vma() refuses a VMA found by vma_lookup() whose vm_ops or
# vm_private_data differ, before vm_insert_page() and before the shrinker's
# zap (drivers/android/binder/page_range.rs). mmscript has no
# vm_private_data; the mapped file stands in for it. Rule:
# vma/identity-unchecked; see rust-binder-vma-identity-buggy.mms.

mm m
file binder
file other

ops binder_ops {
  fault(vmf) { return VM_FAULT_SIGBUS }
}

vma v = mmap(m, 0x100000, pages=4, prot=r, flags=shared, file=binder, vm=mixedmap, ops=binder_ops)
vma_addr = v.vm_start

# drivers/android/binder/page_range.rs: check_vma()
func check_vma(vma) {
  if vma.vm_ops != binder_ops {
    return nil
  }
  if vma.vm_file != binder {  # vm_private_data == owner
    return nil
  }
  return vma
}

thread user {
  munmap(m, vma_addr, pages=4)
  mmap(m, vma_addr, pages=4, prot=rw, flags=shared, file=other, vm=mixedmap)
}

thread binder_install {  # ShrinkablePageRange::use_page_slow()
  page p = alloc_page()
  mmap_read_lock(m)
  vma x = vma_lookup(m, vma_addr)
  if x {
    vma mine = check_vma(x)
    if mine {
      vm_insert_page(mine, vma_addr, p)
    }
  }
  mmap_read_unlock(m)
  put_page(p)
}

expect ok
