package mmcore

import "testing"

// TestDirtyFileZapAndMkclean drives the race of 5df397dec7c4 ("mm: delay
// page_remove_rmap() until after the TLB has been flushed") in mmcore's
// terms: CPU 0 has written a shared file page (its cached translation is
// writable and dirty); a zap clears the entry; writeback runs
// folio_mkclean() (which walks only while the folio is mapped) and clears
// the dirty flag; CPU 0 stores again. The store is lost exactly when it
// reaches the page through the stale translation after the folio was
// cleaned.
func TestDirtyFileZapAndMkclean(t *testing.T) {
	for _, tc := range []struct {
		name string
		// run the zap and the writeback in the order the case says;
		// returns whether the writeback found the folio mapped.
		steps    func(m *MM, v *VMA, p *Page) (mappedAtWriteback bool)
		wantLost bool
		wantOK   bool // the second store does not fault
	}{
		{"rmap removed before the flush (v6.1)", func(m *MM, v *VMA, p *Page) bool {
			m.ZapRange(v, v.Start(), v.End()) // folio_remove_rmap_pte() at once
			mapped := p.Mapcount() > 0        // folio_mkclean(): !folio_mapped(): return 0
			p.TestClearDirty()
			return mapped
		}, true, true},
		{"rmap delayed until after the flush", func(m *MM, v *VMA, p *Page) bool {
			_, delayed := m.ZapRangeDelayRmap(v, v.Start(), v.End())
			if len(delayed) != 1 || delayed[0] != p || p.Mapcount() != 1 || !p.Dirty() {
				t.Fatalf("delayed %v, mapcount %d, dirty %v", delayed, p.Mapcount(), p.Dirty())
			}
			// writeback sees the folio mapped and waits for the PTE
			// lock, which the zap drops after the flush and the rmap
			// removal
			mapped := p.Mapcount() > 0
			m.TLB.FlushRange(v.Start(), v.End()) // tlb_flush_mmu_tlbonly()
			m.RemoveRmap(delayed[0])             // tlb_flush_rmaps()
			if m.MkcleanPTE(v.Start()) {
				t.Fatal("mkclean found the zapped entry")
			}
			p.TestClearDirty()
			return mapped
		}, false, false},
		{"mkclean before the zap", func(m *MM, v *VMA, p *Page) bool {
			if !m.MkcleanPTE(v.Start()) {
				t.Fatal("mkclean left a dirty writable entry")
			}
			if e := m.Walk(v.Start()).Entry; e.Writable() || e.Dirty() {
				t.Fatalf("entry after mkclean %v", e)
			}
			p.TestClearDirty()
			return true
		}, false, false},
		{"stale store before writeback", func(m *MM, v *VMA, p *Page) bool {
			m.ZapRange(v, v.Start(), v.End())
			return false // the store comes while the folio is still dirty
		}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMM(t, 4)
			f := NewFile("F", 4)
			v := mustMmap(t, m, pg(0), 1, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, f, 0)
			if _, ok := m.TLB.TranslateWrite(0, pg(0)); ok {
				t.Fatal("store to an unfaulted page did not fault")
			}
			p := mustFault(t, m, v, pg(0), true).Page
			if tr, ok := m.TLB.TranslateWrite(0, pg(0)); !ok || tr.Stale || tr.LostWrite || !tr.PTE.Dirty() {
				t.Fatalf("first store %+v %v", tr, ok)
			}
			if !p.Dirty() || p.Mapping() == nil {
				t.Fatalf("page dirty %v mapping %v", p.Dirty(), p.Mapping())
			}
			tc.steps(m, v, p)
			tr, ok := m.TLB.TranslateWrite(0, pg(0))
			if tr.LostWrite != tc.wantLost || ok != tc.wantOK {
				t.Fatalf("second store: lost %v ok %v, want lost %v ok %v (%+v)", tr.LostWrite, ok, tc.wantLost, tc.wantOK, tr)
			}
		})
	}
}

// TestZapRangeDelayRmapOnlyDirtyFile: only a dirty entry of a folio that
// is not anonymous keeps its rmap (zap_present_folio_ptes(): the delay is
// inside "if (!folio_test_anon(folio)) { ... if (pte_dirty(ptent))").
func TestZapRangeDelayRmapOnlyDirtyFile(t *testing.T) {
	m := newMM(t, 4)
	f := NewFile("F", 4)
	fv := mustMmap(t, m, pg(0), 2, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, f, 0)
	a := mustMmap(t, m, pg(8), 1, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	dirty := mustFault(t, m, fv, pg(0), true).Page
	clean := mustFault(t, m, fv, pg(1), false).Page
	anon := mustFault(t, m, a, pg(8), true).Page
	n, delayed := m.ZapRangeDelayRmap(fv, fv.Start(), fv.End())
	if n != 2 || len(delayed) != 1 || delayed[0] != dirty {
		t.Fatalf("zapped %d, delayed %v", n, delayed)
	}
	if dirty.Mapcount() != 1 || clean.Mapcount() != 0 || m.RSS().File != 1 {
		t.Fatalf("mapcounts %d %d rss %+v", dirty.Mapcount(), clean.Mapcount(), m.RSS())
	}
	if m.Walk(pg(0)).Present() || m.Walk(pg(1)).Present() {
		t.Fatal("an entry survived the zap")
	}
	m.RemoveRmap(dirty)
	if dirty.Mapcount() != 0 || m.RSS().File != 0 || dirty.Freed() || !dirty.Dirty() {
		t.Fatalf("after RemoveRmap: mapcount %d rss %+v freed %v dirty %v", dirty.Mapcount(), m.RSS(), dirty.Freed(), dirty.Dirty())
	}
	if n, delayed := m.ZapRangeDelayRmap(a, a.Start(), a.End()); n != 1 || len(delayed) != 0 || !anon.Freed() {
		t.Fatalf("anon zap %d delayed %v freed %v", n, delayed, anon.Freed())
	}
}
