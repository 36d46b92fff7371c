package mmcore

import (
	"testing"
)

func TestPageTableIndices(t *testing.T) {
	tests := []struct {
		levels int
		addr   Addr
		want   [5]int // pgd p4d pud pmd pte
	}{
		{4, 0x1000, [5]int{0, 0, 0, 0, 1}},
		{4, 0x4020_3000, [5]int{0, 0, 1, 1, 3}},
		{4, 0x2000_0000_0000, [5]int{64, 0, 0, 0, 0}},
		{4, 0x7fff_ffff_f000, [5]int{255, 0, 511, 511, 511}},
		{4, 0x7f00_0000_0000, [5]int{254, 0, 0, 0, 0}},
		{5, 0x1000, [5]int{0, 0, 0, 0, 1}},
		{5, 0x8000_0000_0000, [5]int{0, 256, 0, 0, 0}},
		{5, 0x1_0000_0000_0000, [5]int{1, 0, 0, 0, 0}},
		{5, 0xff_ffff_ffff_f000, [5]int{255, 511, 511, 511, 511}},
		{5, 0x7fff_ffff_f000, [5]int{0, 255, 511, 511, 511}},
	}
	for _, tt := range tests {
		if got := PageTableIndices(tt.addr, tt.levels); got != tt.want {
			t.Errorf("PageTableIndices(%v, %d) = %v, want %v", tt.addr, tt.levels, got, tt.want)
		}
	}
}

func TestCanonicalAndTaskSize(t *testing.T) {
	tests := []struct {
		levels int
		addr   Addr
		want   bool
	}{
		{4, 0x0000_7fff_ffff_ffff, true},
		{4, 0x0000_8000_0000_0000, false},
		{4, 0xffff_8000_0000_0000, true},
		{4, 0xffff_7fff_ffff_ffff, false},
		{5, 0x00ff_ffff_ffff_ffff, true},
		{5, 0x0000_8000_0000_0000, true},
		{5, 0x0100_0000_0000_0000, false},
		{5, 0xff00_0000_0000_0000, true},
		{5, 0xfeff_ffff_ffff_ffff, false},
	}
	for _, tt := range tests {
		if got := Canonical(tt.addr, tt.levels); got != tt.want {
			t.Errorf("Canonical(%v, %d) = %v, want %v", tt.addr, tt.levels, got, tt.want)
		}
	}
	if got := TaskSize(4); got != 0x7fff_ffff_f000 {
		t.Errorf("TaskSize(4) = %v", got)
	}
	if got := TaskSize(5); got != 0xff_ffff_ffff_f000 {
		t.Errorf("TaskSize(5) = %v", got)
	}
	if _, err := NewMM(Config{Levels: 3}); err == nil {
		t.Error("NewMM with 3 levels succeeded")
	}
}

func TestWalkAndAllocTables(t *testing.T) {
	for _, tt := range []struct {
		levels     int
		firstAlloc Alloc
		emptyDepth Level
	}{
		{4, AllocPUD | AllocPMD | AllocPTE, LevelP4D},
		{5, AllocP4D | AllocPUD | AllocPMD | AllocPTE, LevelPGD},
	} {
		m := newMM(t, tt.levels)
		const a = Addr(0x7f12_3456_7000)
		if w := m.Walk(a); w.Depth != tt.emptyDepth || w.PMD() != nil || w.PTETable() != nil {
			t.Fatalf("%d levels: empty walk depth %v", tt.levels, w.Depth)
		}
		w, alloc, err := m.AllocTables(a)
		if err != nil || alloc != tt.firstAlloc {
			t.Fatalf("%d levels: AllocTables = %v, %v; want %v", tt.levels, alloc, err, tt.firstAlloc)
		}
		if !alloc.NeedsPageTableLock() || !alloc.NeedsPMDLock() {
			t.Errorf("lock needs wrong for %v", alloc)
		}
		if w.Depth != LevelPTE || w.PTETable() == nil || w.PMD() == nil || w.Present() {
			t.Fatalf("after alloc: %+v", w)
		}
		if got := m.PageTables(); got != tt.levels {
			t.Errorf("%d levels: %d page tables, want %d", tt.levels, got, tt.levels)
		}
		if tt.levels == 4 && w.Tables[LevelP4D] != w.Tables[LevelPGD] {
			t.Error("folded P4D is not the PGD")
		}
		if w.PTETable().Base() != a&^(PMD_SIZE-1) || w.PMD().Base() != a&^(PUD_SIZE-1) {
			t.Errorf("table bases %v %v", w.PTETable().Base(), w.PMD().Base())
		}
		// same PTE table: nothing allocated
		if _, alloc, _ := m.AllocTables(a + PageSize); alloc != 0 {
			t.Errorf("second alloc in same table allocated %v", alloc)
		}
		// next PMD entry: only a PTE table
		if _, alloc, _ := m.AllocTables(a + PMD_SIZE); alloc != AllocPTE {
			t.Errorf("alloc in next PMD entry = %v, want PTE", alloc)
		}
		if _, _, err := m.AllocTables(m.TaskSize()); err == nil {
			t.Error("AllocTables at TASK_SIZE succeeded")
		}
		if w := m.Walk(m.TaskSize()); w.Depth != LevelNone {
			t.Errorf("Walk beyond TASK_SIZE depth %v", w.Depth)
		}
	}
}

