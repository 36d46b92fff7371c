package mmcore

import (
	"reflect"
	"testing"
)

const win = Addr(0x2000_0000_0000) // the probe's window

func pg(n int) Addr { return win + Addr(n)*PageSize }

func TestFindVMA(t *testing.T) {
	m := newMM(t, 4)
	a := mustMmap(t, m, pg(16), 4, PROT_READ, anonPriv|MAP_FIXED, nil, 0)
	b := mustMmap(t, m, pg(32), 4, PROT_READ, anonPriv|MAP_FIXED, nil, 0)
	tests := []struct {
		addr         Addr
		find, lookup *VMA
	}{
		{0, a, nil},
		{pg(16), a, a},
		{pg(20) - 1, a, a},
		{pg(20), b, nil},
		{pg(35), b, b},
		{pg(36), nil, nil},
	}
	for _, tt := range tests {
		if got := m.FindVMA(tt.addr); got != tt.find {
			t.Errorf("FindVMA(%v) = %v, want %v", tt.addr, got, tt.find)
		}
		if got := m.VMALookup(tt.addr); got != tt.lookup {
			t.Errorf("VMALookup(%v) = %v, want %v", tt.addr, got, tt.lookup)
		}
	}
	for _, tt := range []struct {
		s, e Addr
		want *VMA
	}{
		{pg(0), pg(16), nil},
		{pg(0), pg(17), a},
		{pg(19), pg(40), a},
		{pg(20), pg(32), nil},
		{pg(20), pg(33), b},
		{pg(36), pg(100), nil},
	} {
		if got := m.FindVMAIntersection(tt.s, tt.e); got != tt.want {
			t.Errorf("FindVMAIntersection(%v, %v) = %v, want %v", tt.s, tt.e, got, tt.want)
		}
	}
	if m.PrevVMA(b) != a || m.NextVMA(a) != b || m.PrevVMA(a) != nil || m.NextVMA(b) != nil {
		t.Error("Prev/NextVMA")
	}
	if v, prev := m.FindVMAPrev(pg(25)); v != b || prev != a {
		t.Error("FindVMAPrev")
	}
	var got []*VMA
	for v := range m.VMAsRange(pg(18), pg(33)) {
		got = append(got, v)
	}
	if !reflect.DeepEqual(got, []*VMA{a, b}) {
		t.Errorf("VMAsRange = %v", got)
	}
}

