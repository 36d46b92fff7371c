# Migration against a pending change_protection() flush, fixed
# (20841405940e, v3.13): x86's pte_accessible() (the kernel library's,
# kernel/pgtable.mms) says true for a PROT_NONE entry while
# mm_tlb_flush_pending(), so ptep_clear_flush() flushes before the PTE lock
# drops and the page is freed only after no CPU translates it. See
# numa-migrate-tlb-flush-buggy.mms.

mm m
mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

thread user {
  touch(m, 0x400000, write)
  touch(m, 0x400000, write)
}

thread prot {
  mprotect(m, 0x400000, PAGE_SIZE, PROT_NONE)
}

thread migrate {
  folio_lock(pg)
  try_to_migrate(pg, "")
  folio_unlock(pg)
}

expect ok
