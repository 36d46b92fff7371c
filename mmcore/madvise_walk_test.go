package mmcore

import "testing"

// TestMadviseFreeExclusivity: MADV_FREE asks for exclusivity only where
// the kernel does (mm/madvise.c madvise_free_pte_range(), linux-mm 2026):
// a dirty folio (or one in the swap cache) is cleaned only when
// folio_mapcount() == folio_nr_pages(); a clean folio's entries are made
// old and clean whoever else maps it; a large folio the range maps in
// part is split only when no other mm maps it
// (folio_maybe_mapped_shared()); a huge PMD covered whole
// (madvise_free_huge_pmd()) is made old and clean unless another mm maps
// its folio. mmcore asked for anon && mapcount == 1 of every page before,
// and left huge PMDs alone.
func TestMadviseFreeExclusivity(t *testing.T) {
	const base = thpBase
	type result struct {
		young, dirty bool // the entry mapping base after MADV_FREE
		pageDirty    bool // the folio of base
		huge         bool // base still PMD-mapped
	}
	for _, tc := range []struct {
		name  string
		thp   bool
		dirty bool // the folio dirty before MADV_FREE
		fork  bool // a child maps the folio too
		pages uint64
		want  result
	}{
		{"small, exclusive, dirty", false, true, false, 1, result{false, false, false, false}},
		{"small, exclusive, clean", false, false, false, 1, result{false, false, false, false}},
		{"small, shared, dirty: folio_mapcount() != folio_nr_pages()", false, true, true, 1, result{true, true, true, false}},
		{"small, shared, clean: no exclusivity asked", false, false, true, 1, result{false, false, false, false}},
		{"THP covered whole, exclusive", true, true, false, 512, result{false, false, false, true}},
		{"THP covered whole, shared", true, true, true, 512, result{true, true, true, true}},
		{"THP covered in part, exclusive: split", true, true, false, 1, result{false, false, false, false}},
		{"THP covered in part, shared: left whole", true, true, true, 1, result{true, true, true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMM(t, 4)
			v := thpVMA(t, m, base, 512)
			if !tc.thp {
				v.Flags = v.Flags&^VM_HUGEPAGE | VM_NOHUGEPAGE
			}
			mustFault(t, m, v, base, true)
			if got := m.Walk(base).Huge(); got != tc.thp {
				t.Fatalf("PMD-mapped %v after the fault, want %v", got, tc.thp)
			}
			p := mappedPage(t, m, base)
			p.data = true // written: the split keeps it (no zero page)
			p.Folio().dirty = tc.dirty
			if !tc.dirty {
				for k := 0; k < 1<<p.Folio().order; k++ {
					p.Folio().subpage(k).dirty = false
				}
			}
			if tc.fork {
				if _, _, err := m.Fork(); err != nil {
					t.Fatal(err)
				}
				// the parent's entry is young and dirty again (a CPU's
				// access after fork; the write fault's COW copy is not
				// wanted here)
				w := m.Walk(base)
				if w.Huge() {
					t := w.Tables[LevelPMD]
					t.huge[t.Index(base)] |= PTEAccessed | PTEDirty
				} else {
					t := w.Tables[LevelPTE]
					t.ptes[t.Index(base)] |= PTEAccessed | PTEDirty
				}
			}
			if err := m.Madvise(base, tc.pages*PageSize, MADV_FREE); err != nil {
				t.Fatal(err)
			}
			w := m.Walk(base)
			got := result{w.Entry&PTEAccessed != 0, w.Entry&PTEDirty != 0, folioDirty(mappedPage(t, m, base).Folio()), w.Huge()}
			if got != tc.want {
				t.Errorf("after MADV_FREE of %d pages: %+v, want %+v", tc.pages, got, tc.want)
			}
		})
	}
}

