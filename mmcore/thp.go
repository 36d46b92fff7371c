package mmcore

import "errors"

// PMD-level transparent huge pages, as the reference kernel runs them
// (kernel-vma-fidelity.md §1: THP enabled=madvise, defrag=madvise, only the
// PMD size enabled, shmem_enabled=never): an anonymous VMA with
// VM_HUGEPAGE gets a PMD-mapped 2 MiB folio at its first fault in a
// 2 MiB-aligned range that lies wholly inside it and has no PTE table yet
// (mm/huge_memory.c:do_huge_pmd_anonymous_page); a read maps the huge
// zero page instead. Zapping or protecting part of such a range splits the
// PMD into a PTE table mapping the same folio (__split_huge_pmd), which
// stays one large folio (the deferred split runs only under memory
// pressure, which is not modelled). MADV_COLLAPSE replaces a PTE table by
// a PMD mapping (mm/khugepaged.c:madvise_collapse).

// THP geometry.
const (
	HPAGE_PMD_ORDER = PMD_SHIFT - PageShift
	HPAGE_PMD_NR    = 1 << HPAGE_PMD_ORDER
	// PTEHuge is _PAGE_PSE: a PMD entry that maps a 2 MiB page.
	PTEHuge PTE = 1 << 7
)

// thpVMASuitable is thp_vma_suitable_order for the PMD order: the aligned
// 2 MiB around addr lies inside the VMA, and for a file VMA its pgoff is
// congruent with its address modulo 2 MiB ("don't have to check pgoff
// for anonymous vma": an anonymous VMA moved by mremap stays eligible).
func thpVMASuitable(v *VMA, addr Addr) bool {
	haddr := addr &^ (PMD_SIZE - 1)
	if haddr < v.start || haddr+PMD_SIZE > v.end {
		return false
	}
	return v.Anonymous() || (uint64(v.start)>>PageShift-v.pgoff)%HPAGE_PMD_NR == 0
}

// thpVMAHoldsPMD is the size check __thp_vma_allowable_orders makes
// outside a page fault (MADV_COLLAPSE, khugepaged): the VMA must hold the
// aligned 2 MiB that ends at or below its end.
func thpVMAHoldsPMD(v *VMA) bool {
	return v.end-v.start >= PMD_SIZE && thpVMASuitable(v, v.end-PMD_SIZE)
}

// thpAnonAllowed is thp_vma_allowable_order for an anonymous fault in the
// reference kernel's configuration (enabled=madvise): the VMA must carry
// VM_HUGEPAGE and not VM_NOHUGEPAGE, be anonymous and not special, and the
// mm must not have THP disabled by prctl(PR_SET_THP_DISABLE)
// (vma_thp_disabled).
func (m *MM) thpAnonAllowed(v *VMA, addr Addr) bool {
	return m.thpFaultAllowed(v) && v.Flags&VM_HUGEPAGE != 0 && thpVMASuitable(v, addr)
}

// thpFaultAllowed holds what forced collapse and faults share: not
// VM_NOHUGEPAGE, anonymous, no special mapping, THP not disabled for the
// mm.
func (m *MM) thpFaultAllowed(v *VMA) bool {
	return v.Flags&(VM_NOHUGEPAGE|VM_SPECIAL|VM_HUGETLB) == 0 && v.Anonymous() && !m.thpDisabled()
}

// allocPMD walks to addr's PMD table, allocating the upper levels
// (walk_to_pmd), and returns the table and the index of addr's entry.
func (m *MM) allocPMD(addr Addr) (*PageTable, int, Alloc, error) {
	if addr >= m.taskSize {
		return nil, 0, 0, errf("pmd_alloc", EFAULT, "address "+addr.String()+" outside user space")
	}
	var alloc Alloc
	t := m.pgd
	for t.level != LevelPMD {
		i := int(addr>>t.shift) & (PTRS_PER_TABLE - 1)
		c, a := m.childTable(t, i, addr)
		alloc |= a
		t = c
	}
	return t, t.Index(addr), alloc, nil
}

// HugeEntry returns entry i of a PMD table when it maps a huge page
// (pmd_trans_huge), else 0.
func (t *PageTable) HugeEntry(i int) PTE {
	if i < 0 || i >= PTRS_PER_TABLE {
		return 0
	}
	return t.hugeEntry(i)
}

// hugeEntry returns PMD table t's huge entry i (0 if none).
func (t *PageTable) hugeEntry(i int) PTE {
	if t.huge == nil {
		return 0
	}
	return t.huge[i]
}

