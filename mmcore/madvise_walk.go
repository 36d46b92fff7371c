package mmcore

// The page-table loops of MADV_FREE, MADV_COLD and MADV_PAGEOUT as
// mm/madvise.c runs them (linux-mm 2026: madvise_free_pte_range(),
// madvise_cold_or_pageout_pte_range(); mm/huge_memory.c:
// madvise_free_huge_pmd()). The kernel drops the PTE lock around the
// split of a large folio the range maps only in part, so the loops here
// either stop at such a folio (the kernel library's steps, which split
// it as a step of its own) or split it in place (the whole-syscall
// Madvise, which has no other thread between its steps).

// madvisePTELoop says what one turn of a madvise PTE loop does to the
// entries of a folio: FREE cleans them, COLD makes them old, PAGEOUT
// leaves them (reclaim_pages() after the lock drops).
type madvisePTELoop uint8

const (
	loopFree madvisePTELoop = iota
	loopCold
	loopPageout
)

// folioDirty is folio_test_dirty(): mmcore keeps the dirty bit per page
// (Store sets it on the page written), so a large folio is dirty when
// one of its pages is.
func folioDirty(f *Page) bool {
	for k := 0; k < 1<<f.order; k++ {
		if f.subpage(k).dirty {
			return true
		}
	}
	return false
}

// folioMapcount is folio_mapcount(): every PTE mapping of its pages
// and, per PMD mapping it whole, one per page.
func folioMapcount(f *Page) int {
	if f.order == 0 {
		return int(f.mapcount)
	}
	return folioPTEMapcount(f) + int(f.entireMapcount)<<f.order
}

// FolioMaybeMappedShared is folio_maybe_mapped_shared()
// (include/linux/mm.h): a small folio mapped more than once, a large
// one mapped by more than one mm (the folio's _mm_id tracking, which
// is exact for an mm that maps it alone).
func FolioMaybeMappedShared(f *Page) bool {
	f = f.Folio()
	if f.order == 0 {
		return f.mapcount > 1
	}
	pmds, ptes := folioMappings(f)
	var one *MM
	for _, x := range append(pmds, ptes...) {
		if one != nil && x.mm != one {
			return true
		}
		one = x.mm
	}
	return false
}

// MadviseFolioPTEBatch is madvise_folio_pte_batch() (mm/madvise.c): how
// many consecutive PTEs from addr, below end and in addr's PTE table,
// map consecutive pages of folio, starting with the page mapped at addr.
func (m *MM) MadviseFolioPTEBatch(addr, end Addr, folio *Page) int {
	w := m.Walk(addr)
	p := m.accountedPage(w.Entry)
	if w.Depth != LevelPTE || p == nil || p.Folio() != folio.Folio() {
		return 1
	}
	return folioPTEBatch(m, addr, min(end, w.Tables[LevelPTE].End()), p)
}

// SplitFolio is split_folio() (mm/huge_memory.c: __folio_split()) of a
// large folio whose lock the caller holds, the caller holding held
// references to it besides the mappings' and the page cache's (the
// kernel's callers folio_get() it: 1; mmcore's whole-syscall paths take
// none: 0). Any other reference (a pin, reclaim's isolation) fails it
// with -EAGAIN (folio_expected_ref_count(folio) != folio_ref_count(folio)
// - 1). A PMD mapping is split first (unmap_folio() with
// TTU_SPLIT_HUGE_PMD), every page becomes a folio of its own and is
// mapped again (remap_page()). A large anonymous folio splits
// (splitFolio), a shmem folio too (splitShmemFolio, unmapped from every
// mapping); a folio of a disk file is left whole here (a dirty ext4
// folio fails, observed), -EBUSY. A small folio is -EINVAL.
func SplitFolio(f *Page, held int32) error {
	f = f.Folio()
	if f.order == 0 || f.freed {
		return errf("split_folio", EINVAL, "not a large folio")
	}
	if !f.anon && (f.mapping == nil || !f.mapping.shmem) {
		return errf("split_folio", EBUSY, "a page-cache folio of a disk file")
	}
	expected := int32(folioPTEMapcount(f)) + f.entireMapcount
	if !f.anon {
		expected += 1 << f.order // the page cache's
	}
	if f.refcount-held != expected {
		return errf("split_folio", EAGAIN, "the folio has references besides its mappings'")
	}
	if f.anon {
		splitFolio(f)
	} else {
		splitShmemFolio(f, -1)
	}
	return nil
}

