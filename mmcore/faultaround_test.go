package mmcore

import (
	"errors"
	"testing"
)

// do_read_fault runs ->map_pages before ->fault: a read beyond EOF still
// maps the cached pages around it before it gets SIGBUS.
func TestFaultAroundBeforeSigbus(t *testing.T) {
	m := newMM(t, 4)
	f := NewTmpfsFile("f", 4)
	if err := f.Mapping().Fill(m.Memory(), 0, 4); err != nil {
		t.Fatal(err)
	}
	v := mustMmap(t, m, pg(0), 8, PROT_READ, MAP_SHARED|MAP_FIXED, f, 0)
	r, err := m.HandleFault(v, pg(5), false)
	if !errors.Is(err, ErrSigbus) {
		t.Fatalf("read beyond EOF: %v", err)
	}
	if r.Mapped != 4 || classes(m, pg(0), 8) != "4f4." {
		t.Errorf("fault-around before SIGBUS mapped %d: %s", r.Mapped, classes(m, pg(0), 8))
	}
	if s := m.SmapsOf(v); s.Rss != 4 || m.RSS().Shmem != 4 {
		t.Errorf("tmpfs pages: smaps %+v, rss %+v", s, m.RSS())
	}
	// a private write beyond EOF gets SIGBUS after anon_vma_prepare
	pv := mustMmap(t, m, pg(32), 8, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED, f, 0)
	if _, err := m.HandleFault(pv, pg(38), true); !errors.Is(err, ErrSigbus) {
		t.Fatalf("private write beyond EOF: %v", err)
	}
	if pv.AnonVMA() == nil {
		t.Error("do_cow_fault prepares the anon_vma before it reads the page")
	}
	// MADV_WILLNEED reads nothing into a shmem file (shmem_swapin_range)
	g := NewTmpfsFile("g", 8)
	w := mustMmap(t, m, pg(16), 8, PROT_READ, MAP_SHARED|MAP_FIXED, g, 0)
	if err := m.Madvise(w.Start(), 8*PageSize, MADV_WILLNEED); err != nil {
		t.Fatal(err)
	}
	if g.Mapping().NrPages() != 0 {
		t.Errorf("WILLNEED cached %d shmem pages", g.Mapping().NrPages())
	}
}

// With protection keys a PROT_EXEC-only mapping carries the execute-only
// key, and loads and stores through it fault; without pkeys exec implies
// read on x86.
func TestExecOnlyPkeyDeniesDataAccess(t *testing.T) {
	for _, noPkeys := range []bool{false, true} {
		m, err := NewMM(Config{NoPkeys: noPkeys})
		if err != nil {
			t.Fatal(err)
		}
		v := mustMmap(t, m, pg(0), 2, PROT_EXEC, anonPriv|MAP_FIXED, nil, 0)
		_, err = m.HandleFault(v, pg(0), false)
		if denied := errors.Is(err, ErrSegv); denied == noPkeys {
			t.Errorf("pkeys %v: read of an exec-only page: %v", !noPkeys, err)
		}
	}
}

func TestExt4LargeFolios(t *testing.T) {
	m := newMM(t, 4)
	f := NewExt4File("E", 37)
	if err := f.Mapping().FillLargeFolios(m.Memory(), 0, 37); err != nil {
		t.Fatal(err)
	}
	var orders []int
	for i := uint64(0); i < 37; i += 1 << f.Mapping().FindPage(i).Order() {
		orders = append(orders, f.Mapping().FindPage(i).Order())
	}
	if len(orders) != 3 || orders[0] != 5 || orders[1] != 2 || orders[2] != 0 {
		t.Errorf("folio orders %v, want [5 2 0]", orders)
	}
	v := mustMmap(t, m, pg(0), 37, PROT_READ, MAP_PRIVATE|MAP_FIXED, f, 0)
	mustFault(t, m, v, pg(0), false)
	// the first folio (32 pages) lies inside the VMA and ends within
	// i_size: filemap_map_folio_range maps all of it, not only the
	// 16-page fault-around block (observed on 6.18.44)
	if got := classes(m, pg(0), 37); got != "32F5." {
		t.Errorf("fault-around over large folios: %s", got)
	}
	if err := CheckPageCounts(m); err != nil {
		t.Error(err)
	}
	if m.RSS().File != 32 {
		t.Errorf("rss %+v", m.RSS())
	}
}