// setHuge stores a huge PMD entry in t[i] with the accounting of
// folio_add_*_rmap_pmd / zap_huge_pmd: the folio's entire mapcount and one
// reference per PMD mapping, and HPAGE_PMD_NR pages of Rss.
func (m *MM) setHuge(t *PageTable, i int, pmd PTE) {
	if t.huge == nil {
		t.huge = make([]PTE, PTRS_PER_TABLE)
	}
	old := t.huge[i]
	if f := m.hugeFolio(pmd); f != nil {
		f.entireMapcount++
		f.refcount++
		m.rssAdd(f, HPAGE_PMD_NR)
	}
	if f := m.hugeFolio(old); f != nil {
		if old.Dirty() {
			f.dirty = true
		}
		f.entireMapcount--
		m.rssAdd(f, -HPAGE_PMD_NR)
		if !f.freed {
			_ = f.Put()
		}
	}
	switch {
	case old == 0 && pmd != 0:
		t.used++
	case old != 0 && pmd == 0:
		t.used--
	}
	m.ptChanged()
	t.huge[i] = pmd
}

// hugeFolio is the folio a huge PMD maps and accounts for: nil for the
// huge zero page (vm_normal_page_pmd returns no page for it).
func (m *MM) hugeFolio(pmd PTE) *Page {
	if !pmd.Present() {
		return nil
	}
	p := m.mem.Page(pmd.PFN())
	if p == nil || p.zero {
		return nil
	}
	return p.Folio()
}

// doHugePMDAnonymousPage is do_huge_pmd_anonymous_page: a read maps the
// huge zero page read-only (set_huge_zero_folio), a write a new THP. A
// failed allocation returns handled false: the caller falls back to small
// pages (VM_FAULT_FALLBACK).
func (m *MM) doHugePMDAnonymousPage(v *VMA, addr Addr, t *PageTable, i int, write bool, r FaultResult) (FaultResult, bool) {
	// vmf_anon_prepare comes first, so even a read that maps the huge zero
	// page gives the VMA an anon_vma (which then keeps VM_ACCOUNT across
	// mprotect and decides merges), unlike a small zero-page read
	_, r.AnonVMACreated = m.PrepareAnonVMA(v)
	if !write && !m.noZeroRead {
		z := m.mem.HugeZeroPage()
		pmd := MkPTE(z.PFN, PTEAccessed|PTESpecial|PTEHuge)
		m.setHuge(t, i, pmd)
		r.Kind, r.Page, r.PTE, r.Mapped = FaultZeroPage, z, pmd, HPAGE_PMD_NR
		return r, true
	}
	f, err := m.mem.AllocFolio(HPAGE_PMD_ORDER)
	if err != nil {
		return r, false
	}
	haddr := addr &^ (PMD_SIZE - 1)
	for k := 0; k < HPAGE_PMD_NR; k++ {
		m.makeAnon(f.subpage(k), v, haddr+Addr(k)<<PageShift)
	}
	// __do_huge_pmd_anonymous_page: maybe_pmd_mkwrite(pmd_mkdirty(entry)),
	// dirty always, writable in a writable VMA (a read fault gets here
	// only with Config.NoZeroPageOnRead)
	pmd := MkPTE(f.PFN, PTEAccessed|PTEDirty|PTEHuge)
	if v.Flags&VM_WRITE != 0 {
		pmd |= PTEWrite
	}
	m.setHuge(t, i, pmd)
	_ = f.Put() // the PMD's reference is the one that stays
	r.Kind, r.Page, r.PTE, r.Mapped = FaultAnon, f, pmd, HPAGE_PMD_NR
	return r, true
}

// hugeFault handles a fault whose PMD entry is huge or none, as
// __handle_mm_fault does before it allocates a PTE table: handled false
// means the PTE-level path must run (after a split, or when no THP
// applies).
func (m *MM) hugeFault(v *VMA, addr Addr, write bool) (FaultResult, bool, error) {
	w := m.Walk(addr)
	if w.Depth == LevelPTE {
		return FaultResult{}, false, nil
	}
	if w.Huge() {
		t := w.Tables[LevelPMD]
		i := t.Index(addr)
		pmd := t.huge[i]
		if !write || pmd.Writable() {
			// huge_pmd_set_accessed
			t.huge[i] = pmd | PTEAccessed
			if write {
				t.huge[i] |= PTEDirty
			}
			return FaultResult{Kind: FaultSpurious, Page: m.mem.Page(w.Entry.PFN()), PTE: w.Entry}, true, nil
		}
		return m.doHugePMDWpPage(v, addr, t, i, pmd)
	}
	if !m.thpAnonAllowed(v, addr) {
		return FaultResult{}, false, nil
	}
	t, i, alloc, err := m.allocPMD(addr)
	if err != nil {
		return FaultResult{}, true, err
	}
	r, ok := m.doHugePMDAnonymousPage(v, addr, t, i, write, FaultResult{Alloc: alloc})
	return r, ok, nil
}

