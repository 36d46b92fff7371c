# mremap's move_normal_pmd() against retract_page_tables(), fixed
# (6fa1066fc5d0 "mm/mremap: fix move_normal_pmd/retract_page_tables race",
# CVE-2024-50066): with the rmap locks and the PMD lock held,
# move_normal_pmd() re-checks the PMD it read ("Racing with collapse?")
# and, when retract_page_tables() cleared it meanwhile, reports "not moved";
# move_page_tables() then finds pmd_none and moves nothing.
# Rule: pgtable/move-pmd-unchecked.
#
# The kernel library's mremap (runtime/kernel/mremap.mms) is the fixed one.

mm m
file f
mmap(m, 0x200000, pages=512, prot=r, flags=shared, file=f)
touch(m, 0x200000, read)

thread collapse {
  retract_page_tables(f, 0)
}

thread mover {
  r = mremap(m, 0x200000, 0x200000, 0x200000, flags=maymove | fixed, new_addr=0x600000)
  assert r == 0x600000
  assert touch(m, 0x600000, read)
}

expect ok
