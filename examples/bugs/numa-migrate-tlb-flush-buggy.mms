# Migration against a pending change_protection() flush (fix 20841405940e
# "mm: fix TLB flush race between migration, and change_protection_range",
# Rik van Riel, v3.13, stable). change_protection() (mprotect(PROT_NONE),
# and NUMA balancing's change_prot_numa()) makes the PTEs PROT_NONE under
# each PTE lock and flushes the TLB only after dropping it. In between, a
# CPU still writes through its old translation. Migration or compaction
# (try_to_unmap_one() -> ptep_clear_flush()) then clears the entry under
# the PTE lock and flushes only "if (pte_accessible(mm, pte))", and x86's
# pte_accessible() said false for a PROT_NONE entry: no flush, the PTE lock
# drops, the page is freed (migrated away) while the CPU keeps writing to
# it ("the old page may belong to a new user at this point!"). The fix
# made pte_accessible() true for a PROT_NONE entry while
# mm->tlb_flush_pending is raised (set by change_protection_range(); today
# by tlb_gather_mmu()).
# Rules: tlb/flush-before-ptl-drop where try_to_unmap_one() drops the PTE
# lock (kernel/rmap.mms), and tlb/stale-entry at the user's write through
# the stale entry to the freed page.
# This copy: the kernel library's mprotect and try_to_migrate (mainline)
# with x86's pte_accessible() as v3.12 had it.

mm m
mmap(m, 0x400000, pages=1, prot=rw, flags=private | anonymous)
touch(m, 0x400000, write)
mmap_read_lock(m)
pte t = pte_offset_map_lock(m, 0x400000)
page pg = pfn_to_page(t.pfn)
pte_unmap_unlock(t)
mmap_read_unlock(m)

# arch/x86/include/asm/pgtable.h (v3.12): pte_accessible(), before
# 20841405940e: "return pte_flags(a) & _PAGE_PRESENT;" (a PROT_NONE entry
# has _PAGE_PROTNONE instead)
func pte_accessible(mm, ptep) {
  return ptep.present && !ptep.protnone
}

thread user {  # CPU C: loads the TLB entry, then writes through it
  touch(m, 0x400000, write)
  touch(m, 0x400000, write)
}

thread prot {  # CPU A: makes the entry PROT_NONE, flushes later
  mprotect(m, 0x400000, PAGE_SIZE, PROT_NONE)
}

thread migrate {  # CPU B: compaction or NUMA migration of the page
  folio_lock(pg)
  try_to_migrate(pg, "")
  folio_unlock(pg)
}

expect violation "tlb/flush-before-ptl-drop: m->pte_lock(0x400000) dropped with 1 moved or cleared present PTE(s)" sometimes
expect violation "tlb/stale-entry: user access at 0x400000" sometimes
