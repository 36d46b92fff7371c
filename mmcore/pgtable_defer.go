package mmcore

import "fmt"

// Freeing a PTE table in two steps, as the kernel does when lockless
// walkers may still hold it: the PMD entry is cleared first
// (pmdp_collapse_flush() in khugepaged's collapse and retract_page_tables),
// and the table itself is freed only later, after an RCU grace period
// (pte_free_defer(), tlb_remove_table()). In between, a walker that read
// the PMD before the clear still reads the detached table's entries.

// UnlinkPTETable clears the PMD entry pointing to the PTE table that
// covers addr (pmd_clear) and returns that table, still allocated and with
// its entries, or nil when addr has no PTE table. The caller frees it with
// FreeDetachedTable once no walker can hold it.
func (m *MM) UnlinkPTETable(addr Addr) *PageTable {
	t := m.Walk(addr).Tables[LevelPTE]
	if t == nil || t.parent == nil {
		return nil
	}
	m.ptChanged()
	t.parent.next[t.pindex] = nil
	t.parent.used--
	t.parent = nil
	return t
}

// Detached reports whether t is a table that no longer hangs in its mm's
// tree (UnlinkPTETable, or freed).
func (t *PageTable) Detached() bool { return t.parent == nil && t.level != LevelPGD }

// FreeDetachedTable frees a table that UnlinkPTETable detached; entries
// still present are leaked with it, as in free_pgtables, and counted. It
// does nothing for a table still linked or already freed.
func (m *MM) FreeDetachedTable(t *PageTable) (leaked int) {
	if t == nil || t.freed || !t.Detached() {
		return 0
	}
	_, leaked = m.freeTable(t)
	return leaked
}

// ClearTableEntry clears the entry for addr in PTE table t, linked or
// detached (a walker's change through a pointer it kept), with the
// accounting of ClearPTE, and returns what it held.
func (m *MM) ClearTableEntry(t *PageTable, addr Addr) PTE {
	if t == nil || t.freed || t.level != LevelPTE || t.ptes == nil {
		return 0
	}
	i := t.Index(addr)
	old := t.ptes[i]
	if old != 0 {
		m.setEntry(t, i, 0)
	}
	return old
}

// CollapseCopy is __collapse_huge_page_copy() over a PTE table that
// pmdp_collapse_flush already detached: it allocates a PMD-sized anonymous
// folio for haddr in v, copies each mapped page into it and clears the
// table's entries (the old pages lose those mappings). The table itself
// is kept (collapse_huge_page deposits it). ENOMEM when no folio can be
// had; EINVAL when an entry maps a page that is not anonymous.
func (m *MM) CollapseCopy(v *VMA, haddr Addr, pt *PageTable) (*Page, error) {
	const op = "__collapse_huge_page_copy"
	if pt == nil || pt.freed || pt.level != LevelPTE {
		return nil, errf(op, EINVAL, "no PTE table")
	}
	for k := 0; k < HPAGE_PMD_NR; k++ {
		if p := m.accountedPage(pt.ptes[k]); p != nil && !p.anon {
			return nil, errf(op, EINVAL, "a page is not anonymous (SCAN_PAGE_ANON)")
		}
	}
	f, err := m.mem.AllocFolio(HPAGE_PMD_ORDER)
	if err != nil {
		return nil, errf(op, ENOMEM, "no THP (SCAN_ALLOC_HUGE_PAGE_FAIL)")
	}
	for k := 0; k < HPAGE_PMD_NR; k++ {
		q := f.subpage(k)
		m.makeAnon(q, v, haddr+Addr(k)<<PageShift)
		if old := m.accountedPage(pt.ptes[k]); old != nil {
			q.data = old.data
		}
	}
	for k := 0; k < HPAGE_PMD_NR; k++ {
		if pt.ptes[k] != 0 {
			m.setEntry(pt, k, 0)
		}
	}
	return f, nil
}

