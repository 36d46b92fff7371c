package mmcore

import (
	"errors"
	"testing"
)

// checkInvariants verifies what every operation must preserve: a sorted,
// non-overlapping tree of attached VMAs, i_mmap membership, and page
// accounting that matches the page tables.
func checkInvariants(t *testing.T, m *MM) {
	t.Helper()
	var prev *VMA
	for v := range m.VMAs() {
		if !v.Attached() || v.Start() >= v.End() || (prev != nil && prev.End() > v.Start()) {
			t.Fatalf("bad tree at %v after %v", v, prev)
		}
		if v.File() != nil && !v.File().Mapping().imapContains(v) {
			t.Fatalf("%v missing from i_mmap", v)
		}
		prev = v
	}
	maps := map[*Page]int{}
	var rss RSS
	var walk func(pt *PageTable)
	walk = func(pt *PageTable) {
		used := 0
		for i := 0; i < PTRS_PER_TABLE; i++ {
			if c := pt.Child(i); c != nil {
				used++
				walk(c)
			}
			if e := pt.Entry(i); e != 0 {
				used++
				if p := m.accountedPage(e); p != nil {
					maps[p]++
					m2 := RSS{}
					switch {
					case p.Anon():
						m2.Anon = 1
					case p.Mapping() != nil && p.Mapping().shmem:
						m2.Shmem = 1
					default:
						m2.File = 1
					}
					rss.Anon += m2.Anon
					rss.File += m2.File
					rss.Shmem += m2.Shmem
				}
				if a := pt.Base() + Addr(i)<<PageShift; m.VMALookup(a) == nil {
					t.Fatalf("PTE at %v outside any VMA", a)
				}
			}
		}
		if used != pt.Used() {
			t.Fatalf("table %v at %v: used %d, counted %d", pt.Level(), pt.Base(), pt.Used(), used)
		}
	}
	walk(m.PGD())
	for p, n := range maps {
		if p.Freed() || p.Mapcount() != n || p.Refcount() < n {
			t.Fatalf("page %#x: freed=%v map=%d ref=%d, mapped %d times", p.PFN, p.Freed(), p.Mapcount(), p.Refcount(), n)
		}
	}
	if rss != m.RSS() {
		t.Fatalf("rss %+v, counted %+v", m.RSS(), rss)
	}
}

func FuzzMmapMunmapFault(f *testing.F) {
	f.Add([]byte{0, 1, 4, 3, 2, 2, 1, 0, 1, 1, 5, 3})
	f.Add([]byte{0, 0, 8, 7, 2, 3, 1, 2, 2, 2, 3, 1, 1, 4, 2})
	f.Fuzz(runOps)
}

func runOps(t *testing.T, ops []byte) {
	m := newMM(t, 4)
	file := NewFile("A", 32)
	for i := 0; i+3 < len(ops); i += 4 {
		op, a, b, c := ops[i]%5, Addr(ops[i+1]%64), uint64(ops[i+2]%16)+1, ops[i+3]
		switch op {
		case 0, 1: // mmap
			prot := Prot(c % 8)
			flags := MAP_FIXED
			var fl *File
			switch c / 8 % 4 {
			case 0:
				flags |= anonPriv
			case 1:
				flags |= MAP_SHARED | MAP_ANONYMOUS
			case 2:
				flags |= MAP_PRIVATE
				fl = file
			case 3:
				flags |= MAP_SHARED
				fl = file
			}
			if _, err := m.Mmap(pg(int(a)), b*PageSize, prot, flags, fl, uint64(c%4)); err != nil {
				t.Fatalf("mmap: %v", err)
			}
		case 2: // munmap
			if _, err := m.Munmap(pg(int(a)), b*PageSize); err != nil {
				t.Fatalf("munmap: %v", err)
			}
		case 3: // fault
			if v := m.VMALookup(pg(int(a))); v != nil {
				_, err := m.HandleFault(v, pg(int(a)), c%2 == 1)
				if err != nil && !errors.Is(err, ErrSegv) && !errors.Is(err, ErrSigbus) {
					t.Fatalf("fault: %v", err)
				}
			}
		case 4: // split or zap
			if v := m.VMALookup(pg(int(a))); v != nil {
				if c%2 == 0 {
					m.SplitVMA(v, pg(int(a)), false)
				} else {
					m.ZapRange(v, pg(int(a)), pg(int(a)+int(b)))
				}
			}
		}
		checkInvariants(t, m)
	}
	m.Munmap(0, uint64(m.TaskSize()))
	if m.PageTables() != 1 || m.RSS() != (RSS{}) {
		t.Fatalf("after unmapping everything: %d tables, rss %+v", m.PageTables(), m.RSS())
	}
}
