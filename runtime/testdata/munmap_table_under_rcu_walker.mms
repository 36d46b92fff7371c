# munmap's free_pgtables (kernel/munmap.mms) frees the PTE table at once in
# mmcore, but the kernel frees it through tlb_remove_table's grace period:
# a walker still in the read-side section it mapped the table in reads it
# without a report; once it left the section, a read of the freed table is
# a use-after-free, in the interleavings where munmap freed it first.

mm m
mmap(m, 0x200000, pages=1)
touch(m, 0x200000, write)

thread walker {
  pte pt = pte_offset_map(m, 0x200000)
  if pt {
    repeat 3 { ptep_get(pt) }  # inside the section: no report
    pte_unmap(pt)
    ptep_get(pt)  # the section is over
  }
}

thread user { munmap(m, 0x200000, pages=1) }

expect violation "rcu/use-after-free" at 16 sometimes
