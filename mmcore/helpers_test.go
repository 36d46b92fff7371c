package mmcore

import (
	"errors"
	"testing"
)

func newMM(t testing.TB, levels int) *MM {
	t.Helper()
	m, err := NewMM(Config{Levels: levels})
	if err != nil {
		t.Fatalf("NewMM: %v", err)
	}
	return m
}

const anonPriv = MAP_PRIVATE | MAP_ANONYMOUS

func mustMmap(t testing.TB, m *MM, addr Addr, pages uint64, prot Prot, flags MapFlags, f *File, pgoff uint64) *VMA {
	t.Helper()
	v, err := m.Mmap(addr, pages*PageSize, prot, flags, f, pgoff)
	if err != nil {
		t.Fatalf("Mmap(%v, %d pages, %v, %#x): %v", addr, pages, prot, flags, err)
	}
	return v
}

func mustFault(t testing.TB, m *MM, v *VMA, addr Addr, write bool) FaultResult {
	t.Helper()
	r, err := m.HandleFault(v, addr, write)
	if err != nil {
		t.Fatalf("HandleFault(%v, write=%v): %v", addr, write, err)
	}
	return r
}

func wantErr(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

// page returns the page mapped at addr, failing if none.
func mappedPage(t testing.TB, m *MM, addr Addr) *Page {
	t.Helper()
	w := m.Walk(addr)
	if !w.Present() {
		t.Fatalf("nothing mapped at %v", addr)
	}
	p := m.Memory().Page(w.Entry.PFN())
	if p == nil {
		t.Fatalf("no struct page for pfn %#x at %v", w.Entry.PFN(), addr)
	}
	return p
}

func vmaRanges(m *MM) [][2]Addr {
	var out [][2]Addr
	for v := range m.VMAs() {
		out = append(out, [2]Addr{v.Start(), v.End()})
	}
	return out
}