// doHugePMDWpPage is do_huge_pmd_wp_page, a write to a read-only huge PMD:
// the huge zero page is replaced by a new THP (do_huge_zero_wp_pmd); an
// anonymous folio this PMD maps exclusively is made writable in place;
// anything else splits the PMD and lets the PTE path copy the one page.
func (m *MM) doHugePMDWpPage(v *VMA, addr Addr, t *PageTable, i int, pmd PTE) (FaultResult, bool, error) {
	f := m.mem.Page(pmd.PFN())
	if f != nil && f.zero {
		nf, err := m.mem.AllocFolio(HPAGE_PMD_ORDER)
		if err == nil {
			_, created := m.PrepareAnonVMA(v)
			haddr := addr &^ (PMD_SIZE - 1)
			for k := 0; k < HPAGE_PMD_NR; k++ {
				m.makeAnon(nf.subpage(k), v, haddr+Addr(k)<<PageShift)
			}
			npmd := MkPTE(nf.PFN, PTEAccessed|PTEDirty|PTEWrite|PTEHuge)
			m.setHuge(t, i, 0)
			m.TLB.FlushRange(haddr, haddr+PMD_SIZE)
			m.setHuge(t, i, npmd)
			_ = nf.Put()
			return FaultResult{Kind: FaultCOW, Page: nf, PTE: npmd, Mapped: HPAGE_PMD_NR, AnonVMACreated: created, TLBFlushed: true}, true, nil
		}
	} else if f != nil && f.anon && f.entireMapcount == 1 && folioPTEMapcount(f) == 0 && f.refcount == 1 {
		m.ptChanged()
		t.huge[i] = pmd | PTEWrite | PTEDirty | PTEAccessed
		f.dirty = true
		return FaultResult{Kind: FaultReuse, Page: f, PTE: t.huge[i]}, true, nil
	}
	m.splitHugePMDAt(t, i)
	return FaultResult{}, false, nil
}

func folioPTEMapcount(f *Page) int {
	n := 0
	for k := 0; k < 1<<f.order; k++ {
		n += int(f.subpage(k).mapcount)
	}
	return n
}

// SplitHugePMD splits the huge PMD mapping addr, if there is one, into a
// PTE table that maps the same folio page by page with the same
// permissions (split_huge_pmd); the folio stays large. The VMA layer calls
// it where a VMA boundary, a protection change or a zap falls inside a
// PMD-mapped range (vma_adjust_trans_huge, change_pmd_range,
// zap_pmd_range). It reports whether it split.
func (m *MM) SplitHugePMD(addr Addr) bool {
	w := m.Walk(addr)
	if !w.Huge() {
		return false
	}
	t := w.Tables[LevelPMD]
	m.splitHugePMDAt(t, t.Index(addr))
	return true
}

// splitHugePMDAt is __split_huge_pmd_locked: the PMD is cleared and
// flushed, a PTE table takes its place, and each PTE maps its subpage
// (the huge zero page becomes 512 small zero-page entries,
// __split_huge_zero_page_pmd).
func (m *MM) splitHugePMDAt(t *PageTable, i int) {
	pmd := t.huge[i]
	haddr := t.base + Addr(i)<<PMD_SHIFT
	f := m.mem.Page(pmd.PFN())
	zero := f != nil && f.zero
	if f != nil && !zero && !f.Folio().anon {
		// a file folio is not remapped by PTEs: the PMD is zapped and
		// the pages fault back in (__split_huge_pmd_locked, the
		// !vma_is_anonymous case)
		m.setHuge(t, i, 0)
		m.TLB.FlushRange(haddr, haddr+PMD_SIZE)
		return
	}
	// the PTEs take their references before the PMD drops its own
	pt := m.newTable(LevelPTE, haddr, t, i)
	bits := pmd & (PTEWrite | PTEDirty | PTEAccessed | PTENoExec | PTEProtNone)
	for k := 0; k < HPAGE_PMD_NR; k++ {
		var pte PTE
		if zero {
			pte = MkPTE(m.mem.zero.PFN, PTEAccessed|PTESpecial|pmd&PTEProtNone)
		} else {
			pte = MkPTE(pmd.PFN()+PFN(k), bits)
		}
		m.setEntry(pt, k, pte)
	}
	m.setHuge(t, i, 0)
	m.TLB.FlushRange(haddr, haddr+PMD_SIZE)
	m.ptChanged()
	t.next[i] = pt
	t.used++
}

// zapHugePMD clears the huge PMD at t[i] (zap_huge_pmd); the caller
// flushes.
func (m *MM) zapHugePMD(t *PageTable, i int) { m.setHuge(t, i, 0) }