// madviseLoop is the for loop of madvise_free_pte_range() (loopFree) or
// madvise_cold_or_pageout_pte_range() over [start, end) inside v. At a
// large folio the range maps only in part (a batch shorter than the
// folio) it stops and returns its address and folio, unless split is
// set: then a folio nothing else maps is split there (split_folio()) and
// the loop goes on at the same entry (if (!err) nr = 0), and a shared
// one is passed over (folio_maybe_mapped_shared(folio): continue). It
// returns the span [lo, hi) of the entries it changed (lo == hi: none),
// whose TLB entries the caller gathers (tlb_remove_tlb_entries()).
// trylock is MADV_FREE's folio_trylock() of a dirty folio (nil: it
// succeeds); a folio it fails on is passed over.
func (m *MM) madviseLoop(v *VMA, start, end Addr, kind madvisePTELoop, split bool, trylock func(*Page) bool) (stop Addr, folio *Page, lo, hi Addr) {
	start, end = max(start&PageMask, v.start), min(end, v.end)
	span := func(a, b Addr) {
		if lo == hi {
			lo, hi = a, b
			return
		}
		lo, hi = min(lo, a), max(hi, b)
	}
	if trylock == nil && m.folioLocked != nil {
		trylock = func(f *Page) bool { return !m.folioTrylockFails(f) }
	}
	for a := start; a < end; {
		w := m.Walk(a)
		if w.Depth != LevelPTE {
			if w.Depth == LevelNone {
				break
			}
			a = w.skip() // no PTE table: pte_offset_map_lock() fails, return 0
			continue
		}
		t := w.Tables[LevelPTE]
		e := w.Entry
		// vm_normal_folio(): none, swap and marker entries, the zero page
		// and special entries have no folio: continue
		p := m.accountedPage(e)
		if p == nil {
			a += PageSize
			continue
		}
		f := p.Folio()
		nr := 1
		if f.order > 0 {
			nr = folioPTEBatch(m, a, min(end, t.End()), p)
			if nr < 1<<f.order {
				if !split {
					return a, f, lo, hi
				}
				// if (folio_maybe_mapped_shared(folio) ||
				// !folio_trylock(folio)) continue;
				if FolioMaybeMappedShared(f) || m.folioTrylockFails(f) {
					a += Addr(nr) << PageShift
					continue
				}
				if SplitFolio(f, 0) == nil {
					continue // if (!err) nr = 0
				}
				a += Addr(nr) << PageShift
				continue
			}
		}
		i := t.Index(a)
		switch kind {
		case loopFree:
			if folioDirty(f) { // || folio_test_swapcache(folio): no swap here
				if trylock != nil && !trylock(f) {
					a += Addr(nr) << PageShift
					continue
				}
				// "If we have a large folio at this point, we know it is
				// fully mapped so if its mapcount is the same as its
				// number of pages, it must be exclusive."
				if folioMapcount(f) != 1<<f.order {
					a += Addr(nr) << PageShift
					continue
				}
				for k := 0; k < 1<<f.order; k++ {
					f.subpage(k).dirty = false // folio_clear_dirty()
				}
			}
			changed := false
			for k := 0; k < nr; k++ {
				if x := t.ptes[i+k]; x&(PTEAccessed|PTEDirty) != 0 {
					t.ptes[i+k] = x.Without(PTEAccessed | PTEDirty)
					changed = true
				}
			}
			if changed { // clear_young_dirty_ptes(); tlb_remove_tlb_entries()
				span(a, a+Addr(nr)<<PageShift)
			}
			// folio_mark_lazyfree(): LRU lists mmcore does not show
		case loopCold:
			// !folio_test_lru(folio) || folio_mapcount(folio) != folio_nr_pages(folio)
			if folioMapcount(f) != 1<<f.order {
				a += Addr(nr) << PageShift
				continue
			}
			changed := false
			for k := 0; k < nr; k++ {
				if x := t.ptes[i+k]; x&PTEAccessed != 0 {
					t.ptes[i+k] = x.Without(PTEAccessed)
					changed = true
				}
			}
			if changed {
				span(a, a+Addr(nr)<<PageShift)
			}
		}
		a += Addr(nr) << PageShift
	}
	return end, nil, lo, hi
}