func TestNewAndInsertVMA(t *testing.T) {
	m := newMM(t, 4)
	f := NewFile("A", 64)
	v, err := m.NewVMA(pg(0), pg(8), VM_READ|VM_MAYREAD, f, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v.Attached() || m.MapCount() != 0 || f.Mapping().MapCount() != 0 {
		t.Fatal("NewVMA is not detached")
	}
	if err := m.InsertVMA(v); err != nil {
		t.Fatal(err)
	}
	if !v.Attached() || m.VMALookup(pg(3)) != v || f.Mapping().MapCount() != 1 {
		t.Fatal("InsertVMA did not attach to tree and i_mmap")
	}
	wantErr(t, m.InsertVMA(v), EINVAL) // already attached
	for _, r := range [][2]Addr{{pg(7), pg(9)}, {pg(0), pg(8)}, {pg(2), pg(3)}, {win - PageSize, pg(1)}} {
		w, err := m.NewVMA(r[0], r[1], VM_READ, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		wantErr(t, m.InsertVMA(w), EEXIST)
		if w.Attached() {
			t.Fatal("failed insert attached the VMA")
		}
	}
	for _, r := range [][2]Addr{{pg(9), pg(9)}, {pg(9) + 1, pg(10)}, {pg(10), pg(9)}, {m.TaskSize(), m.TaskSize() + PageSize}} {
		if _, err := m.NewVMA(r[0], r[1], VM_READ, nil, 0); err == nil {
			t.Errorf("NewVMA(%v, %v) succeeded", r[0], r[1])
		}
	}
	adj, _ := m.NewVMA(pg(8), pg(9), VM_READ, nil, 0)
	if err := m.InsertVMA(adj); err != nil {
		t.Fatalf("adjacent insert: %v", err)
	}
	other := newMM(t, 4)
	ov, _ := other.NewVMA(pg(20), pg(21), VM_READ, nil, 0)
	wantErr(t, m.InsertVMA(ov), EINVAL)
}

func TestSplitVMA(t *testing.T) {
	m := newMM(t, 4)
	f := NewFile("A", 64)
	v := mustMmap(t, m, pg(0), 8, PROT_READ, MAP_PRIVATE|MAP_FIXED, f, 10)
	hi, err := m.SplitVMA(v, pg(3), false)
	if err != nil {
		t.Fatal(err)
	}
	if v.Start() != pg(0) || v.End() != pg(3) || v.Pgoff() != 10 {
		t.Errorf("low half %v pgoff %d", v, v.Pgoff())
	}
	if hi.Start() != pg(3) || hi.End() != pg(8) || hi.Pgoff() != 13 || hi.File() != f || hi.Flags != v.Flags {
		t.Errorf("high half %v pgoff %d", hi, hi.Pgoff())
	}
	var inIMmap []*VMA
	for w := range f.Mapping().IMmap(12, 13) {
		inIMmap = append(inIMmap, w)
	}
	if !reflect.DeepEqual(inIMmap, []*VMA{v, hi}) {
		t.Errorf("i_mmap over pgoff 12-13 = %v", inIMmap)
	}
	inIMmap = nil
	for w := range f.Mapping().IMmap(13, 100) {
		inIMmap = append(inIMmap, w)
	}
	if !reflect.DeepEqual(inIMmap, []*VMA{hi}) {
		t.Errorf("i_mmap over pgoff 13- = %v", inIMmap)
	}
	for _, a := range []Addr{pg(0), pg(3), pg(8), pg(1) + 1} {
		if _, err := m.SplitVMA(hi, a, false); err == nil && a != pg(3) {
			t.Errorf("SplitVMA at %v succeeded", a)
		}
	}
	// anon: both halves share the anon_vma
	av := mustMmap(t, m, pg(32), 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	mustFault(t, m, av, pg(32), true)
	ahi, err := m.SplitVMA(av, pg(34), false)
	if err != nil {
		t.Fatal(err)
	}
	if ahi.AnonVMA() == nil || ahi.AnonVMA() != av.AnonVMA() || av.AnonVMA().NumVMAs() != 2 {
		t.Error("split halves do not share the anon_vma")
	}
	if ahi.Pgoff() != uint64(pg(34))>>PageShift {
		t.Errorf("anon pgoff %#x", ahi.Pgoff())
	}
}

func TestMunmapSplits(t *testing.T) {
	m := newMM(t, 4)
	f := NewFile("A", 64)
	v := mustMmap(t, m, pg(0), 16, PROT_READ, MAP_PRIVATE|MAP_FIXED, f, 0)

	// middle
	removed, err := m.Munmap(pg(4), 4*PageSize)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0].Start() != pg(4) || removed[0].End() != pg(8) || removed[0].Attached() {
		t.Fatalf("removed %v", removed)
	}
	// __split_vma with new_below at the start: the original struct is the
	// removed middle, both kept pieces are new structs
	if removed[0] != v {
		t.Errorf("removed %v is not the original VMA", removed[0])
	}
	if removed[0].Pgoff() != 4 {
		t.Errorf("removed pgoff %d", removed[0].Pgoff())
	}
	if got, want := vmaRanges(m), [][2]Addr{{pg(0), pg(4)}, {pg(8), pg(16)}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after middle unmap %v", got)
	}
	if hi, lo := m.VMALookup(pg(8)), m.VMALookup(pg(0)); hi.Pgoff() != 8 || lo.Pgoff() != 0 || lo == v || hi == v || v.Attached() {
		t.Errorf("pgoffs after unmap: %d %d", lo.Pgoff(), hi.Pgoff())
	}
	if f.Mapping().MapCount() != 2 {
		t.Errorf("i_mmap holds %d VMAs", f.Mapping().MapCount())
	}
	// head edge, a range starting in a hole
	if _, err := m.Munmap(pg(6), 4*PageSize); err != nil {
		t.Fatal(err)
	}
	if got, want := vmaRanges(m), [][2]Addr{{pg(0), pg(4)}, {pg(10), pg(16)}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after head unmap %v", got)
	}
	// tail edge and spanning two VMAs
	removed, err = m.Munmap(pg(2), 12*PageSize)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 {
		t.Fatalf("removed %d VMAs", len(removed))
	}
	if got, want := vmaRanges(m), [][2]Addr{{pg(0), pg(2)}, {pg(14), pg(16)}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after spanning unmap %v", got)
	}
	// a hole is not an error
	if removed, err := m.Munmap(pg(4), PageSize); err != nil || removed != nil {
		t.Errorf("unmap of a hole: %v %v", removed, err)
	}
	// whole
	if _, err := m.Munmap(pg(0), 16*PageSize); err != nil || m.MapCount() != 0 || f.Mapping().MapCount() != 0 {
		t.Errorf("unmap all: %v, %d VMAs left", err, m.MapCount())
	}
	// bad arguments
	_, err = m.Munmap(pg(0)+1, PageSize)
	wantErr(t, err, EINVAL)
	_, err = m.Munmap(pg(0), 0)
	wantErr(t, err, EINVAL)
	_, err = m.Munmap(m.TaskSize(), PageSize)
	wantErr(t, err, EINVAL)
}

func TestMaxMapCount(t *testing.T) {
	m, _ := NewMM(Config{MaxMapCount: 2})
	mustMmap(t, m, pg(0), 8, PROT_READ, anonPriv|MAP_FIXED, nil, 0)
	mustMmap(t, m, pg(16), 8, PROT_READ, anonPriv|MAP_FIXED, nil, 0)
	_, err := m.Munmap(pg(2), PageSize)
	wantErr(t, err, ENOMEM)
	if m.MapCount() != 2 || m.VMALookup(pg(2)) == nil {
		t.Fatal("failed munmap changed the tree")
	}
	// unmapping a head needs no new VMA
	if _, err := m.Munmap(pg(0), PageSize); err != nil {
		t.Fatal(err)
	}
}

func TestMmapPlacement(t *testing.T) {
	m := newMM(t, 4)
	a := mustMmap(t, m, 0, 4, PROT_READ, anonPriv, nil, 0)
	if a.End() != DefaultMmapBase || a.Start() != DefaultMmapBase-4*PageSize {
		t.Fatalf("first mmap at %v", a)
	}
	// the next one goes right below and merges into it (vma_merge_new_range:
	// next expands downwards, its pgoff lowered)
	b := mustMmap(t, m, 0, 2, PROT_READ, anonPriv, nil, 0)
	if b != a || b.Start() != DefaultMmapBase-6*PageSize || b.Pgoff() != uint64(b.Start())>>PageShift || m.MapCount() != 1 {
		t.Fatalf("second mmap at %v", b)
	}
	// a free hint is honoured, an occupied one is not
	h := mustMmap(t, m, pg(64), 1, PROT_READ, anonPriv, nil, 0)
	if h.Start() != pg(64) {
		t.Fatalf("hint not honoured: %v", h)
	}
	h2 := mustMmap(t, m, pg(64), 1, PROT_READ, anonPriv, nil, 0)
	if h2.Start() == pg(64) || m.FindVMAIntersection(pg(64), pg(65)) != h {
		t.Fatalf("colliding hint placed at %v", h2)
	}
	if h2.Pgoff() != uint64(h2.Start())>>PageShift {
		t.Errorf("anon pgoff %#x", h2.Pgoff())
	}
	// a low hint is raised to mmap_min_addr
	low := mustMmap(t, m, 0x1000, 1, PROT_READ, anonPriv, nil, 0)
	if low.Start() != MmapMinAddr {
		t.Errorf("low hint placed at %v", low)
	}
	_, err := m.Mmap(pg(64), PageSize, PROT_READ, anonPriv|MAP_FIXED_NOREPLACE, nil, 0)
	wantErr(t, err, EEXIST)
	_, err = m.Mmap(0x1000, PageSize, PROT_READ, anonPriv|MAP_FIXED, nil, 0)
	wantErr(t, err, EPERM)
	_, err = m.Mmap(pg(0)+1, PageSize, PROT_READ, anonPriv|MAP_FIXED, nil, 0)
	wantErr(t, err, EINVAL)
	_, err = m.Mmap(0, 0, PROT_READ, anonPriv, nil, 0)
	wantErr(t, err, EINVAL)
	_, err = m.Mmap(0, PageSize, PROT_READ, MAP_PRIVATE, nil, 0)
	wantErr(t, err, EBADF)
	_, err = m.Mmap(m.TaskSize(), PageSize, PROT_READ, anonPriv|MAP_FIXED, nil, 0)
	wantErr(t, err, ENOMEM)

	// MAP_FIXED replaces what was there, dropping its pages
	v := mustMmap(t, m, pg(128), 8, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	for i := 0; i < 8; i++ {
		mustFault(t, m, v, pg(128+i), true)
	}
	old := mappedPage(t, m, pg(130))
	n := mustMmap(t, m, pg(130), 2, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	if !old.Freed() || m.Walk(pg(130)).Present() {
		t.Error("MAP_FIXED kept the replaced page")
	}
	if got := RunLength(m.PageMap(pg(128), pg(136))); got != "2a2.4a" {
		t.Errorf("pm = %s, want 2a2.4a", got)
	}
	// identical attributes: the new range merges with both pieces of the
	// VMA it punched into (fidelity doc §3.6), and the original struct was
	// the replaced middle
	if m.VMALookup(pg(130)) != n || m.VMALookup(pg(129)) != n || n.Start() != pg(128) || n.End() != pg(136) || v.Attached() {
		t.Errorf("tree after MAP_FIXED: %v", vmaRanges(m))
	}
}

func TestMmapFiveLevelWindow(t *testing.T) {
	m := newMM(t, 5)
	v := mustMmap(t, m, 0, 1, PROT_READ, anonPriv, nil, 0)
	if v.End() != DefaultMmapBase {
		t.Errorf("5-level mmap without hint at %v", v)
	}
	high := mustMmap(t, m, 0x10_0000_0000_0000, 1, PROT_READ, anonPriv, nil, 0)
	if high.Start() != 0x10_0000_0000_0000 {
		t.Errorf("hint above 47 bits not honoured: %v", high)
	}
	m4 := newMM(t, 4)
	v4 := mustMmap(t, m4, 0x10_0000_0000_0000, 1, PROT_READ, anonPriv, nil, 0)
	if v4.Start() >= 1<<47 {
		t.Errorf("4-level placed above 47 bits: %v", v4)
	}
}

func TestPrepareMmapTwoPhase(t *testing.T) {
	m := newMM(t, 4)
	drv := NewFile("drv", 16)
	v, unmapped, err := m.PrepareMmap(pg(0), 4*PageSize, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, drv, 0)
	if err != nil || unmapped != nil {
		t.Fatal(err)
	}
	if v.Attached() || m.MapCount() != 0 {
		t.Fatal("prepared VMA is attached")
	}
	// f_op->mmap inserts a page into the detached VMA
	p, _ := m.Memory().AllocPage()
	if err := m.InsertPage(v, pg(1), p); err != nil {
		t.Fatal(err)
	}
	if v.Flags&VM_MIXEDMAP == 0 || p.Refcount() != 2 || p.Mapcount() != 1 {
		t.Fatalf("InsertPage in f_op->mmap: flags %v ref %d", v.Flags, p.Refcount())
	}
	// the hook fails: undo
	m.UnmapRegion(v)
	if p.Mapcount() != 0 || p.Refcount() != 1 || m.PageTables() != 1 {
		t.Fatalf("UnmapRegion left map=%d ref=%d tables=%d", p.Mapcount(), p.Refcount(), m.PageTables())
	}
	// again, and attach this time
	v, _, _ = m.PrepareMmap(pg(0), 4*PageSize, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, drv, 0)
	if err := m.InsertVMA(v); err != nil {
		t.Fatal(err)
	}
	// MAP_FIXED over it returns the replaced VMA for ->close
	_, unmapped, err = m.PrepareMmap(pg(2), PageSize, PROT_READ, anonPriv|MAP_FIXED, nil, 0)
	if err != nil || len(unmapped) != 1 || unmapped[0].Start() != pg(2) || unmapped[0].Attached() {
		t.Fatalf("unmapped = %v, %v", unmapped, err)
	}
}

func TestMaps(t *testing.T) {
	m := newMM(t, 4)
	f := NewFile("/dev/shm/A", 64)
	mustMmap(t, m, pg(0), 16, PROT_NONE, anonPriv|MAP_NORESERVE|MAP_FIXED, nil, 0)
	mustMmap(t, m, pg(16), 4, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, f, 2)
	h := mustMmap(t, m, pg(24), 2, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	h.Name = "[heap]"
	want := "200000000000-200000010000 ---p 00000000\n" +
		"200000010000-200000014000 rw-s 00002000 /dev/shm/A\n" +
		"200000018000-20000001a000 rw-p 00000000 [heap]\n"
	if got := m.Maps(); got != want {
		t.Errorf("Maps:\n%s\nwant:\n%s", got, want)
	}
	if got := m.Smaps(); got != "200000000000-200000010000 ---p 00000000\nVmFlags: mr mw me nr\n"+
		"200000010000-200000014000 rw-s 00002000 /dev/shm/A\nVmFlags: rd wr sh mr mw me ms\n"+
		"200000018000-20000001a000 rw-p 00000000 [heap]\nVmFlags: rd wr mr mw me ac\n" {
		t.Errorf("Smaps:\n%s", got)
	}
}
