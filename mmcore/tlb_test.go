package mmcore

import "testing"

func TestZapAccounting(t *testing.T) {
	m := newMM(t, 4)
	mem := m.Memory()
	f := NewFile("A", 16)
	a := mustMmap(t, m, pg(0), 8, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	fv := mustMmap(t, m, pg(8), 8, PROT_READ, MAP_SHARED|MAP_FIXED, f, 0)
	var anon []*Page
	for i := 0; i < 4; i++ {
		anon = append(anon, mustFault(t, m, a, pg(i), true).Page)
	}
	mustFault(t, m, a, pg(4), false) // zero page
	fp := mustFault(t, m, fv, pg(8), false).Page
	if mem.LivePages() != 5 || m.RSS() != (RSS{Anon: 4, File: 1}) {
		t.Fatalf("live %d rss %+v", mem.LivePages(), m.RSS())
	}
	tables := m.PageTables()
	// zap clips to the VMA: [2, 12) ∩ a = [2, 8): 2 anon pages + the zero page
	if n := m.ZapRange(a, pg(2), pg(12)); n != 3 {
		t.Fatalf("zapped %d, want 3", n)
	}
	if !anon[2].Freed() || !anon[3].Freed() || anon[1].Freed() || anon[1].Mapcount() != 1 {
		t.Fatal("zap freed the wrong pages")
	}
	if mem.LivePages() != 3 || m.RSS() != (RSS{Anon: 2, File: 1}) {
		t.Fatalf("after zap live %d rss %+v", mem.LivePages(), m.RSS())
	}
	if m.PageTables() != tables {
		t.Error("zap freed page tables")
	}
	if !m.Walk(pg(8)).Present() {
		t.Error("zap went beyond the VMA")
	}
	// a page someone else holds survives the zap
	anon[0].Get()
	m.ZapRange(a, a.Start(), a.End())
	if anon[0].Freed() || anon[0].Mapcount() != 0 || anon[0].Refcount() != 1 {
		t.Errorf("pinned page ref=%d map=%d freed=%v", anon[0].Refcount(), anon[0].Mapcount(), anon[0].Freed())
	}
	m.ZapRange(fv, fv.Start(), fv.End())
	if fp.Freed() || fp.Refcount() != 1 || fp.Mapcount() != 0 || !f.Mapping().FindPage(0).Mapping().imapContains(fv) {
		t.Error("zap of a file page dropped the page cache's reference")
	}
}

func (as *AddressSpace) imapContains(v *VMA) bool {
	for w := range as.IMmap(0, ^uint64(0)) {
		if w == v {
			return true
		}
	}
	return false
}

func TestStaleTLBAfterZapWithoutFlush(t *testing.T) {
	m := newMM(t, 4)
	v := mustMmap(t, m, pg(0), 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	p := mustFault(t, m, v, pg(0), true).Page
	tlb := m.TLB

	tr, ok := tlb.Translate(0, pg(0)+8)
	if !ok || tr.Hit || tr.PFN != p.PFN || tr.Stale {
		t.Fatalf("first translate: %+v %v", tr, ok)
	}
	if tr, ok := tlb.Translate(0, pg(0)); !ok || !tr.Hit || tr.Stale {
		t.Fatalf("second translate should hit: %+v", tr)
	}
	if _, ok := tlb.Translate(0, pg(1)); ok {
		t.Fatal("translation for an unmapped page")
	}

	m.ZapRange(v, pg(0), pg(4)) // no flush
	if !p.Freed() {
		t.Fatal("page not freed by zap")
	}
	tr, ok = tlb.Translate(0, pg(0))
	if !ok || !tr.Hit || !tr.Stale || !tr.UseAfterFree || tr.PFN != p.PFN {
		t.Fatalf("after zap without flush: %+v %v", tr, ok)
	}
	if _, ok := tlb.Translate(1, pg(0)); ok {
		t.Fatal("another CPU translated a zapped page")
	}
	tlb.FlushRange(pg(0), pg(4))
	if _, ok := tlb.Translate(0, pg(0)); ok {
		t.Fatal("translation survived the flush")
	}

	// write permission removed without a flush: stale, and writes still go through
	mustFault(t, m, v, pg(2), true)
	if _, ok := tlb.TranslateWrite(3, pg(2)); !ok {
		t.Fatal("write translate")
	}
	m.SetPTE(pg(2), m.Walk(pg(2)).Entry.Without(PTEWrite))
	if tr, ok := tlb.TranslateWrite(3, pg(2)); !ok || !tr.Stale || tr.UseAfterFree {
		t.Fatalf("write through stale writable entry: %+v %v", tr, ok)
	}
	if _, ok := tlb.TranslateWrite(4, pg(2)); ok {
		t.Fatal("fresh walk allowed a write to a read-only PTE")
	}
	tlb.FlushAll()
	if tlb.Cached(3, pg(2)) || len(tlb.CPUs()) != 0 {
		t.Fatal("FlushAll left entries")
	}

	// munmap flushes
	mustFault(t, m, v, pg(3), true)
	tlb.Translate(0, pg(3))
	m.Munmap(pg(0), 4*PageSize)
	if _, ok := tlb.Translate(0, pg(3)); ok {
		t.Fatal("munmap left a translation")
	}
}

func TestTLBDetectsReusedPFN(t *testing.T) {
	mem := NewMemory()
	mem.Quarantine = 1
	m, _ := NewMM(Config{Memory: mem})
	v := mustMmap(t, m, pg(0), 8, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	p := mustFault(t, m, v, pg(0), true).Page
	m.TLB.Translate(0, pg(0))
	m.ZapRange(v, pg(0), pg(1))
	// free one more page so that p's PFN leaves quarantine, then reuse it
	q := mustFault(t, m, v, pg(1), true).Page
	m.ZapRange(v, pg(1), pg(2))
	r := mustFault(t, m, v, pg(5), true).Page
	if r.PFN != p.PFN || q.PFN == p.PFN || p.Freed() {
		t.Fatalf("PFN not reused: %#x %#x", r.PFN, p.PFN)
	}
	tr, ok := m.TLB.Translate(0, pg(0))
	if !ok || !tr.UseAfterFree || !tr.Stale {
		t.Fatalf("reused PFN through old TLB entry: %+v", tr)
	}
	// the same PFN mapped at the same address again is a valid translation
	m.TLB.FlushAll()
	m.TLB.Translate(0, pg(5))
	m.ZapRange(v, pg(5), pg(6))
	mustFault(t, m, v, pg(6), true)
	m.ZapRange(v, pg(6), pg(7))
	if s := mustFault(t, m, v, pg(5), true).Page; s.PFN != p.PFN {
		t.Fatalf("PFN not reused at the same address: %#x", s.PFN)
	}
	if tr, ok := m.TLB.Translate(0, pg(5)); !ok || tr.UseAfterFree || tr.Stale {
		t.Fatalf("same PFN at same address flagged: %+v", tr)
	}
}

func TestFreePageTables(t *testing.T) {
	m := newMM(t, 4)
	// two VMAs in one PTE table, a third 1 GiB away
	a := mustMmap(t, m, pg(0), 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	b := mustMmap(t, m, pg(8), 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	c := mustMmap(t, m, win+PUD_SIZE, 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustFault(t, m, a, pg(0), true)
	mustFault(t, m, b, pg(8), true)
	mustFault(t, m, c, c.Start(), true)
	// PGD + PUD + 2 PMD + 2 PTE
	if got := m.PageTables(); got != 6 {
		t.Fatalf("%d page tables", got)
	}
	pte := m.Walk(pg(0)).PTETable()
	m.Munmap(pg(0), 4*PageSize)
	if m.PageTables() != 6 || pte.Freed() {
		t.Fatal("freed a PTE table still used by a neighbour")
	}
	m.Munmap(pg(8), 4*PageSize)
	if got := m.PageTables(); got != 4 || !pte.Freed() {
		t.Fatalf("after unmapping both: %d tables, PTE freed=%v", got, pte.Freed())
	}
	if w := m.Walk(pg(0)); w.Depth != LevelPUD {
		t.Errorf("walk after free stops at %v", w.Depth)
	}
	m.Munmap(c.Start(), 4*PageSize)
	if got := m.PageTables(); got != 1 {
		t.Fatalf("all unmapped: %d tables", got)
	}

	// entries installed in the window between zap and free_pgtables leak
	p, _ := m.Memory().AllocPage()
	m.AllocTables(pg(0))
	m.SetPTE(pg(0), MkPTE(p.PFN, 0))
	freed, leaked := m.FreePageTables(pg(0), pg(1))
	if freed != 3 || leaked != 1 || p.Mapcount() != 1 {
		t.Errorf("freed %d leaked %d map %d", freed, leaked, p.Mapcount())
	}
}

// TestVisitPgtablesFree: the walk free_pgtables frees by reports, before
// the free, exactly the table FreePageTables then frees (a PTE table left
// with no VMA, in the PMD table of a VMA 8 MiB away) and walks into the
// tables that still serve a VMA, freeing none of them; a visitor that
// stops ends the walk.
func TestVisitPgtablesFree(t *testing.T) {
	m := newMM(t, 4)
	b := mustMmap(t, m, pg(8), 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	c := mustMmap(t, m, win+PUD_SIZE, 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustFault(t, m, b, pg(8), true)
	mustFault(t, m, c, c.Start(), true)
	orphan := win + PUD_SIZE + 4*PMD_SIZE // no VMA: a table as a racing install leaves it
	if _, _, err := m.AllocTables(orphan); err != nil {
		t.Fatal(err)
	}
	orphanPTE, pmd := m.Walk(orphan).PTETable(), m.Walk(c.Start()).PMD()
	start, end := Addr(0), win+2*PUD_SIZE
	var freedTables, keptTables []*PageTable
	m.VisitPgtablesFree(start, end, func(pt *PageTable, a Addr, c *PageTable, what PgtableFree) bool {
		switch what {
		case PgtableFreed:
			if pt != pmd || a != orphan {
				t.Errorf("entry at %#x of a %v table reported freed, want the orphan's PMD entry", uint64(a), pt.Level())
			}
			freedTables = append(freedTables, c)
		case PgtableKept:
			keptTables = append(keptTables, c)
		}
		return true
	})
	if len(freedTables) != 1 || freedTables[0] != orphanPTE {
		t.Fatalf("visit reports %d tables to free, want the orphan PTE table", len(freedTables))
	}
	if len(keptTables) == 0 {
		t.Fatal("visit walked into no table that serves a VMA")
	}
	before := m.PageTables()
	freed, _ := m.FreePageTables(start, end)
	if freed != 1 || m.PageTables() != before-1 || !orphanPTE.Freed() {
		t.Errorf("FreePageTables freed %d tables (orphan freed=%v), want the orphan alone", freed, orphanPTE.Freed())
	}
	for _, k := range keptTables {
		if k.Freed() {
			t.Errorf("FreePageTables freed a %v table the visit kept", k.Level())
		}
	}
	calls := 0
	if m.VisitPgtablesFree(start, end, func(*PageTable, Addr, *PageTable, PgtableFree) bool { calls++; return false }) || calls != 1 {
		t.Errorf("a visitor that stops: the walk went on (%d calls)", calls)
	}
}

// A PROT_NONE entry stays pte_present, but the hardware faults on it: a
// CPU that still caches the old translation reads through a stale one
// until the flush (mprotect's mmu_gather flushes after the PTLs drop).
func TestStaleTLBAfterProtNone(t *testing.T) {
	m := newMM(t, 4)
	v := mustMmap(t, m, pg(0), 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustFault(t, m, v, pg(0), false)
	mustFault(t, m, v, pg(1), true)
	tlb := m.TLB
	tlb.Translate(0, pg(0))
	tlb.Translate(0, pg(1))
	for _, a := range []Addr{pg(0), pg(1)} {
		m.SetPTE(a, m.Walk(a).Entry.Without(PTEWrite).With(PTEProtNone))
		if !m.Walk(a).Present() {
			t.Fatalf("%v: a PROT_NONE entry is pte_present", a)
		}
		if !tlb.IsStale(0, a) {
			t.Errorf("%v: the cached translation of a PROT_NONE entry is not stale", a)
		}
		if tr, ok := tlb.Translate(0, a); !ok || !tr.Hit || !tr.Stale {
			t.Errorf("%v: read through the cached translation: %+v %v, want a stale hit", a, tr, ok)
		}
		if _, ok := tlb.Translate(1, a); ok {
			t.Errorf("%v: another CPU translated a PROT_NONE entry", a)
		}
	}
	tlb.FlushAll()
	if _, ok := tlb.Translate(0, pg(0)); ok {
		t.Error("a translation of a PROT_NONE entry after the flush")
	}
}