// MadviseFreePTEs is the for loop of madvise_free_pte_range() over
// [start, end) inside v as the kernel path runs it, under the PTE lock
// and inside the caller's mmu_gather: it stops at a large folio the range
// maps only in part (stop < end, folio: the kernel drops the lock, splits
// it and takes the lock again), passing the swap-less kernel's tests on
// the way: a dirty folio is cleaned only when exclusive (folio_mapcount()
// == folio_nr_pages()), and each entry of a folio that passes is made old
// and clean (clear_young_dirty_ptes()). It returns the span [lo, hi) of
// the entries changed, for the gather (lo == hi: none). trylock is the
// folio_trylock() of a dirty folio: one it fails on is passed over.
func (m *MM) MadviseFreePTEs(v *VMA, start, end Addr, trylock func(*Page) bool) (stop Addr, folio *Page, lo, hi Addr) {
	return m.madviseLoop(v, start, end, loopFree, false, trylock)
}

// MadviseColdPTEs is the for loop of madvise_cold_or_pageout_pte_range()
// over [start, end) inside v, as MadviseFreePTEs is for MADV_FREE: it stops
// at a large folio mapped only in part; for MADV_COLD each young entry of
// a folio mapped only here (folio_mapcount() == folio_nr_pages()) is made
// old (clear_young_dirty_ptes(CYDP_CLEAR_YOUNG)); for MADV_PAGEOUT no
// entry changes (the folios go to reclaim_pages(), MadviseReclaimPages).
func (m *MM) MadviseColdPTEs(v *VMA, start, end Addr, pageout bool) (stop Addr, folio *Page, lo, hi Addr) {
	kind := loopCold
	if pageout {
		kind = loopPageout
	}
	return m.madviseLoop(v, start, end, kind, false, nil)
}

// MadviseFreeHugePMD is madvise_free_huge_pmd() for a huge PMD at addr
// that the range covers whole, its folio exclusive and locked (the
// caller's tests): folio_clear_dirty(), and a young or dirty entry made
// old and clean through pmdp_invalidate() (which flushes its TLB range)
// and set_pmd_at(). It reports whether the entry changed
// (tlb_remove_pmd_tlb_entry()).
func (m *MM) MadviseFreeHugePMD(addr Addr) bool {
	return m.madviseHugePMD(addr, PTEAccessed|PTEDirty)
}

// MadviseColdHugePMD is MADV_COLD's change of a huge PMD the range
// covers whole (madvise_cold_or_pageout_pte_range(): if (!pageout &&
// pmd_young(orig_pmd))): a young entry made old through
// pmdp_invalidate() and set_pmd_at(). It reports whether it changed.
func (m *MM) MadviseColdHugePMD(addr Addr) bool {
	return m.madviseHugePMD(addr, PTEAccessed)
}

