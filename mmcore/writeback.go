package mmcore

// The dirty state of file folios against the page tables and the TLB: a
// zap that keeps a dirty file folio's rmap until its TLB flush, the
// write-protect-and-clean of folio_mkclean(), and the writeback's
// clearing of the folio's dirty flag. Together with TLB.lookup's
// Translation.LostWrite they let a caller see a store that reached a page
// writeback had already cleaned, through a translation that the rmap walk
// of folio_mkclean() could not find any more.

// ZapRangeDelayRmap is ZapRange as zap_present_folio_ptes() (mm/memory.c)
// zaps on SMP, where tlb_delay_rmap() is true: an entry mapping a folio
// that is not anonymous and whose entry was dirty is cleared, the folio
// marked dirty (folio_mark_dirty()), but its rmap (the mapcount, the
// mapping's reference and the RSS count) stays until the caller's TLB
// flush: the caller removes it with RemoveRmap (tlb_flush_rmaps()). Until
// then folio_mkclean() still sees the folio mapped and walks to the entry
// under its PTE lock, which the zap holds until after the flush (fix
// 5df397dec7c4 "mm: delay page_remove_rmap() until after the TLB has
// been flushed"). It returns the number of present entries cleared and
// the pages whose rmap removal it delayed, in address order.
func (m *MM) ZapRangeDelayRmap(v *VMA, start, end Addr) (int, []*Page) {
	delayed := []*Page{}
	n := m.zapRange(v, start, end, &delayed)
	return n, delayed
}

// clearKeepRmap clears t[i], which maps p through a dirty entry, moving
// the dirty bit to the page and keeping the rmap's accounting.
func (m *MM) clearKeepRmap(t *PageTable, i int, p *Page) {
	p.dirty = true // folio_mark_dirty()
	t.used--
	m.ptChanged()
	t.ptes[i] = 0
}

// RemoveRmap drops the rmap of one entry whose removal a zap delayed
// (ZapRangeDelayRmap): the mapcount, the RSS count and the mapping's
// reference (tlb_flush_rmaps() -> folio_remove_rmap_ptes(); the page's
// reference goes with the gather's batch, which mmcore frees at once).
func (m *MM) RemoveRmap(p *Page) {
	p.mapcount--
	m.rssAdd(p, -1)
	if !p.freed {
		_ = p.Put()
	}
}

// MkcleanPTE write-protects and cleans the entry mapping addr, as the
// loop of page_vma_mkclean_one() (mm/rmap.c) does for each entry the
// walk finds: an entry neither dirty nor writable is left alone (false);
// otherwise ptep_clear_flush() (the TLB entries of addr are flushed on
// every CPU: a CPU can no longer write through its old translation
// without faulting), then set_pte_at() of pte_mkclean(pte_wrprotect()).
// The dirty bit is dropped, not moved to the folio: folio_mkclean()'s
// caller marks the folio dirty again when it cleaned an entry
// (folio_clear_dirty_for_io()). The mapcount does not change.
func (m *MM) MkcleanPTE(addr Addr) bool {
	w := m.Walk(addr)
	if w.Depth != LevelPTE || !w.Present() {
		return false
	}
	e := w.Entry
	if !e.Dirty() && !e.Writable() {
		return false
	}
	m.TLB.FlushRange(addr&PageMask, addr&PageMask+PageSize)
	t := w.Tables[LevelPTE]
	m.ptChanged()
	t.ptes[t.Index(addr)] = e.Without(PTEWrite | PTEDirty)
	return true
}

// TestClearDirty clears the folio's dirty flag and reports whether it was
// set (folio_test_clear_dirty(), as folio_clear_dirty_for_io() calls it
// before writeback writes the folio out): from here on the page's
// contents count as written back, and a store must dirty the folio again
// (through a fault on the write-protected entry) to be written.
func (p *Page) TestClearDirty() bool {
	f := p.Folio()
	was := false
	for i := 0; i < 1<<f.order; i++ {
		q := f
		if i > 0 {
			q = f.mem.pages[f.PFN-firstPFN+PFN(i)]
		}
		was = was || q.dirty
		q.dirty = false
	}
	return was
}

// folioDirty reports whether p's folio is dirty: the flag is the folio's
// in the kernel; mmcore marks the page a store reached and the head.
func (p *Page) folioDirty() bool {
	if p.dirty {
		return true
	}
	f := p.Folio()
	for i := 0; i < 1<<f.order; i++ {
		if f.mem.pages[f.PFN-firstPFN+PFN(i)].dirty {
			return true
		}
	}
	return false
}

// FolioMapped reports whether any page of p's folio is mapped, by a PMD
// or a PTE (folio_mapped()).
func (p *Page) FolioMapped() bool {
	f := p.Folio()
	if f.entireMapcount > 0 {
		return true
	}
	for i := 0; i < 1<<f.order; i++ {
		if f.mem.pages[f.PFN-firstPFN+PFN(i)].mapcount > 0 {
			return true
		}
	}
	return false
}