// MadviseCollapse is MADV_COLLAPSE's page-table work on [start, end) of v
// (mm/khugepaged.c:madvise_collapse): every 2 MiB-aligned range inside
// both is made one PMD-mapped THP. A range already PMD-mapped counts as
// done; a PTE table is replaced by a PMD mapping of a new folio holding
// the old pages' contents (empty and zero-page entries become zeroed
// pages: MADV_COLLAPSE accepts any number of them, read-only entries, and
// pages another process also maps), and the old table is freed
// (collapse_huge_page retracts it). A range without a PTE table
// (SCAN_PMD_NULL) is skipped and the call then fails with
// madvise_collapse_errno's EINVAL; ENOMEM when a folio cannot be
// allocated. EINVAL too when the VMA cannot have THPs (VM_NOHUGEPAGE, not
// anonymous, THP disabled, no anon_vma yet, or too small to hold an
// aligned 2 MiB: thp_vma_allowable_order outside a fault) or the range
// ends before its first aligned 2 MiB
// (hend < hstart); a range that reaches no further than that boundary
// collapses nothing and succeeds.
//
// The reference kernel (6.18.44) collapses a range whose entries are all
// read-only or zero pages (observed): the SCAN_PAGE_RO refusal of older
// kernels is gone there.
func (m *MM) MadviseCollapse(v *VMA, start, end Addr) error {
	const op = "madvise_collapse"
	start, end = max(start, v.start), min(end, v.end)
	if v.file != nil && v.file.mapping.shmem {
		return m.madviseCollapseShmem(v, start, end)
	}
	if !m.thpFaultAllowed(v) || v.anonVMA == nil || !thpVMAHoldsPMD(v) {
		return errf(op, EINVAL, "the VMA may not have THPs (thp_vma_allowable_order)")
	}
	return collapseEachPMD(op, v, start, end, m.collapseHugePage)
}

// collapseEachPMD runs collapse on each aligned 2 MiB of [start, end), as
// madvise_collapse() walks hstart..hend: a misaligned pgoff or a failed
// collapse is remembered and the walk goes on, except after -ENOMEM (not
// on the list of results madvise_collapse goes on after).
func collapseEachPMD(op string, v *VMA, start, end Addr, collapse func(*VMA, Addr) error) error {
	hstart := (start + PMD_SIZE - 1) &^ (PMD_SIZE - 1)
	hend := end &^ (PMD_SIZE - 1)
	if hend < hstart {
		return errf(op, EINVAL, "the range ends before its first aligned 2 MiB")
	}
	var last error
	for h := hstart; h < hend; h += PMD_SIZE {
		if !thpVMASuitable(v, h) {
			last = errf(op, EINVAL, "pgoff not aligned to 2 MiB")
			continue
		}
		if err := collapse(v, h); err != nil {
			if errors.Is(err, ENOMEM) {
				return err
			}
			last = err
		}
	}
	return last
}

// madviseCollapseShmem is MADV_COLLAPSE on a shmem VMA (a tmpfs file or
// MAP_SHARED|MAP_ANONYMOUS memory): forced collapse ignores
// shmem_enabled=never (shmem_allowable_huge_orders), so each aligned
// 2 MiB whose file range holds any cached page becomes one PMD-sized
// page cache folio (hpage_collapse_scan_file, collapse_file: holes are
// filled, even past i_size, which tmpfs allows), the old pages are
// unmapped everywhere, other VMAs' emptied PTE tables for the range are
// retracted (retract_page_tables, not for VMAs with an anon_vma), and v
// maps the folio by its PMD (collapse_pte_mapped_thp with install_pmd). A
// range with nothing cached is SCAN_TRUNCATED, EINVAL; a range already
// one PMD-sized folio is only mapped.
func (m *MM) madviseCollapseShmem(v *VMA, start, end Addr) error {
	const op = "madvise_collapse"
	if v.Flags&(VM_NOHUGEPAGE|VM_SPECIAL|VM_HUGETLB) != 0 || m.thpDisabled() || !thpVMAHoldsPMD(v) {
		return errf(op, EINVAL, "the VMA may not have THPs (thp_vma_allowable_order)")
	}
	return collapseEachPMD(op, v, start, end, m.collapseFile)
}

