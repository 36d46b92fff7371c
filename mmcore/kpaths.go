package mmcore

// Entry points for the kernel library's paths (runtime/kernel/*.mms),
// which run mprotect, madvise and brk one kernel step at a time: each
// exposes one step that the whole-syscall functions (Mprotect, Madvise,
// SysBrk) otherwise run inside themselves.

// MadviseBehaviorValid is madvise_behavior_valid().
func MadviseBehaviorValid(a Advice) bool { return madviseBehaviorValid(a) }

// MadviseVMABehavior is madvise_vma_behavior() for [start, end) inside v,
// prev being the VMA before v (or v when start lies inside it). It returns
// the VMA now covering start.
func (m *MM) MadviseVMABehavior(v, prev *VMA, start, end Addr, advice Advice) (*VMA, error) {
	return m.madviseVMABehavior(v, prev, start, end, advice)
}

// MadvisePopulate is madvise_populate() over [start, end).
func (m *MM) MadvisePopulate(start, end Addr, write bool) error {
	return m.madvisePopulate(start, end, write)
}

// MprotectFlags is the new vm_flags do_mprotect_pkey() computes for v and
// prot: calc_vm_prot_bits() with arch_override_mprotect_pkey(), plus the
// flags outside VM_ACCESS_FLAGS that v keeps.
func (m *MM) MprotectFlags(v *VMA, prot Prot) VMFlags { return m.mprotectFlags(v, prot) }

// SetBrk sets mm->brk (the brk syscall does, under the mmap write lock).
func (m *MM) SetBrk(a Addr) { m.brk = a }

// VMStartGap is vm_start_gap(): v's start less the stack guard gap below a
// VM_GROWSDOWN VMA.
func VMStartGap(v *VMA) Addr { return vmStartGap(v) }

// MadviseColdGathered is the PTE loop of madvise_cold_or_pageout_pte_range()
// for MADV_COLD over [start, end) inside v, as the kernel path runs it
// inside the caller's mmu_gather: a large folio the range maps only in
// part is split (split_folio(), madviseSplitLargeFolios); each young
// present entry of a folio mapped only here (folio_mapcount() ==
// folio_nr_pages()) is made old (clear_young_dirty_ptes(vma, addr, pte,
// nr, CYDP_CLEAR_YOUNG)), its flush left to the gather
// (tlb_remove_tlb_entries()). folio_deactivate() and the other LRU moves
// change nothing mmcore shows. It returns the span [lo, hi) of the entries
// it changed (lo == hi: none).
func (m *MM) MadviseColdGathered(v *VMA, start, end Addr) (lo, hi Addr) {
	start, end = max(start&PageMask, v.start), min(end, v.end)
	m.madviseSplitLargeFolios(v, start, end)
	m.forEachPTE(start, end, func(t *PageTable, i int, e PTE) {
		p := m.accountedPage(e)
		if p == nil || e&PTEAccessed == 0 {
			return
		}
		f := p.Folio()
		if f.order == 0 && p.mapcount != 1 || f.order > 0 && folioPTEMapcount(f)+int(f.entireMapcount)<<f.order != 1<<f.order {
			return // do not interfere with other mappings of this folio
		}
		t.ptes[i] = e.Without(PTEAccessed)
		a := t.base + Addr(i)<<t.shift
		if lo == hi {
			lo, hi = a, a+PageSize
			return
		}
		lo, hi = min(lo, a), max(hi, a+PageSize)
	})
	return lo, hi
}

// MadviseSplitLargeFolios splits the large folios [start, end) of v maps
// only in part (the split_folio() of madvise_cold_or_pageout_pte_range()
// and madvise_free_pte_range()).
func (m *MM) MadviseSplitLargeFolios(v *VMA, start, end Addr) {
	m.madviseSplitLargeFolios(v, start, end)
}

// MadvisePageout is MADV_PAGEOUT's work on [start, end) of v: the large
// folios mapped there in part split, then reclaim_pages() of the folios
// madvise_cold_or_pageout_pte_range() isolates (madvisePageout).
func (m *MM) MadvisePageout(v *VMA, start, end Addr) {
	m.madviseSplitLargeFolios(v, start, end)
	m.madvisePageout(v, start, end)
}
