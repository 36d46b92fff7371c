package mmcore

import (
	"errors"
	"testing"
)

func TestAnonReadFaultMapsZeroPage(t *testing.T) {
	m := newMM(t, 4)
	v := mustMmap(t, m, pg(0), 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	r := mustFault(t, m, v, pg(1)+123, false)
	if r.Kind != FaultZeroPage || r.Page != m.Memory().ZeroPage() || !r.PTE.Special() || r.PTE.Writable() {
		t.Fatalf("read fault: %+v", r)
	}
	if r.Alloc != AllocPUD|AllocPMD|AllocPTE {
		t.Errorf("first fault allocated %v", r.Alloc)
	}
	if v.AnonVMA() != nil || r.AnonVMACreated {
		t.Error("read fault created an anon_vma")
	}
	if m.RSS() != (RSS{}) || m.Memory().LivePages() != 0 {
		t.Errorf("zero page counted: rss %+v live %d", m.RSS(), m.Memory().LivePages())
	}
	if got := m.PageMap(pg(0), pg(4)); got != ".z.." {
		t.Errorf("pm = %q", got)
	}
	// a second read is spurious
	if r := mustFault(t, m, v, pg(1), false); r.Kind != FaultSpurious {
		t.Errorf("second read: %v", r.Kind)
	}
}

func TestAnonWriteFaultAndCOW(t *testing.T) {
	m := newMM(t, 4)
	v := mustMmap(t, m, pg(0), 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	r := mustFault(t, m, v, pg(0), true)
	if r.Kind != FaultAnon || !r.AnonVMACreated || v.AnonVMA() == nil {
		t.Fatalf("write fault: %+v", r)
	}
	p := r.Page
	if !p.Anon() || p.Refcount() != 1 || p.Mapcount() != 1 || p.AnonVMA() != v.AnonVMA() || p.Index() != v.Pgoff() {
		t.Fatalf("anon page: anon=%v ref=%d map=%d", p.Anon(), p.Refcount(), p.Mapcount())
	}
	if !r.PTE.Writable() || !r.PTE.Dirty() || m.RSS().Anon != 1 {
		t.Fatalf("PTE %v rss %+v", r.PTE, m.RSS())
	}
	// the second write fault reuses the anon_vma
	if r := mustFault(t, m, v, pg(1), true); r.AnonVMACreated || r.Page.AnonVMA() != v.AnonVMA() {
		t.Error("second write fault created another anon_vma")
	}

	// read then write: COW of the zero page
	mustFault(t, m, v, pg(2), false)
	r = mustFault(t, m, v, pg(2), true)
	if r.Kind != FaultCOW || !r.Page.Anon() || r.Page.Zero() || !r.TLBFlushed {
		t.Fatalf("write after read: %+v", r)
	}
	if got := RunLength(m.PageMap(pg(0), pg(4))); got != "3a." {
		t.Errorf("pm = %q", got)
	}

	// exclusive anon page write-protected: reused in place
	m.SetPTE(pg(0), m.Walk(pg(0)).Entry.Without(PTEWrite))
	if r := mustFault(t, m, v, pg(0), true); r.Kind != FaultReuse || r.Page != p || !r.PTE.Writable() {
		t.Fatalf("reuse: %+v", r)
	}

	// shared with another mm (as after fork): write copies
	child, _ := NewMM(Config{Memory: m.Memory()})
	cv := mustMmap(t, child, pg(0), 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	child.AllocTables(pg(0))
	ro := MkPTE(p.PFN, 0)
	if _, err := child.SetPTE(pg(0), ro); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SetPTE(pg(0), ro); err != nil {
		t.Fatal(err)
	}
	if p.Mapcount() != 2 || p.Refcount() != 2 {
		t.Fatalf("shared page map=%d ref=%d", p.Mapcount(), p.Refcount())
	}
	if got := child.PageMap(pg(0), pg(1)); got != "A" {
		t.Errorf("child pm %q", got)
	}
	r = mustFault(t, child, cv, pg(0), true)
	if r.Kind != FaultCOW || r.Page == p {
		t.Fatalf("COW: %+v", r)
	}
	if p.Mapcount() != 1 || p.Refcount() != 1 || p.Freed() {
		t.Errorf("after COW old page map=%d ref=%d", p.Mapcount(), p.Refcount())
	}
	if mappedPage(t, m, pg(0)) != p {
		t.Error("parent lost its page")
	}
}

func TestFaultPermissions(t *testing.T) {
	m := newMM(t, 4)
	ro := mustMmap(t, m, pg(0), 1, PROT_READ, anonPriv|MAP_FIXED, nil, 0)
	none := mustMmap(t, m, pg(1), 1, PROT_NONE, anonPriv|MAP_FIXED, nil, 0)
	_, err := m.HandleFault(ro, pg(0), true)
	wantErr(t, err, ErrSegv)
	_, err = m.HandleFault(none, pg(1), false)
	wantErr(t, err, ErrSegv)
	_, err = m.HandleFault(ro, pg(1), false)
	wantErr(t, err, ErrSegv)
	if m.Walk(pg(0)).Present() {
		t.Error("denied fault mapped something")
	}
	// without protection keys x86 lets a read through an exec-only
	// mapping (with them the execute-only key denies it:
	// TestExecOnlyPkeyDeniesDataAccess)
	np, _ := NewMM(Config{NoPkeys: true})
	exec := mustMmap(t, np, pg(2), 1, PROT_EXEC, anonPriv|MAP_FIXED, nil, 0)
	if _, err := np.HandleFault(exec, pg(2), false); err != nil {
		t.Errorf("read of exec-only (x86 without pkeys allows): %v", err)
	}
	removed, _ := m.Munmap(pg(0), PageSize)
	_, err = m.HandleFault(removed[0], pg(0), false)
	wantErr(t, err, EFAULT)
	drv := mustMmap(t, m, pg(8), 1, PROT_READ, MAP_SHARED|MAP_FIXED, NewFile("drv", 1), 0)
	drv.Ops = "driver"
	_, err = m.HandleFault(drv, pg(8), false)
	wantErr(t, err, ErrNeedsOps)
}

func TestFileFaults(t *testing.T) {
	m := newMM(t, 4)
	f := NewFile("A", 40)
	as := f.Mapping()

	// private read: page cache read-in, page mapped read-only
	v := mustMmap(t, m, pg(0), 8, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED, f, 4)
	r := mustFault(t, m, v, pg(1), false)
	if r.Kind != FaultFile || !r.PageCacheAlloc || r.PTE.Writable() {
		t.Fatalf("read fault: %+v", r)
	}
	p := as.FindPage(5)
	if p == nil || p != r.Page || p.Mapping() != as || p.Index() != 5 || p.Anon() {
		t.Fatal("page not in the page cache at index 5")
	}
	if p.Refcount() != 2 || p.Mapcount() != 1 || m.RSS().File != 1 {
		t.Fatalf("cache page ref=%d map=%d rss=%+v", p.Refcount(), p.Mapcount(), m.RSS())
	}
	// private write: COW into an anon page; the cache page is unmapped
	r = mustFault(t, m, v, pg(1), true)
	if r.Kind != FaultCOW || !r.Page.Anon() || p.Mapcount() != 0 || p.Refcount() != 1 || p.Freed() {
		t.Fatalf("private write: %+v; cache page ref=%d map=%d", r, p.Refcount(), p.Mapcount())
	}
	if m.RSS() != (RSS{Anon: 1}) {
		t.Errorf("rss %+v", m.RSS())
	}
	// private write to an unmapped page: do_cow_fault
	r = mustFault(t, m, v, pg(2), true)
	if r.Kind != FaultCOW || as.FindPage(6) == nil || as.FindPage(6).Mapcount() != 0 {
		t.Fatalf("cow fault: %+v", r)
	}

	// shared write: the cache page itself, writable and dirty
	s := mustMmap(t, m, pg(16), 4, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, f, 20)
	r = mustFault(t, m, s, pg(17), true)
	if r.Kind != FaultFile || r.Page != as.FindPage(21) || !r.PTE.Writable() || !r.Page.Dirty() {
		t.Fatalf("shared write: %+v", r)
	}
	// beyond EOF
	big := mustMmap(t, m, pg(32), 8, PROT_READ, MAP_SHARED|MAP_FIXED, f, 36)
	_, err := m.HandleFault(big, pg(36), false)
	wantErr(t, err, ErrSigbus)

	// unmapping keeps cache pages, drops the mapping's references
	m.Munmap(pg(16), 4*PageSize)
	if q := as.FindPage(21); q.Mapcount() != 0 || q.Refcount() != 1 || q.Freed() {
		t.Errorf("after munmap: ref=%d map=%d", q.Refcount(), q.Mapcount())
	}
}

func TestFaultAround(t *testing.T) {
	m := newMM(t, 4)
	f := NewFile("A", 64)
	if err := f.Mapping().Fill(m.Memory(), 0, 64); err != nil {
		t.Fatal(err)
	}
	v := mustMmap(t, m, pg(16), 8, PROT_READ, MAP_PRIVATE|MAP_FIXED, f, 0)
	r := mustFault(t, m, v, pg(16), false)
	// the 16-page block [16, 32) clipped to the VMA [16, 24): 8 pages
	if r.Mapped != 8 || RunLength(m.PageMap(pg(16), pg(24))) != "8f" {
		t.Fatalf("fault-around mapped %d: %s", r.Mapped, m.PageMap(pg(16), pg(24)))
	}
	// the kernel's observed case: map 64 32 pages, touch 64 -> 16f16.
	w := mustMmap(t, m, pg(64), 32, PROT_READ, MAP_PRIVATE|MAP_FIXED, f, 0)
	mustFault(t, m, w, pg(64), false)
	if got := RunLength(m.PageMap(pg(64), pg(96))); got != "16f16." {
		t.Errorf("pm = %s, want 16f16.", got)
	}
	n, _ := NewMM(Config{NoFaultAround: true})
	x := mustMmap(t, n, pg(0), 8, PROT_READ, MAP_PRIVATE|MAP_FIXED, f, 0)
	if r := mustFault(t, n, x, pg(0), false); r.Mapped != 1 {
		t.Errorf("NoFaultAround mapped %d", r.Mapped)
	}
}

func TestSharedAnon(t *testing.T) {
	m := newMM(t, 4)
	v := mustMmap(t, m, pg(0), 4, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED, nil, 0)
	w := mustMmap(t, m, pg(4), 4, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED, nil, 0)
	if v.File() == nil || !v.File().Shmem() || v.File() == w.File() || v.Pgoff() != 0 || w.Pgoff() != 0 {
		t.Fatal("shared anon needs its own shmem file with pgoff 0")
	}
	r := mustFault(t, m, v, pg(0), false)
	if r.Kind != FaultFile || r.Page.Zero() || m.RSS().Shmem != 1 {
		t.Fatalf("shmem read fault: %+v rss %+v", r, m.RSS())
	}
}

func TestPopulate(t *testing.T) {
	m := newMM(t, 4)
	mustMmap(t, m, pg(0), 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED|MAP_POPULATE, nil, 0)
	mustMmap(t, m, pg(4), 4, PROT_READ, anonPriv|MAP_FIXED|MAP_POPULATE, nil, 0)
	mustMmap(t, m, pg(8), 4, PROT_NONE, anonPriv|MAP_FIXED|MAP_POPULATE, nil, 0)
	if got := RunLength(m.PageMap(pg(0), pg(12))); got != "4a4z4." {
		t.Errorf("pm = %s, want 4a4z4.", got)
	}
}

func TestInsertPage(t *testing.T) {
	m := newMM(t, 4)
	v := mustMmap(t, m, pg(0), 4, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, NewFile("drv", 4), 0)
	p, _ := m.Memory().AllocPage()
	if err := m.InsertPage(v, pg(1), p); err != nil {
		t.Fatal(err)
	}
	if p.Refcount() != 2 || p.Mapcount() != 1 || v.Flags&VM_MIXEDMAP == 0 {
		t.Fatalf("ref=%d map=%d flags=%v", p.Refcount(), p.Mapcount(), v.Flags)
	}
	if e := m.Walk(pg(1)).Entry; !e.Writable() || e.PFN() != p.PFN || e.Special() {
		t.Errorf("PTE %v", e)
	}
	q, _ := m.Memory().AllocPage()
	wantErr(t, m.InsertPage(v, pg(1), q), EBUSY)
	wantErr(t, m.InsertPage(v, pg(4), q), EFAULT)
	wantErr(t, m.InsertPage(v, pg(0)-PageSize, q), EFAULT)
	anonV := mustMmap(t, m, pg(8), 1, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	anonPage := mustFault(t, m, anonV, pg(8), true).Page
	wantErr(t, m.InsertPage(v, pg(2), anonPage), EINVAL)
	q.Put()
	wantErr(t, m.InsertPage(v, pg(2), q), EINVAL) // freed
	wantErr(t, m.InsertPage(v, pg(2), m.Memory().ZeroPage()), EINVAL)
	if q.Mapcount() != 0 {
		t.Error("failed insert mapped the page")
	}
	pf := mustMmap(t, m, pg(16), 2, PROT_READ, MAP_SHARED|MAP_FIXED, NewFile("io", 2), 0)
	pf.Flags |= VM_PFNMAP
	r, _ := m.Memory().AllocPage()
	wantErr(t, m.InsertPage(pf, pg(16), r), EINVAL)

	// vmf_insert_page_mkwrite upgrades its own entry
	ro, _ := m.Memory().AllocPage()
	if err := m.InsertPageMkwrite(v, pg(3), ro, false); err != nil {
		t.Fatal(err)
	}
	if err := m.InsertPageMkwrite(v, pg(3), ro, true); err != nil {
		t.Fatal(err)
	}
	if e := m.Walk(pg(3)).Entry; !e.Dirty() || !e.Writable() || ro.Mapcount() != 1 {
		t.Errorf("mkwrite PTE %v map %d", e, ro.Mapcount())
	}
	// vmf_insert_page_mkwrite() calls insert_page() directly: unlike
	// vm_insert_page() it does not set VM_MIXEDMAP
	w := mustMmap(t, m, pg(24), 2, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, NewFile("drv2", 2), 0)
	wp, _ := m.Memory().AllocPage()
	if err := m.InsertPageMkwrite(w, pg(24), wp, true); err != nil {
		t.Fatal(err)
	}
	if w.Flags&VM_MIXEDMAP != 0 {
		t.Errorf("vmf_insert_page_mkwrite set VM_MIXEDMAP: %v", w.Flags)
	}
}

func TestInsertPFNAndRemap(t *testing.T) {
	m := newMM(t, 4)
	io := NewFile("io", 8)
	v := mustMmap(t, m, pg(0), 4, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, io, 0)
	wantErr(t, m.InsertPFN(v, pg(0), 0xfee00), EINVAL) // neither PFNMAP nor MIXEDMAP
	v.Flags |= VM_PFNMAP
	if err := m.InsertPFN(v, pg(0), 0xfee00); err != nil {
		t.Fatal(err)
	}
	if e := m.Walk(pg(0)).Entry; !e.Special() || e.PFN() != 0xfee00 {
		t.Fatalf("PFN PTE %v", e)
	}
	wantErr(t, m.InsertPFN(v, pg(0), 0xfee01), EBUSY)
	wantErr(t, m.InsertPFN(v, pg(4), 0xfee01), EFAULT)
	// a normal page mapped by PFN is not accounted
	p, _ := m.Memory().AllocPage()
	m.InsertPFN(v, pg(1), p.PFN)
	if p.Mapcount() != 0 || p.Refcount() != 1 {
		t.Errorf("special PTE accounted: map=%d ref=%d", p.Mapcount(), p.Refcount())
	}
	if n := m.ZapRange(v, v.Start(), v.End()); n != 2 || p.Refcount() != 1 {
		t.Errorf("zap of special PTEs: %d, ref=%d", n, p.Refcount())
	}

	w := mustMmap(t, m, pg(8), 4, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, io, 0)
	if err := m.RemapPFNRange(w, pg(8), 0x1000000, 4*PageSize); err != nil {
		t.Fatal(err)
	}
	if w.Flags&(VM_IO|VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP) != VM_IO|VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP {
		t.Errorf("remap flags %v", w.Flags)
	}
	if got := m.PageMap(pg(8), pg(12)); got != "pppp" {
		t.Errorf("pm %q", got)
	}
	wantErr(t, m.RemapPFNRange(w, pg(8), 0x1000000, PageSize), EACCES)
	if _, err := m.HandleFault(w, pg(8), false); err != nil {
		t.Errorf("fault on present PFN PTE: %v", err)
	}
}

func TestFinishFault(t *testing.T) {
	m := newMM(t, 4)
	drv := NewFile("drv", 8)
	v := mustMmap(t, m, pg(0), 4, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, drv, 0)
	v.Ops = "driver"
	_, err := m.HandleFault(v, pg(0), false)
	if !errors.Is(err, ErrNeedsOps) {
		t.Fatalf("driver VMA fault: %v", err)
	}
	p, _ := m.Memory().AllocPage() // ->fault returns it with a reference
	p.Get()                        // the driver keeps one too
	r, err := m.FinishFault(v, pg(0), p, false)
	if err != nil || r.Kind != FaultFile || p.Refcount() != 2 || p.Mapcount() != 1 || r.PTE.Writable() {
		t.Fatalf("FinishFault: %+v %v ref=%d", r, err, p.Refcount())
	}
	p.Get()
	r, _ = m.FinishFault(v, pg(0), p, false)
	if r.Kind != FaultNoPage || p.Refcount() != 2 {
		t.Fatalf("raced FinishFault: %v ref=%d", r.Kind, p.Refcount())
	}
	// shared write on the read-only PTE needs ->page_mkwrite, then MkWrite
	_, err = m.HandleFault(v, pg(0), true)
	wantErr(t, err, ErrNeedsOps)
	if r, err := m.MkWrite(v, pg(0)); err != nil || !r.PTE.Writable() || !p.Dirty() {
		t.Fatalf("MkWrite: %+v %v", r, err)
	}
	// private write fault on a driver mapping: do_cow_fault
	pv := mustMmap(t, m, pg(8), 2, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED, drv, 0)
	pv.Ops = "driver"
	q, _ := m.Memory().AllocPage()
	r, err = m.FinishFault(pv, pg(8), q, true)
	if err != nil || r.Kind != FaultCOW || !r.Page.Anon() || !q.Freed() {
		t.Fatalf("cow FinishFault: %+v %v freed=%v", r, err, q.Freed())
	}
	_, err = m.FinishFault(pv, pg(8), q, false)
	wantErr(t, err, EINVAL)
}

// TestInsertPFNProt: insert_pfn() with the driver's pgprot and mkwrite
// (mm/memory.c: vmf_insert_pfn_prot(), vmf_insert_mixed_mkwrite()): the
// cache mode of prot goes into the entry, mkwrite makes a new entry dirty
// and (VM_WRITE) writable and upgrades a present entry of the same pfn,
// leaves one of another pfn alone and names it; without mkwrite a present
// entry is EBUSY.
func TestInsertPFNProt(t *testing.T) {
	type step struct {
		pfn     PFN
		cache   PTE
		mkwrite bool
	}
	cases := []struct {
		name      string
		prot      Prot
		flags     MapFlags
		steps     []step
		wantErr   error
		wantOther PFN
		wantCache PTE
		wantPFN   PFN
		write     bool
		dirty     bool
	}{
		{"write-combining prot", PROT_READ | PROT_WRITE, MAP_SHARED, []step{{0x100, PTEPWT, false}}, nil, 0, PTEPWT, 0x100, true, false},
		{"uncached prot, read-only", PROT_READ, MAP_SHARED, []step{{0x100, PTEPCD, false}}, nil, 0, PTEPCD, 0x100, false, false},
		{"present without mkwrite", PROT_READ | PROT_WRITE, MAP_SHARED, []step{{0x100, 0, false}, {0x101, 0, false}}, EBUSY, 0, 0, 0x100, true, false},
		{"mkwrite new entry", PROT_READ | PROT_WRITE, MAP_SHARED, []step{{0x100, 0, true}}, nil, 0, 0, 0x100, true, true},
		{"mkwrite upgrades same pfn", PROT_READ, MAP_SHARED, []step{{0x100, 0, false}, {0x100, 0, true}}, nil, 0, 0, 0x100, false, true},
		{"mkwrite leaves another pfn", PROT_READ | PROT_WRITE, MAP_SHARED, []step{{0x100, 0, false}, {0x200, 0, true}}, nil, 0x100, 0, 0x100, true, false},
		{"mkwrite on a private writable VMA", PROT_READ | PROT_WRITE, MAP_PRIVATE, []step{{0x100, 0, true}}, nil, 0, 0, 0x100, true, true},
	}
	for _, c := range cases {
		m := newMM(t, 4)
		v := mustMmap(t, m, pg(0), 1, c.prot, c.flags|MAP_FIXED, NewFile("io", 1), 0)
		v.Flags |= VM_MIXEDMAP
		var err error
		var other PFN
		var differs bool
		for _, s := range c.steps {
			other, differs, err = m.InsertPFNProt(v, pg(0), s.pfn, s.cache, s.mkwrite)
		}
		if c.wantErr != nil {
			if !errors.Is(err, c.wantErr) {
				t.Errorf("%s: err %v, want %v", c.name, err, c.wantErr)
			}
		} else if err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if other != c.wantOther || differs != (c.wantOther != 0) {
			t.Errorf("%s: other pfn %#x, want %#x", c.name, other, c.wantOther)
		}
		e := m.Walk(pg(0)).Entry
		if e.PFN() != c.wantPFN || e&PTECacheMask != c.wantCache || !e.Special() ||
			e&PTEWrite != 0 != c.write || e&PTEDirty != 0 != c.dirty {
			t.Errorf("%s: entry %v (pfn %#x cache %#x write %v dirty %v), want pfn %#x cache %#x write %v dirty %v", c.name, e, e.PFN(), e&PTECacheMask,
				e&PTEWrite != 0, e&PTEDirty != 0, c.wantPFN, c.wantCache, c.write, c.dirty)
		}
	}
}