// SetHugePMD is set_pmd_at() of collapse_huge_page(): it maps folio f
// (from CollapseCopy, whose allocation reference it takes over) by
// haddr's PMD entry, which must be none (BUG_ON(!pmd_none(*pmd))).
func (m *MM) SetHugePMD(v *VMA, haddr Addr, f *Page) error {
	w := m.Walk(haddr)
	t := w.Tables[LevelPMD]
	if t == nil {
		return errf("set_pmd_at", EFAULT, "no PMD table for "+haddr.String())
	}
	// A huge PMD maps HPAGE_PMD_NR pages from the folio's first pfn: a
	// smaller folio would map pages that belong to others (the kernel's
	// mk_huge_pmd() checks nothing; collapse_huge_page() maps only a
	// folio from alloc_charge_folio(HPAGE_PMD_ORDER)).
	if f.Folio() != f || f.Order() != HPAGE_PMD_ORDER {
		return errf("set_pmd_at", EINVAL, fmt.Sprintf("the folio is of order %d, not a PMD-sized folio (order %d)", f.Order(), HPAGE_PMD_ORDER))
	}
	i := t.Index(haddr)
	if t.next != nil && t.next[i] != nil || t.hugeEntry(i) != 0 {
		return errf("set_pmd_at", EBUSY, "the PMD entry is not none")
	}
	bits := PTEAccessed | PTEDirty | PTEHuge
	if v.Flags&VM_WRITE != 0 {
		bits |= PTEWrite
	}
	m.setHuge(t, i, MkPTE(f.PFN, bits))
	_ = f.Put()
	return nil
}

// RelinkPTETable is pmd_populate() of a table UnlinkPTETable detached,
// back into addr's PMD entry, which must be none (collapse_huge_page's
// failure path).
func (m *MM) RelinkPTETable(addr Addr, t *PageTable) error {
	w := m.Walk(addr)
	pmd := w.Tables[LevelPMD]
	if pmd == nil || t == nil || t.freed || !t.Detached() {
		return errf("pmd_populate", EINVAL, "no PMD table or no detached PTE table for "+addr.String())
	}
	i := pmd.Index(addr)
	if pmd.next[i] != nil || pmd.hugeEntry(i) != 0 {
		return errf("pmd_populate", EBUSY, "the PMD entry is not none")
	}
	m.ptChanged()
	pmd.next[i] = t
	pmd.used++
	t.parent, t.pindex = pmd, i
	return nil
}

// CollapseAllowed is hugepage_vma_revalidate()'s test for an anonymous
// collapse of the PMD range at haddr in v: THPs allowed, an anon_vma, and
// the aligned 2 MiB inside v.
func (m *MM) CollapseAllowed(v *VMA, haddr Addr) bool {
	return v != nil && m.thpFaultAllowed(v) && v.anonVMA != nil && v.file == nil && thpVMASuitable(v, haddr) &&
		haddr >= v.start && haddr+PMD_SIZE <= v.end
}

// ScanPTEs is the loop of hpage_collapse_scan_pmd() over the PTE table t
// mapping haddr: false when an entry maps a page that is not anonymous
// (SCAN_PAGE_ANON) or nothing is mapped at all.
func (m *MM) ScanPTEs(t *PageTable, haddr Addr) bool {
	if t == nil || t.freed || t.ptes == nil {
		return false
	}
	mapped := 0
	for k := 0; k < HPAGE_PMD_NR; k++ {
		if p := m.accountedPage(t.ptes[k]); p != nil {
			if !p.anon {
				return false
			}
			mapped++
		}
	}
	return mapped > 0
}

// TestAndClearYoung clears the accessed bit of addr's entry in PTE table t
// (ptep_test_and_clear_young) and reports whether it was set.
func (m *MM) TestAndClearYoung(t *PageTable, addr Addr) bool {
	if t == nil || t.freed || t.level != LevelPTE || t.ptes == nil {
		return false
	}
	i := t.Index(addr)
	if !t.ptes[i].Young() {
		return false
	}
	t.ptes[i] = t.ptes[i].Without(PTEAccessed)
	return true
}
