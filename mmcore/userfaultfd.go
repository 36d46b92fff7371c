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
	if err := m.checkFaultVMA(op, v, addr); err != nil {
		return err
	}
	addr &= PageMask
	w := m.Walk(addr)
	t := w.PTETable()
	switch {
	case t == nil || w.Huge():
		return errf(op, EAGAIN, "no PTE table")
	case w.Entry != 0:
		return errf(op, EEXIST, "PTE not none")
	}
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
	if err := m.checkFaultVMA(op, v, addr); err != nil {
		return err
	}
	addr &= PageMask
	w := m.Walk(addr)
	t := w.PTETable()
	switch {
	case t == nil || w.Huge():
		return errf(op, EAGAIN, "no PTE table")
	case w.Entry != 0:
		return errf(op, EEXIST, "PTE not none")
	}
	m.setEntry(t, t.Index(addr), MkPTE(m.mem.zero.PFN, PTEAccessed|PTESpecial))
	return nil
}