// collapseFile collapses the page cache range v maps at haddr into one
// PMD-sized folio and maps it there by the PMD.
func (m *MM) collapseFile(v *VMA, haddr Addr) error {
	as := v.file.mapping
	first := v.PgoffOf(haddr)
	last := first + HPAGE_PMD_NR - 1
	var f *Page
	if p := as.pages[first]; p != nil && int(p.Folio().order) == HPAGE_PMD_ORDER && p.Folio().index == first {
		f = p.Folio() // SCAN_PTE_MAPPED_HUGEPAGE
	} else {
		cached := false
		for k := uint64(0); k < HPAGE_PMD_NR; k++ {
			cached = cached || as.pages[first+k] != nil
		}
		if !cached {
			return errf("collapse_file", EINVAL, "nothing cached in the range (SCAN_TRUNCATED)")
		}
		nf, err := m.mem.AllocFolio(HPAGE_PMD_ORDER)
		if err != nil {
			return errf("collapse_file", ENOMEM, "no THP (SCAN_ALLOC_HUGE_PAGE_FAIL)")
		}
		unmapFileRange(as, first, last, nil) // try_to_unmap of the old folios
		for k := uint64(0); k < HPAGE_PMD_NR; k++ {
			q := nf.subpage(int(k))
			q.mapping, q.index, q.dirty = as, first+k, true
			if old := as.RemovePage(first + k); old != nil {
				q.data = old.data
			}
			as.pages[first+k] = q
		}
		nf.refcount += HPAGE_PMD_NR - 1 // one reference per page cache slot
		f = nf
		m.retractPageTables(as, first, v)
	}
	w := m.Walk(haddr)
	if w.Huge() {
		return nil
	}
	if pt := w.Tables[LevelPTE]; pt != nil {
		if pt.used > 0 {
			return errf("collapse_pte_mapped_thp", EINVAL, "the PTE table maps other pages")
		}
		m.FreeDetachedTable(m.UnlinkPTETable(haddr))
	}
	t, i, _, err := m.allocPMD(haddr)
	if err != nil {
		return err
	}
	var flags PTE = PTEAccessed | PTEHuge
	if v.Flags&(VM_SHARED|VM_WRITE) == VM_SHARED|VM_WRITE {
		flags |= PTEWrite
	}
	m.setHuge(t, i, MkPTE(f.PFN, flags))
	return nil
}

// retractPageTables frees the empty PTE tables other VMAs of as have for
// the PMD-aligned file range at first (retract_page_tables): their next
// fault there finds the PMD empty and maps the new folio by it. VMAs with
// an anon_vma keep theirs.
func (m *MM) retractPageTables(as *AddressSpace, first uint64, skip *VMA) {
	for w := range as.IMmap(first, first+HPAGE_PMD_NR-1) {
		if w == skip || w.anonVMA != nil || first < w.pgoff {
			continue
		}
		a := w.start + Addr(first-w.pgoff)<<PageShift
		if a&(PMD_SIZE-1) != 0 || a+PMD_SIZE > w.end {
			continue
		}
		if pt := w.mm.Walk(a).Tables[LevelPTE]; pt != nil && pt.used == 0 {
			w.mm.FreeDetachedTable(w.mm.UnlinkPTETable(a))
		}
	}
}

// collapseHugePage collapses the PMD range at haddr
// (hpage_collapse_scan_pmd, then collapse_huge_page).
func (m *MM) collapseHugePage(v *VMA, haddr Addr) error {
	const op = "hpage_collapse_scan_pmd"
	w := m.Walk(haddr)
	if w.Huge() {
		return nil // SCAN_PMD_MAPPED
	}
	if w.Depth != LevelPTE {
		return errf(op, EINVAL, "no PTE table (SCAN_PMD_NULL)")
	}
	pt := w.Tables[LevelPTE]
	for k := 0; k < HPAGE_PMD_NR; k++ {
		if p := m.accountedPage(pt.ptes[k]); p != nil && !p.anon {
			return errf(op, EINVAL, "a page is not anonymous (SCAN_PAGE_ANON)")
		}
	}
	f, err := m.mem.AllocFolio(HPAGE_PMD_ORDER)
	if err != nil {
		return errf("collapse_huge_page", ENOMEM, "no THP (SCAN_ALLOC_HUGE_PAGE_FAIL)")
	}
	for k := 0; k < HPAGE_PMD_NR; k++ {
		q := f.subpage(k)
		m.makeAnon(q, v, haddr+Addr(k)<<PageShift)
		if old := m.accountedPage(pt.ptes[k]); old != nil {
			q.data = old.data // __collapse_huge_page_copy
		}
	}
	t := w.Tables[LevelPMD]
	i := t.Index(haddr)
	// retract the PTE table: clear its entries (the old pages lose these
	// mappings), flush, free the table
	for k := 0; k < HPAGE_PMD_NR; k++ {
		if pt.ptes[k] != 0 {
			m.setEntry(pt, k, 0)
		}
	}
	m.TLB.FlushRange(haddr, haddr+PMD_SIZE)
	m.ptChanged()
	t.next[i] = nil
	t.used--
	m.freeTable(pt)
	bits := PTEAccessed | PTEDirty | PTEHuge
	if v.Flags&VM_WRITE != 0 {
		bits |= PTEWrite
	}
	m.setHuge(t, i, MkPTE(f.PFN, bits))
	_ = f.Put()
	return nil
}

