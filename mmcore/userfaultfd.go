package mmcore

// userfaultfd's page installs (mm/userfaultfd.c): UFFDIO_COPY and
// UFFDIO_ZEROPAGE fill a none entry of a registered VMA under the PTE lock
// the caller holds; UFFDIO_MOVE moves an exclusive anonymous page from one
// entry to another (move_present_ptes()). The locks are the caller's.

// MfillInstallPTE is mfill_atomic_install_pte() for a page newly
// allocated for a private anonymous VMA: if the entry at addr is still
// none, p becomes v's exclusive anonymous page there
// (folio_add_new_anon_rmap(..., RMAP_EXCLUSIVE), set_pte_at(): dirty,
// writable when the VMA is), and the caller's reference passes to the
// page table. EEXIST when the entry is not none, EAGAIN when there is no
// PTE table (pte_offset_map_lock() fails), EINVAL for another mm's VMA or
// an address outside it.
func (m *MM) MfillInstallPTE(v *VMA, addr Addr, p *Page) error {
	const op = "mfill_atomic_install_pte"
	t, err := m.mfillNonePTE(op, v, addr)
	if err != nil {
		return err
	}
	addr &= PageMask
	m.makeAnon(p, v, addr)
	p.data = true // the copied or zeroed contents, __folio_mark_uptodate()
	pte := MkPTE(p.PFN, PTEAccessed|PTEDirty|v.CacheBits)
	if v.Flags&VM_WRITE != 0 {
		pte |= PTEWrite
	}
	m.setEntry(t, t.Index(addr), pte)
	_ = p.Put()
	return nil
}

// MfillZeroPTE is mfill_atomic_pte_zeropage()'s section: the zero page,
// special and read-only, at a none entry. EEXIST and EAGAIN as for
// MfillInstallPTE.
func (m *MM) MfillZeroPTE(v *VMA, addr Addr) error {
	const op = "mfill_atomic_pte_zeropage"
	t, err := m.mfillNonePTE(op, v, addr)
	if err != nil {
		return err
	}
	addr &= PageMask
	m.setEntry(t, t.Index(addr), MkPTE(m.mem.zero.PFN, PTEAccessed|PTESpecial))
	return nil
}

// MovePTE is the data side of move_pages_ptes() (UFFDIO_MOVE) for one
// entry, under both PTE locks the caller holds: the entry at src of
// srcVMA moves to dst of dstVMA, the two in this mm. A present exclusive
// anonymous page moves with its rmap (folio_move_anon_rmap(): the page
// joins dstVMA's anon_vma, folio->index = linear_page_index(dstVMA, dst));
// the zero page moves as itself (move_zeropage_pte()); the source's TLB
// entry is flushed. It returns the bytes moved: PageSize, or 0 for a none
// source with allowHoles ("nothing to do to move a hole", counted as
// moved by the caller). Errors: EEXIST (the destination is not none),
// ENOENT (a none source without allowHoles), EBUSY (a page that is not an
// exclusive small anonymous one: shared after fork, a file page, a THP; the caller tests a DMA pin), EAGAIN (a
// PTE table is missing), EINVAL (dstVMA without an anon_vma).
func (m *MM) MovePTE(dstVMA, srcVMA *VMA, dst, src Addr, allowHoles bool) (uint64, error) {
	const op = "move_pages_ptes"
	for _, x := range []struct {
		v *VMA
		a Addr
	}{{dstVMA, dst}, {srcVMA, src}} {
		if err := m.checkFaultVMA(op, x.v, x.a); err != nil {
			return 0, err
		}
	}
	dst, src = dst&PageMask, src&PageMask
	dw, sw := m.Walk(dst), m.Walk(src)
	dt, st := dw.PTETable(), sw.PTETable()
	switch {
	case dt == nil || st == nil || dw.Huge() || sw.Huge():
		return 0, errf(op, EAGAIN, "no PTE table")
	case dw.Entry != 0:
		return 0, errf(op, EEXIST, "destination PTE not none")
	case sw.Entry == 0 && allowHoles:
		return 0, nil
	case sw.Entry == 0:
		return 0, errf(op, ENOENT, "source PTE none")
	case dstVMA.anonVMA == nil:
		return 0, errf(op, EINVAL, "destination VMA without an anon_vma")
	}
	e := sw.Entry
	p := m.mem.Page(e.PFN())
	if p != nil && p.zero {
		m.setEntry(st, st.Index(src), 0) // ptep_clear_flush()
		m.TLB.FlushRange(src, src+PageSize)
		m.setEntry(dt, dt.Index(dst), MkPTE(m.mem.zero.PFN, PTEAccessed|PTESpecial))
		return PageSize, nil
	}
	if p == nil || e.Special() || !p.anon || p.mapcount != 1 || p.Folio().order != 0 {
		return 0, errf(op, EBUSY, "not an exclusive small anonymous page")
	}
	_ = p.Get() // the source's reference, held across the move
	m.setEntry(st, st.Index(src), 0)
	m.TLB.FlushRange(src, src+PageSize)
	p.anonVMA = dstVMA.anonVMA // folio_move_anon_rmap()
	p.index = dstVMA.PgoffOf(dst)
	ne := MkPTE(p.PFN, PTEAccessed|(e&PTEDirty)|dstVMA.CacheBits)
	if dstVMA.Flags&VM_WRITE != 0 {
		ne |= PTEWrite // pte_mkwrite(orig_dst_pte, dst_vma)
	}
	m.setEntry(dt, dt.Index(dst), ne)
	_ = p.Put()
	return PageSize, nil
}

// mfillNonePTE is the PTE table of addr in v when the entry there is
// none, as both mfill sections need it: EAGAIN without a PTE table
// (pte_offset_map_lock() fails), EEXIST when the entry is in use.
func (m *MM) mfillNonePTE(op string, v *VMA, addr Addr) (*PageTable, error) {
	if err := m.checkFaultVMA(op, v, addr); err != nil {
		return nil, err
	}
	w := m.Walk(addr & PageMask)
	t := w.PTETable()
	switch {
	case t == nil || w.Huge():
		return nil, errf(op, EAGAIN, "no PTE table")
	case w.Entry != 0:
		return nil, errf(op, EEXIST, "PTE not none")
	}
	return t, nil
}