func TestSetClearPTEAccounting(t *testing.T) {
	m := newMM(t, 4)
	mem := m.Memory()
	p, _ := mem.AllocPage()
	const a = Addr(0x400000)
	if _, err := m.SetPTE(a, MkPTE(p.PFN, PTEWrite)); err == nil {
		t.Fatal("SetPTE without a PTE table succeeded")
	}
	m.AllocTables(a)
	if _, err := m.SetPTE(a, MkPTE(p.PFN, PTEWrite)); err != nil {
		t.Fatal(err)
	}
	if p.Refcount() != 2 || p.Mapcount() != 1 {
		t.Fatalf("after SetPTE ref=%d map=%d", p.Refcount(), p.Mapcount())
	}
	// special entries are not accounted
	if _, err := m.SetPTE(a+PageSize, MkPTE(p.PFN, PTESpecial)); err != nil {
		t.Fatal(err)
	}
	if p.Refcount() != 2 || p.Mapcount() != 1 {
		t.Fatalf("special PTE accounted: ref=%d map=%d", p.Refcount(), p.Mapcount())
	}
	if old := m.ClearPTE(a); old.PFN() != p.PFN || !old.Writable() {
		t.Fatalf("ClearPTE returned %v", old)
	}
	if p.Refcount() != 1 || p.Mapcount() != 0 {
		t.Fatalf("after ClearPTE ref=%d map=%d", p.Refcount(), p.Mapcount())
	}
	p.Put()
	if !p.Freed() || mem.Page(p.PFN) != p {
		t.Fatal("page not freed or not findable")
	}
	if _, err := m.SetPTE(a, MkPTE(p.PFN, 0)); err == nil {
		t.Fatal("mapping a freed page succeeded")
	}
	if err := p.Put(); err == nil {
		t.Fatal("double free not reported")
	}
	if _, err := m.SetPTE(a, MkPTE(0x99999999, 0)); err == nil {
		t.Fatal("non-special PTE for unknown PFN accepted")
	}
}

func TestPTEBits(t *testing.T) {
	p := MkPTE(0x1234, PTEWrite|PTEDirty)
	if !p.Present() || !p.Writable() || !p.Dirty() || p.Young() || p.Special() || p.PFN() != 0x1234 {
		t.Fatalf("bad PTE %v", p)
	}
	if uint64(p) != 0x1234<<12|0x47 {
		t.Fatalf("PTE bits %#x", uint64(p))
	}
	q := p.Without(PTEWrite).With(PTEAccessed)
	if q.Writable() || !q.Young() || q.PFN() != 0x1234 {
		t.Fatalf("With/Without: %v", q)
	}
	if !PTE(0).None() || p.None() {
		t.Fatal("None")
	}
}

// TestTablePoolReusesClearedTables builds a machine's page tables from a
// pool, hands them back with Reset, and builds another machine from the
// same pool: it must get the same table pages back, with nothing of the
// first machine left in them (no entry, no child, no count, not freed).
func TestTablePoolReusesClearedTables(t *testing.T) {
	var pool TablePool
	build := func() (*MM, map[*PageTable]bool) {
		mem := NewMemory()
		mem.Tables = &pool
		m, err := NewMM(Config{Memory: mem})
		if err != nil {
			t.Fatal(err)
		}
		return m, map[*PageTable]bool{}
	}
	const a, b = Addr(0x7f12_3456_7000), Addr(0x1000_0000)
	m1, seen := build()
	v := mustMmap(t, m1, a, 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustFault(t, m1, v, a, true)
	w := m1.Walk(a)
	for l := LevelPGD; l <= LevelPTE; l++ {
		seen[w.Tables[l]] = true
	}
	// A freed table goes back too: Reset takes every table handed out.
	if _, err := m1.Munmap(a, 4*PageSize); err != nil {
		t.Fatal(err)
	}
	m1.FreePageTables(a, a+4*PageSize)
	pool.Reset()

	m2, _ := build()
	if w := m2.Walk(a); w.Depth != LevelP4D || w.Present() {
		t.Fatalf("a reused PGD still leads somewhere: depth %v", w.Depth)
	}
	v2 := mustMmap(t, m2, b, 1, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustFault(t, m2, v2, b, false)
	w2 := m2.Walk(b)
	reused := map[*PageTable]bool{} // the P4D is the PGD (4 levels)
	for l := LevelPGD; l <= LevelPTE; l++ {
		pt := w2.Tables[l]
		if seen[pt] {
			reused[pt] = true
		}
		if pt.Freed() {
			t.Errorf("%v table reused with its freed mark", l)
		}
	}
	if len(reused) != 4 {
		t.Errorf("%d of the 4 tables reused, want all", len(reused))
	}
	if w := m2.Walk(a); w.Present() {
		t.Errorf("the first machine's PTE is visible in the second")
	}
	if got := w2.PTETable().Used(); got != 1 {
		t.Errorf("reused PTE table has %d entries in use, want 1", got)
	}
	if err := m2.CheckPageTables(); err != nil {
		t.Error(err)
	}
}