// thpDisabled reports MMF_DISABLE_THP, which prctl(PR_SET_THP_DISABLE)
// sets (vma_thp_disabled).
func (m *MM) thpDisabled() bool { return m.thpDisable != 0 }

// anonExclusive reports whether the anonymous page p may be written in
// place by the one mapping that has it (wp_can_reuse_anon_folio,
// can_change_pte_writable): a small folio mapped once with no other
// reference; a large folio whose every reference is one of its PTE
// mappings, each page mapped at most once, and no PMD mapping elsewhere
// (after fork the other side still maps it).
func anonExclusive(p *Page) bool {
	if p == nil || !p.anon {
		return false
	}
	f := p.Folio()
	if f.order == 0 {
		return p.mapcount == 1 && f.refcount == 1
	}
	if f.entireMapcount != 0 || p.mapcount != 1 {
		return false
	}
	n := 0
	for k := 0; k < 1<<f.order; k++ {
		mc := f.subpage(k).mapcount
		if mc > 1 {
			return false
		}
		n += int(mc)
	}
	return int32(n) == f.refcount
}

// vmaAdjustTransHuge splits a huge PMD that a VMA boundary at addr would
// cut (vma_adjust_trans_huge → split_huge_pmd_if_needed): a PMD mapping
// may not straddle two VMAs.
func (m *MM) vmaAdjustTransHuge(addr Addr) {
	if addr&(PMD_SIZE-1) != 0 {
		m.SplitHugePMD(addr)
	}
}

// forEachHugePMD calls f for every huge PMD entry mapping part of
// [start, end), with the PMD range's start.
func (m *MM) forEachHugePMD(start, end Addr, f func(t *PageTable, i int, haddr Addr)) {
	for h := start &^ (PMD_SIZE - 1); h < end && h >= start&^(PMD_SIZE-1); h += PMD_SIZE {
		w := m.Walk(h)
		if w.Huge() {
			t := w.Tables[LevelPMD]
			f(t, t.Index(h), h)
		}
	}
}

// changeProtHugePMDs is change_pmd_range's huge case for [start, end) of
// v: a PMD range the change covers only in part is split (the PTE loop
// then changes its pages); a whole one is changed in place
// (change_huge_pmd): write-protected, or made writable when the folio is
// exclusive or the mapping is shared without write-notify. It returns the
// number of PMDs changed.
func (m *MM) changeProtHugePMDs(v *VMA, start, end Addr) int {
	n := 0
	m.forEachHugePMD(start, end, func(t *PageTable, i int, h Addr) {
		if h < start || h+PMD_SIZE > end {
			m.splitHugePMDAt(t, i)
			return
		}
		e := t.huge[i]
		ne := e
		f := m.hugeFolio(e)
		switch {
		case v.Flags&VM_WRITE == 0:
			ne = e.Without(PTEWrite)
		case e.Writable():
		case f != nil && f.anon && f.entireMapcount == 1 && folioPTEMapcount(f) == 0 && f.refcount == 1 && e.Dirty():
			ne = e.With(PTEWrite)
		}
		if v.Flags&VM_ACCESS_FLAGS == 0 {
			ne = ne.With(PTEProtNone)
		} else {
			ne = ne.Without(PTEProtNone)
		}
		if ne != e {
			m.ptChanged()
			t.huge[i] = ne
			n++
		}
	})
	return n
}

// zapHugePMDs is zap_pmd_range's huge case for [start, end): a PMD range
// wholly inside is unmapped at once (zap_huge_pmd), one covered in part is
// split so that the PTE-level zap takes the pages it covers. It returns
// the number of pages unmapped.
func (m *MM) zapHugePMDs(start, end Addr) int {
	n := 0
	m.forEachHugePMD(start, end, func(t *PageTable, i int, h Addr) {
		if h < start || h+PMD_SIZE > end {
			m.splitHugePMDAt(t, i)
			return
		}
		if m.hugeFolio(t.huge[i]) != nil {
			n += HPAGE_PMD_NR
		}
		m.zapHugePMD(t, i)
	})
	if n > 0 {
		m.TLB.FlushRange(start, end)
	}
	return n
}

// splitPartialHugePMDs splits the huge PMDs that [start, end) covers only
// in part, as madvise_free_huge_pmd and the other PMD walkers do before
// they work on single pages.
func (m *MM) splitPartialHugePMDs(start, end Addr) {
	m.forEachHugePMD(start, end, func(t *PageTable, i int, h Addr) {
		if h < start || h+PMD_SIZE > end {
			m.splitHugePMDAt(t, i)
		}
	})
}

