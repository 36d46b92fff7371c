package mmcore

import (
	"errors"
	"strings"
	"testing"
)

// thpVMA maps n pages of private anonymous memory at addr and gives it
// VM_HUGEPAGE, as MADV_HUGEPAGE would.
func thpVMA(t *testing.T, m *MM, addr Addr, pages uint64) *VMA {
	t.Helper()
	v := mustMmap(t, m, addr, pages, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	v.Flags |= VM_HUGEPAGE
	return v
}

func classes(m *MM, start Addr, pages int) string {
	var b strings.Builder
	for i := 0; i < pages; i++ {
		b.WriteByte(m.PageClass(start + Addr(i)<<PageShift))
	}
	return RunLength(b.String())
}

const thpBase Addr = 0x200000000000

func TestTHPWriteFault(t *testing.T) {
	m := newMM(t, 4)
	v := thpVMA(t, m, thpBase, 512)
	r := mustFault(t, m, v, thpBase+88<<PageShift, true)
	if r.Kind != FaultAnon || r.Mapped != HPAGE_PMD_NR || r.Page.Order() != HPAGE_PMD_ORDER {
		t.Fatalf("fault = %+v", r)
	}
	if got := classes(m, thpBase, 512); got != "512T" {
		t.Errorf("pagemap = %s", got)
	}
	if s := m.SmapsOf(v); s.Rss != 512 || s.Anonymous != 512 || s.AnonHugePages != 512 {
		t.Errorf("smaps = %+v", s)
	}
	if w := m.Walk(thpBase + 5<<PageShift); !w.Huge() || !w.Present() || w.Entry.PFN() != r.Page.PFN+5 {
		t.Errorf("walk = %+v", w)
	}
	if _, ok := m.TLB.TranslateWrite(0, thpBase+7<<PageShift); !ok {
		t.Error("a store through the PMD faults")
	}
	if m.Memory().LivePages() != 512 {
		t.Errorf("live pages = %d", m.Memory().LivePages())
	}
}

func TestTHPNotEligible(t *testing.T) {
	for _, c := range []struct {
		name  string
		addr  Addr
		pages uint64
		flags VMFlags
	}{
		{"no aligned 2 MiB inside", thpBase + 16<<PageShift, 600, VM_HUGEPAGE},
		{"no VM_HUGEPAGE (enabled=madvise)", thpBase, 512, 0},
		{"VM_NOHUGEPAGE wins", thpBase, 512, VM_HUGEPAGE | VM_NOHUGEPAGE},
	} {
		m := newMM(t, 4)
		v := mustMmap(t, m, c.addr, c.pages, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
		v.Flags |= c.flags
		r := mustFault(t, m, v, c.addr, true)
		if r.Mapped != 1 || m.Walk(c.addr).Huge() {
			t.Errorf("%s: fault mapped %d pages (huge %v)", c.name, r.Mapped, m.Walk(c.addr).Huge())
		}
	}
	// a PTE table already present keeps the range small
	m := newMM(t, 4)
	v := mustMmap(t, m, thpBase, 512, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustFault(t, m, v, thpBase, true)
	v.Flags |= VM_HUGEPAGE
	if r := mustFault(t, m, v, thpBase+PageSize, true); r.Mapped != 1 {
		t.Errorf("fault next to a PTE table mapped %d", r.Mapped)
	}
}

func TestTHPHugeZeroPage(t *testing.T) {
	m := newMM(t, 4)
	v := thpVMA(t, m, thpBase, 1024)
	mustFault(t, m, v, thpBase+6<<PageShift, false)
	if v.AnonVMA() == nil {
		t.Error("a huge zero-page read left the VMA without an anon_vma (vmf_anon_prepare)")
	}
	if got := classes(m, thpBase, 1024); got != "512z512." {
		t.Errorf("after a read: %s", got)
	}
	if s := m.SmapsOf(v); s.Rss != 0 || s.AnonHugePages != 0 {
		t.Errorf("the huge zero page is counted: %+v", s)
	}
	r := mustFault(t, m, v, thpBase+7<<PageShift, true)
	if r.Kind != FaultCOW || r.Mapped != HPAGE_PMD_NR {
		t.Errorf("write after the huge zero page: %+v", r)
	}
	if got := classes(m, thpBase, 512); got != "512T" {
		t.Errorf("after the write: %s", got)
	}
	// splitting the huge zero page gives small zero pages
	mustFault(t, m, v, thpBase+600<<PageShift, false)
	m.ZapRange(v, thpBase+600<<PageShift, thpBase+601<<PageShift)
	if got := classes(m, thpBase+512<<PageShift, 512); got != "88z.423z" {
		t.Errorf("zap inside the huge zero page: %s", got)
	}
}

func TestTHPSplitOnPartialZap(t *testing.T) {
	m := newMM(t, 4)
	v := thpVMA(t, m, thpBase, 512)
	mustFault(t, m, v, thpBase, true)
	tables := m.PageTables()
	if n := m.ZapRange(v, thpBase+88<<PageShift, thpBase+89<<PageShift); n != 1 {
		t.Errorf("zapped %d", n)
	}
	if got := classes(m, thpBase, 512); got != "88T.423T" {
		t.Errorf("pagemap = %s", got)
	}
	if s := m.SmapsOf(v); s.Rss != 511 || s.Anonymous != 511 || s.AnonHugePages != 0 {
		t.Errorf("smaps = %+v", s)
	}
	if m.PageTables() != tables+1 {
		t.Errorf("split added %d tables", m.PageTables()-tables)
	}
	if w := m.Walk(thpBase); w.Huge() || w.Depth != LevelPTE || !w.Entry.Writable() {
		t.Errorf("after the split: %+v", w)
	}
	// the folio stays large until every page is unmapped, then is freed
	if _, err := m.Munmap(thpBase, 512<<PageShift); err != nil {
		t.Fatal(err)
	}
	if m.Memory().LivePages() != 0 {
		t.Errorf("live pages after munmap = %d", m.Memory().LivePages())
	}
}

func TestTHPZapWhole(t *testing.T) {
	m := newMM(t, 4)
	v := thpVMA(t, m, thpBase, 1024)
	mustFault(t, m, v, thpBase, true)
	mustFault(t, m, v, thpBase+PMD_SIZE, true)
	if n := m.ZapRange(v, thpBase, thpBase+PMD_SIZE); n != HPAGE_PMD_NR {
		t.Errorf("zapped %d", n)
	}
	if got := classes(m, thpBase, 1024); got != "512.512T" {
		t.Errorf("pagemap = %s", got)
	}
	if m.Memory().LivePages() != 512 {
		t.Errorf("live = %d", m.Memory().LivePages())
	}
	if m.SplitHugePMD(thpBase) {
		t.Error("split of an empty PMD")
	}
	if !m.SplitHugePMD(thpBase + PMD_SIZE + 5<<PageShift) {
		t.Error("SplitHugePMD did not split")
	}
	if s := m.SmapsOf(v); s.Rss != 512 || s.AnonHugePages != 0 {
		t.Errorf("smaps after SplitHugePMD = %+v", s)
	}
}

func TestMadviseCollapse(t *testing.T) {
	m := newMM(t, 4)
	v := mustMmap(t, m, thpBase, 512, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	for i := 0; i < 16; i++ {
		mustFault(t, m, v, thpBase+Addr(i)<<PageShift, true)
	}
	mustFault(t, m, v, thpBase+88<<PageShift, false)
	tables := m.PageTables()
	if err := m.MadviseCollapse(v, v.Start(), v.End()); err != nil {
		t.Fatal(err)
	}
	if got := classes(m, thpBase, 512); got != "512T" {
		t.Errorf("pagemap = %s", got)
	}
	if m.PageTables() != tables-1 {
		t.Errorf("the PTE table was not retracted: %d -> %d", tables, m.PageTables())
	}
	if m.Memory().LivePages() != 512 {
		t.Errorf("old pages not freed: live %d", m.Memory().LivePages())
	}
	if s := m.SmapsOf(v); s.AnonHugePages != 512 {
		t.Errorf("smaps = %+v", s)
	}
	if err := m.MadviseCollapse(v, v.Start(), v.End()); err != nil {
		t.Errorf("collapse of a PMD-mapped range: %v", err)
	}
	// no anon_vma yet: EINVAL (thp_vma_allowable_order outside a fault)
	e := mustMmap(t, m, thpBase+4*PMD_SIZE, 1024, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustFault(t, m, e, thpBase+5*PMD_SIZE, false)
	if err := m.MadviseCollapse(e, e.Start(), e.End()); !errors.Is(err, EINVAL) {
		t.Errorf("collapse without an anon_vma: %v", err)
	}
	// with one: the zero-page range collapses (6.18 has no SCAN_PAGE_RO for
	// it), the range without a PTE table (SCAN_PMD_NULL) fails the call
	m.PrepareAnonVMA(e)
	if err := m.MadviseCollapse(e, e.Start(), e.End()); !errors.Is(err, EINVAL) {
		t.Errorf("collapse with an empty PMD range: %v", err)
	}
	if m.Walk(thpBase+4*PMD_SIZE).Present() || !m.Walk(thpBase+5*PMD_SIZE).Huge() {
		t.Error("wrong ranges collapsed")
	}
	// a range reaching no further than its first aligned boundary
	if err := m.MadviseCollapse(e, thpBase+5*PMD_SIZE-4*PageSize, thpBase+5*PMD_SIZE); err != nil {
		t.Errorf("empty collapse range: %v", err)
	}
	u := mustMmap(t, m, thpBase+PMD_SIZE+16<<PageShift, 32, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	if err := m.MadviseCollapse(u, u.Start(), u.End()); !errors.Is(err, EINVAL) {
		t.Errorf("collapse without an aligned 2 MiB: %v", err)
	}
}

func TestTHPMprotect(t *testing.T) {
	m := newMM(t, 4)
	v := thpVMA(t, m, thpBase, 1024)
	mustFault(t, m, v, thpBase, true)
	mustFault(t, m, v, thpBase+PMD_SIZE, true)
	// the whole first PMD: changed in place (change_huge_pmd)
	if err := m.Mprotect(thpBase, PMD_SIZE, PROT_READ); err != nil {
		t.Fatal(err)
	}
	if w := m.Walk(thpBase); !w.Huge() || w.Entry.Writable() {
		t.Errorf("after mprotect of a whole PMD: huge %v writable %v", w.Huge(), w.Entry.Writable())
	}
	// part of the second: the VMA boundary splits the PMD
	if err := m.Mprotect(thpBase+PMD_SIZE+8<<PageShift, 8<<PageShift, PROT_READ); err != nil {
		t.Fatal(err)
	}
	if w := m.Walk(thpBase + PMD_SIZE); w.Huge() {
		t.Error("a PMD straddling a VMA boundary was not split")
	}
	if got := classes(m, thpBase, 1024); got != "1024T" {
		t.Errorf("pagemap = %s", got)
	}
	// writable again: exclusive pages keep working in place
	if err := m.Mprotect(thpBase+PMD_SIZE+8<<PageShift, 8<<PageShift, PROT_READ|PROT_WRITE); err != nil {
		t.Fatal(err)
	}
	r := mustFault(t, m, m.VMALookup(thpBase+PMD_SIZE+9<<PageShift), thpBase+PMD_SIZE+9<<PageShift, true)
	if r.Kind == FaultCOW {
		t.Errorf("write to an exclusive THP page copied it: %+v", r)
	}
}

func TestTHPZapAndMoveHelpers(t *testing.T) {
	m := newMM(t, 4)
	v := thpVMA(t, m, thpBase, 2048)
	for i := Addr(0); i < 3; i++ {
		mustFault(t, m, v, thpBase+i*PMD_SIZE, true)
	}
	if n := m.zapHugePMDs(thpBase, thpBase+PMD_SIZE+PageSize); n != HPAGE_PMD_NR {
		t.Errorf("zapped %d pages", n)
	}
	if w := m.Walk(thpBase + PMD_SIZE); w.Huge() || !w.Present() {
		t.Error("a partly covered PMD was not split (or lost its pages)")
	}
	m.splitPartialHugePMDs(thpBase+2*PMD_SIZE, thpBase+3*PMD_SIZE)
	if !m.Walk(thpBase + 2*PMD_SIZE).Huge() {
		t.Error("a wholly covered PMD was split")
	}
	if !m.moveHugePMD(thpBase+2*PMD_SIZE, thpBase+3*PMD_SIZE, PMD_SIZE) {
		t.Fatal("aligned move refused")
	}
	if m.Walk(thpBase+2*PMD_SIZE).Present() || !m.Walk(thpBase+3*PMD_SIZE).Huge() {
		t.Error("the huge PMD did not move")
	}
	if m.moveHugePMD(thpBase+3*PMD_SIZE, thpBase+PageSize, PMD_SIZE) || m.Walk(thpBase+3*PMD_SIZE).Huge() {
		t.Error("an unaligned move must split")
	}
}

func TestTHPCopyOnFork(t *testing.T) {
	m := newMM(t, 4)
	v := thpVMA(t, m, thpBase, 512)
	mustFault(t, m, v, thpBase, true)
	c, err := NewMM(Config{Memory: m.Memory()})
	if err != nil {
		t.Fatal(err)
	}
	cv := mustMmap(t, c, thpBase, 512, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	cv.Flags |= VM_HUGEPAGE
	if n := c.copyHugePMDs(cv, v); n != 1 {
		t.Fatalf("copied %d PMDs", n)
	}
	if w := m.Walk(thpBase); !w.Huge() || w.Entry.Writable() {
		t.Error("the parent's PMD is not write-protected")
	}
	if s := c.SmapsOf(cv); s.AnonHugePages != 512 {
		t.Errorf("child smaps = %+v", s)
	}
	// the child's first write splits its PMD and copies one page
	if r := mustFault(t, c, cv, thpBase+8<<PageShift, true); r.Kind != FaultCOW {
		t.Errorf("child write: %+v", r)
	}
	if got := classes(c, thpBase, 512); got != "8Ta503T" {
		t.Errorf("child pagemap = %s", got)
	}
	if got := classes(m, thpBase, 512); got != "512T" {
		t.Errorf("parent pagemap = %s", got)
	}
	// once the child is gone the parent's write reuses the folio
	if _, err := c.Munmap(thpBase, 512<<PageShift); err != nil {
		t.Fatal(err)
	}
	if r := mustFault(t, m, v, thpBase+PageSize, true); r.Kind != FaultReuse || !m.Walk(thpBase).Huge() {
		t.Errorf("parent write after the child left: %+v", r)
	}
}

func TestSplitFolioOnPartialMadviseFree(t *testing.T) {
	for _, c := range []struct {
		name   string
		advice Advice
		start  Addr // pages from thpBase
		pages  uint64
		want   string
	}{
		{"FREE of part of a PMD-mapped THP", MADV_FREE, 100, 2, "a99za411z"},
		{"COLD of part of a PMD-mapped THP", MADV_COLD, 0, 1, "a99za411z"},
		{"FREE of the whole THP keeps it", MADV_FREE, 0, 512, "512T"},
		{"DONTNEED splits the PMD only", MADV_DONTNEED, 200, 1, "200T.311T"},
	} {
		m := newMM(t, 4)
		v := thpVMA(t, m, thpBase, 512)
		mustFault(t, m, v, thpBase, true)
		m.Store(thpBase)
		m.Store(thpBase + 100<<PageShift)
		if err := m.Madvise(thpBase+c.start<<PageShift, c.pages<<PageShift, c.advice); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := classes(m, thpBase, 512); got != c.want {
			t.Errorf("%s: pagemap %s, want %s", c.name, got, c.want)
		}
		if err := m.CheckPageTables(); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if err := CheckPageCounts(m); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// a folio another mm maps is left alone
	m := newMM(t, 4)
	v := thpVMA(t, m, thpBase, 512)
	mustFault(t, m, v, thpBase, true)
	c, _, err := m.Fork()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Madvise(thpBase, 2<<PageShift, MADV_FREE); err != nil {
		t.Fatal(err)
	}
	if got := classes(m, thpBase, 512); got != "512T" {
		t.Errorf("shared folio split: %s", got)
	}
	c.ExitMMap()
}

func TestDontneedReclaimsPTETable(t *testing.T) {
	m := newMM(t, 4)
	v := thpVMA(t, m, thpBase, 1024)
	for _, a := range []Addr{thpBase, thpBase + PMD_SIZE} {
		mustFault(t, m, v, a, true)
		m.SplitHugePMD(a)
	}
	if err := m.Madvise(thpBase, PMD_SIZE, MADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
	if err := m.Madvise(thpBase+PMD_SIZE, PMD_SIZE-PageSize, MADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
	if w := m.Walk(thpBase); w.Depth != LevelPMD {
		t.Errorf("the empty PTE table of a whole-PMD DONTNEED stayed (depth %v)", w.Depth)
	}
	if w := m.Walk(thpBase + PMD_SIZE); w.Depth != LevelPTE {
		t.Error("a partial DONTNEED freed the PTE table")
	}
	if r := mustFault(t, m, v, thpBase, true); r.Mapped != HPAGE_PMD_NR {
		t.Errorf("the fault after the reclaim mapped %d pages", r.Mapped)
	}
}

func TestCollapseNeedsAVMAHoldingAPMD(t *testing.T) {
	m := newMM(t, 4)
	v := mustMmap(t, m, thpBase, 300, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustFault(t, m, v, thpBase, true)
	if err := m.MadviseCollapse(v, v.Start(), v.End()); !errors.Is(err, EINVAL) {
		t.Errorf("collapse in a 300-page VMA: %v", err)
	}
}

// BenchmarkTHPFault measures PMD-level anonymous faults: each maps a
// 2 MiB folio; the range is unmapped and refaulted in rounds.
func BenchmarkTHPFault(b *testing.B) {
	m, _ := NewMM(Config{})
	const pmds = 64
	v, err := m.Mmap(thpBase, pmds*PMD_SIZE, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	if err != nil {
		b.Fatal(err)
	}
	v.Flags |= VM_HUGEPAGE
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == pmds {
			b.StopTimer()
			m.ZapRange(v, v.Start(), v.End())
			i = 0
			b.StartTimer()
		}
		if _, err := m.HandleFault(v, thpBase+Addr(i)*PMD_SIZE, true); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// A PTE-level install meeting a huge PMD leaves the THP mapped, as the
// kernel's get_locked_pte() and finish_fault() do: pte_alloc() allocates
// nothing on a PMD that is not none and pte_offset_map_lock() finds no
// table under it. vm_insert_page() fails with -ENOMEM, finish_fault()
// returns VM_FAULT_NOPAGE and drops the page ->fault returned.
func TestTHPStaysUnderPTELevelInstalls(t *testing.T) {
	for _, tc := range []struct {
		name string
		do   func(m *MM, v *VMA, p *Page) error
		err  Errno
		refs int // the page's references after the call (1: the caller's)
	}{
		{"vm_insert_page", func(m *MM, v *VMA, p *Page) error { return m.InsertPage(v, thpBase+PageSize, p) }, ENOMEM, 1},
		{"finish_fault", func(m *MM, v *VMA, p *Page) error {
			p.Get() // the reference ->fault returns the page with
			r, err := m.FinishFault(v, thpBase+PageSize, p, false)
			if err == nil && r.Kind != FaultNoPage {
				return errors.New("finish_fault under a huge PMD: " + r.Kind.String())
			}
			return err
		}, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMM(t, 4)
			v := thpVMA(t, m, thpBase, 512)
			mustFault(t, m, v, thpBase, true)
			p, err := m.Memory().AllocPage()
			if err != nil {
				t.Fatal(err)
			}
			err = tc.do(m, v, p)
			if tc.err != 0 {
				wantErr(t, err, tc.err)
			} else if err != nil {
				t.Fatal(err)
			}
			if w := m.Walk(thpBase + PageSize); !w.Huge() || !w.Present() {
				t.Errorf("after %s the THP's PMD is split: %+v", tc.name, w)
			}
			if p.Refcount() != tc.refs || p.Mapcount() != 0 {
				t.Errorf("page ref=%d mapcount=%d, want ref=%d, unmapped", p.Refcount(), p.Mapcount(), tc.refs)
			}
		})
	}
}
