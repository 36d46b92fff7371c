# Q: Can a fault under the per-VMA lock see a VMA while mprotect() changes
#    its flags?
# A: No. mprotect_fixup() write-locks each VMA it changes (vma_modify_flags
#    for the split, vma_start_write before vm_flags_reset_once), so a fault
#    either finished under the VMA read lock before, or lock_vma_under_rcu()
#    fails and the fault retries under the mmap read lock, which waits for
#    mprotect's mmap write lock. change_protection() rewrites the PTEs under
#    their PTE lock. Every interleaving ends with the page read-only.
#    (mm/mprotect.c: do_mprotect_pkey(), mprotect_fixup();
#    `mmscript explain mprotect` shows the path)

mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw)

thread user {
  touch(m, 0x101000, write)
}

thread prot {
  assert mprotect(m, 0x101000, PAGE_SIZE, PROT_READ) == 0
  assert m.map_count == 2
}

thread after {
  w = lock_vma_under_rcu(m, 0x101000)
  if w {
    assert w.vm_start == 0x100000 || w.vm_flags & VM_WRITE == 0, "a VMA split off by mprotect is seen only with its new flags"
    vma_end_read(w)
  }
}

expect ok