// copyHugePMDs is copy_huge_pmd for the huge PMDs of src's range, into
// dst in c (fork): the child maps the same folio with its own PMD, both
// write-protected so that the first write on either side splits and
// copies (do_huge_pmd_wp_page); the huge zero page is shared as is. It
// returns the number of PMDs copied.
func (c *MM) copyHugePMDs(dst, src *VMA) int {
	pm := src.mm
	n := 0
	pm.forEachHugePMD(src.start, src.end, func(t *PageTable, i int, h Addr) {
		e := t.huge[i]
		if !e.Present() || !dst.Anonymous() {
			return // copy_huge_pmd: a file PMD is refilled on fault
		}
		if isCOWMapping(src.Flags) && e.Writable() {
			e = e.Without(PTEWrite)
			c.ptChanged()
			t.huge[i] = e // pmdp_set_wrprotect on the parent
		}
		dt, di, _, err := c.allocPMD(dst.start + (h - src.start))
		if err != nil {
			return
		}
		c.setHuge(dt, di, e.Without(PTEAccessed))
		n++
	})
	if n > 0 {
		pm.TLB.FlushRange(src.start, src.end)
	}
	return n
}

// moveHugePMD is move_huge_pmd (mremap): the huge PMD at oldAddr moves to
// newAddr's empty PMD entry when both are 2 MiB aligned; otherwise it is
// split and its PTEs move one by one. It reports whether it moved a huge
// entry.
func (m *MM) moveHugePMD(oldAddr, newAddr Addr, extent Addr) bool {
	w := m.Walk(oldAddr)
	if !w.Huge() {
		return false
	}
	ot := w.Tables[LevelPMD]
	oi := ot.Index(oldAddr)
	if extent != PMD_SIZE || oldAddr&(PMD_SIZE-1) != 0 || newAddr&(PMD_SIZE-1) != 0 {
		m.splitHugePMDAt(ot, oi)
		return false
	}
	nt, ni, _, err := m.allocPMD(newAddr)
	if err != nil || nt.next[ni] != nil && nt.next[ni].used > 0 || nt.hugeEntry(ni) != 0 {
		m.splitHugePMDAt(ot, oi)
		return false
	}
	if c := nt.next[ni]; c != nil { // an empty PTE table goes
		m.ptChanged()
		nt.next[ni] = nil
		nt.used--
		m.freeTable(c)
	}
	e := ot.huge[oi]
	// the mapping moves: counts stay, entries change places
	m.ptChanged()
	ot.huge[oi] = 0
	ot.used--
	if nt.huge == nil {
		nt.huge = make([]PTE, PTRS_PER_TABLE)
	}
	nt.huge[ni] = e
	nt.used++
	return true
}

// reclaimEmptyPTETables frees the PTE tables of the 2 MiB ranges that
// [start, end) covers whole and that are empty after a zap: MADV_DONTNEED
// with CONFIG_PT_RECLAIM (mm/pt_reclaim.c, x86-64 since 6.14), so that
// the next fault there finds an empty PMD and may map a THP.
func (m *MM) reclaimEmptyPTETables(start, end Addr) int {
	n := 0
	for h := (start + PMD_SIZE - 1) &^ (PMD_SIZE - 1); h+PMD_SIZE <= end && h >= start; h += PMD_SIZE {
		w := m.Walk(h)
		if w.Depth != LevelPTE {
			continue
		}
		pt := w.Tables[LevelPTE]
		if pt.used != 0 {
			continue
		}
		t := w.Tables[LevelPMD]
		i := t.Index(h)
		m.ptChanged()
		t.next[i] = nil
		t.used--
		m.freeTable(pt)
		n++
	}
	if n > 0 {
		m.TLB.FlushRange(start, end)
	}
	return n
}

// THPFaultAllowed is thp_vma_allowable_order(vma, TVA_PAGEFAULT,
// PMD_ORDER) together with __handle_mm_fault's pmd_none(*vmf.pmd) test:
// addr's PMD entry is none (no PTE table, no huge PMD) and the VMA may
// take a PMD-mapped THP there. hugeFault is whether the VMA's vm_ops has
// ->huge_fault ("Trust that ->huge_fault() handlers know what they are
// doing in fault path"): a non-anonymous VMA qualifies only with it, and,
// with enabled=madvise, VM_HUGEPAGE.
func (m *MM) THPFaultAllowed(v *VMA, addr Addr, hugeFault bool) bool {
	w := m.Walk(addr)
	if w.Depth == LevelPTE || w.Huge() {
		return false
	}
	if v.Anonymous() {
		return m.thpAnonAllowed(v, addr)
	}
	return hugeFault && v.Flags&(VM_NOHUGEPAGE|VM_HUGETLB) == 0 && v.Flags&VM_HUGEPAGE != 0 &&
		!m.thpDisabled() && thpVMASuitable(v, addr)
}