// TestMadviseLoopStopsAtSplit: the kernel path's loop (MadviseFreePTEs,
// MadviseColdPTEs) does not split: it stops at the first large folio
// mapped in part, before changing it, and returns it; the entries before
// it are changed.
func TestMadviseLoopStopsAtSplit(t *testing.T) {
	const base = thpBase
	for _, loop := range []string{"free", "cold", "pageout"} {
		t.Run(loop, func(t *testing.T) {
			m := newMM(t, 4)
			v := thpVMA(t, m, base, 1024)
			small := base + PMD_SIZE
			v.Flags = v.Flags&^VM_HUGEPAGE | VM_NOHUGEPAGE
			mustFault(t, m, v, small, true) // a small folio in the second PMD
			v.Flags = v.Flags&^VM_NOHUGEPAGE | VM_HUGEPAGE
			mustFault(t, m, v, base, true)
			m.SplitHugePMD(base) // PTE-mapped, one large folio
			head := mappedPage(t, m, base).Folio()
			var stop Addr
			var folio *Page
			switch loop {
			case "free":
				stop, folio, _, _ = m.MadviseFreePTEs(v, base+PMD_SIZE-PageSize, base+PMD_SIZE, nil)
			case "cold":
				stop, folio, _, _ = m.MadviseColdPTEs(v, base+PMD_SIZE-PageSize, base+PMD_SIZE, false)
			default:
				stop, folio, _, _ = m.MadviseColdPTEs(v, base+PMD_SIZE-PageSize, base+PMD_SIZE, true)
			}
			if stop != base+PMD_SIZE-PageSize || folio != head || head.Order() == 0 {
				t.Errorf("loop over the THP's last page stopped at %v with %v (order %d), want %v with the THP unsplit",
					stop, folio, head.Order(), base+PMD_SIZE-PageSize)
			}
			if stop, folio, _, _ = m.MadviseFreePTEs(v, small, small+PageSize, nil); stop != small+PageSize || folio != nil {
				t.Errorf("loop over a small folio stopped at %v with %v", stop, folio)
			}
			if w := m.Walk(small); w.Entry&(PTEDirty|PTEAccessed) != 0 {
				t.Errorf("the small folio's entry %v not cleaned", w.Entry)
			}
		})
	}
}

// TestMadviseFolioLockedQuery: with a folio_test_locked() answer installed
// (SetFolioLocked), the whole-syscall Madvise leaves a large folio another
// task holds locked as the kernel's failed folio_trylock() leaves it: not
// split (MADV_FREE, MADV_COLD and MADV_PAGEOUT of part of it) and, for
// MADV_FREE of all of it, not cleaned (madvise_free_huge_pmd()). Without
// the answer, or with the folio unlocked, the walk is as before.
func TestMadviseFolioLockedQuery(t *testing.T) {
	const base = thpBase
	for _, advice := range []Advice{MADV_FREE, MADV_COLD, MADV_PAGEOUT} {
		for _, q := range []string{"none", "unlocked", "locked"} {
			for _, pages := range []uint64{1, 512} {
				if pages == 512 && advice != MADV_FREE {
					continue // the PMD branch of MADV_COLD takes no folio lock
				}
				m := newMM(t, 4)
				v := thpVMA(t, m, base, 512)
				mustFault(t, m, v, base, true)
				f := mappedPage(t, m, base).Folio()
				f.data = true
				switch q {
				case "unlocked":
					m.SetFolioLocked(func(*Page) bool { return false })
				case "locked":
					m.SetFolioLocked(func(p *Page) bool { return p == f })
				}
				if err := m.Madvise(base, pages*PageSize, advice); err != nil {
					t.Fatal(err)
				}
				w := m.Walk(base)
				changed := !w.Huge() || w.Entry&(PTEAccessed|PTEDirty) != PTEAccessed|PTEDirty
				if changed == (q == "locked") {
					t.Errorf("%v of %d pages, query %s: the THP changed %v (huge PMD %v, entry %v)", advice, pages, q, changed, w.Huge(), w.Entry)
				}
			}
		}
	}
}