func (m *MM) madviseHugePMD(addr Addr, bits PTE) bool {
	w := m.Walk(addr)
	if !w.Huge() {
		return false
	}
	t := w.Tables[LevelPMD]
	i := t.Index(addr)
	e := t.huge[i]
	if f := m.hugeFolio(e); f != nil && bits&PTEDirty != 0 {
		for k := 0; k < 1<<f.order; k++ {
			f.subpage(k).dirty = false // folio_clear_dirty()
		}
	}
	if e&bits == 0 {
		return false
	}
	m.InvalidateHugePMD(addr)
	m.ptChanged()
	t.huge[i] = e.Without(bits)
	return true
}

// MadviseReclaimPages is reclaim_pages() of the folios
// madvise_cold_or_pageout_pte_range() isolated in [start, end) of v
// (madvisePageout), after its loop split what it could.
func (m *MM) MadviseReclaimPages(v *VMA, start, end Addr) {
	m.madvisePageout(v, start, end)
}

// madviseWalk is walk_page_range_vma() of MADV_FREE, MADV_COLD or
// MADV_PAGEOUT over [start, end) of v as one step, with no other thread
// in between: each huge PMD as madvise_free_huge_pmd() or the PMD branch
// of madvise_cold_or_pageout_pte_range() take it (a folio another mm
// maps is left alone; one covered in part is split and its PTEs walked;
// a whole one cleaned or made old), then the PTE loop, splitting in
// place. It returns the span of the entries changed (lo == hi: none).
func (m *MM) madviseWalk(v *VMA, start, end Addr, kind madvisePTELoop) (lo, hi Addr) {
	start, end = max(start&PageMask, v.start), min(end, v.end)
	m.forEachHugePMD(start, end, func(t *PageTable, i int, h Addr) {
		f := m.hugeFolio(t.huge[i]) // nil: the huge zero page
		if f == nil || FolioMaybeMappedShared(f) {
			return
		}
		// madvise_free_huge_pmd() leaves a folio it cannot trylock,
		// covered whole or not. The PMD branch of
		// madvise_cold_or_pageout_pte_range() changes a whole one
		// without its lock, and folio_lock()s one covered in part to
		// split it, waiting for the holder: a step cannot wait, so that
		// folio is left whole here, as if the walk had come first.
		locked := m.folioTrylockFails(f)
		if kind == loopFree && locked {
			return
		}
		if h < start || h+PMD_SIZE > end {
			if !locked {
				_ = SplitFolio(f, 0) // a failed split leaves the PMD, which the PTE walk then skips
			}
			return
		}
		changed := false
		switch kind {
		case loopFree:
			changed = m.MadviseFreeHugePMD(h)
		case loopCold:
			changed = m.MadviseColdHugePMD(h)
		}
		if changed {
			if lo == hi {
				lo, hi = h, h+PMD_SIZE
			} else {
				lo, hi = min(lo, h), max(hi, h+PMD_SIZE)
			}
		}
	})
	_, _, plo, phi := m.madviseLoop(v, start, end, kind, true, nil)
	if phi > plo {
		if lo == hi {
			lo, hi = plo, phi
		} else {
			lo, hi = min(lo, plo), max(hi, phi)
		}
	}
	return lo, hi
}

// MadviseColdWalk is the walk of madvise_cold() or madvise_pageout()
// (walk_page_range_vma() with madvise_cold_or_pageout_pte_range()) over
// [start, end) of v in one piece (madviseWalk: a large folio mapped in
// part split in place); the caller holds the PMD or PTE lock of the range
// and flushes the returned span of the entries made old (lo == hi: none)
// as tlb_finish_mmu() does; MADV_PAGEOUT's reclaim_pages() is
// MadviseReclaimPages, after the lock is dropped.
func (m *MM) MadviseColdWalk(v *VMA, start, end Addr, pageout bool) (lo, hi Addr) {
	kind := loopCold
	if pageout {
		kind = loopPageout
	}
	return m.madviseWalk(v, start, end, kind)
}