// HugePMDFault is the PMD level of __handle_mm_fault for an anonymous
// VMA: do_huge_pmd_anonymous_page for a none PMD, wp_huge_pmd or
// huge_pmd_set_accessed for a huge one. handled false is
// VM_FAULT_FALLBACK: the PTE level must run (no THP applies, the
// allocation failed, or the huge PMD was split for a COW).
func (m *MM) HugePMDFault(v *VMA, addr Addr, write bool) (FaultResult, bool, error) {
	if err := m.checkFaultVMA("handle_mm_fault", v, addr); err != nil {
		return FaultResult{}, true, err
	}
	return m.hugeFault(v, addr&PageMask, write)
}

// AllocPMD allocates the upper tables down to addr's PMD table (pud_alloc,
// pmd_alloc in __handle_mm_fault) and says which it added.
func (m *MM) AllocPMD(addr Addr) (Alloc, error) {
	_, _, a, err := m.allocPMD(addr)
	return a, err
}

// GetAndClearHugePMD is pmdp_huge_get_and_clear(): the huge PMD entry
// mapping addr, which is left none; the folio keeps its mapping count and
// reference for the caller to re-establish the entry (SetHugePMDEntry).
// It returns 0 when addr has no huge PMD.
func (m *MM) GetAndClearHugePMD(addr Addr) PTE {
	w := m.Walk(addr)
	t := w.Tables[LevelPMD]
	if t == nil || !w.Huge() {
		return 0
	}
	i := t.Index(addr)
	e := t.huge[i]
	m.ptChanged()
	t.huge[i] = 0
	t.used--
	return e
}

// RemoveRmapPMD drops the rmap of a huge PMD mapping of folio f that
// GetAndClearHugePMD cleared, as zap_huge_pmd() does under the PMD lock
// (mm/huge_memory.c: zap_huge_pmd_folio(): folio_remove_rmap_pmd(), the
// counter's add_mm_counter(-HPAGE_PMD_NR), and folio_mark_dirty() of a
// file folio whose entry was dirty): the entire mapcount and
// HPAGE_PMD_NR pages of Rss. The mapping's reference stays: the zap
// hands it to its mmu_gather (tlb_remove_page_size()), which drops it
// after the TLB flush; PutMappingRef drops it here.
func (m *MM) RemoveRmapPMD(f *Page, pmd PTE) {
	f = f.Folio()
	if !f.anon && pmd.Dirty() {
		f.dirty = true
	}
	f.entireMapcount--
	m.rssAdd(f, -HPAGE_PMD_NR)
}

// PutMappingRef drops the reference a mapping of f held, whose rmap
// RemoveRmapPMD removed (the folio_put() of the gather's batch, or of
// its caller's).
func (m *MM) PutMappingRef(f *Page) {
	if f = f.Folio(); !f.freed {
		_ = f.Put()
	}
}

// InvalidateHugePMD is pmdp_invalidate(): the huge PMD entry mapping addr
// is made invalid for the hardware and the TLB flushed for its range, but
// it stays a huge PMD to software (pmd_trans_huge, never pmd_none), so no
// lockless check mistakes it for an empty one. It returns the old entry,
// 0 when addr has no huge PMD.
func (m *MM) InvalidateHugePMD(addr Addr) PTE {
	w := m.Walk(addr)
	t := w.Tables[LevelPMD]
	if t == nil || !w.Huge() {
		return 0
	}
	haddr := addr &^ (PMD_SIZE - 1)
	m.TLB.FlushRange(haddr, haddr+PMD_SIZE)
	return t.huge[t.Index(addr)]
}

// SetHugePMDEntry is set_pmd_at() of an entry GetAndClearHugePMD or
// InvalidateHugePMD returned (change_huge_pmd's pmd_modify'd entry): the
// mapping is the same folio, so no count changes. The entry must be none
// or still the huge one being changed.
func (m *MM) SetHugePMDEntry(addr Addr, e PTE) error {
	w := m.Walk(addr)
	t := w.Tables[LevelPMD]
	if t == nil || e == 0 {
		return errf("set_pmd_at", EINVAL, "no PMD table or no huge entry for "+addr.String())
	}
	i := t.Index(addr)
	old := t.hugeEntry(i)
	if t.next != nil && t.next[i] != nil || old != 0 && old.PFN() != e.PFN() {
		return errf("set_pmd_at", EBUSY, "the PMD entry maps something else")
	}
	if t.huge == nil {
		t.huge = make([]PTE, PTRS_PER_TABLE)
	}
	if old == 0 {
		t.used++
	}
	m.ptChanged()
	t.huge[i] = e
	return nil
}
