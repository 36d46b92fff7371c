package mmcore

import (
	"errors"
	"fmt"
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
					m.SplitVMA(v, pg(int(a)), c%4 == 0)
				} else {
					m.ZapRange(v, pg(int(a)), pg(int(a)+int(b)))
				}
			}
		}
		checkInvariants(t, m)
		if err := m.CheckVMAs(); err != nil {
			t.Fatal(err)
		}
	}
	m.Munmap(0, uint64(m.TaskSize()))
	if m.PageTables() != 1 || m.RSS() != (RSS{}) {
		t.Fatalf("after unmapping everything: %d tables, rss %+v", m.PageTables(), m.RSS())
	}
}

// FuzzSyscalls runs random sequences of the syscalls (mmap, munmap,
// mprotect, mremap, madvise, brk, prctl, user accesses, fork and the
// child's exit) with arguments that are mostly sensible page ranges in a
// window and sometimes arbitrary 64-bit values, on a parent and up to one
// fork child. Every call must return an errno or succeed, never panic,
// and after every call the VMA tree, the rmap, the page tables, Rss and
// every page's mapcount and refcount must agree (CheckVMAs,
// CheckPageTables, CheckPageCounts).
func FuzzSyscalls(f *testing.F) {
	f.Add([]byte{0, 16, 4, 3, 0, 0, 5, 16, 4, 1, 2, 18, 2, 1})
	f.Add([]byte{0, 16, 8, 3, 0, 0, 5, 16, 8, 1, 6, 0, 5, 16, 1, 1, 3, 16, 8, 1, 1, 40})
	f.Add([]byte{0, 10, 4, 3, 0, 0, 0, 20, 4, 3, 0, 0, 4, 10, 4, 10, 4, 20, 4, 11, 2, 10, 14, 1})
	f.Add([]byte{7, 4, 5, 0, 0, 7, 8, 2, 0, 1, 6, 9, 8, 4, 9, 1, 1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(runSyscalls)
}

// byteReader hands out fuzz input; past the end it yields zeros.
type byteReader struct {
	b []byte
	i int
	// wild is set once the current operation got an arbitrary 64-bit
	// value: the harness then leaves out what would populate or install
	// entries page by page over terabytes (which the kernel, too, would
	// only end by OOM).
	wild bool
}

func (r *byteReader) next() byte {
	if r.i >= len(r.b) {
		r.i++
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

func (r *byteReader) done() bool { return r.i >= len(r.b) }

func (r *byteReader) u64() uint64 {
	var v uint64
	for range 8 {
		v = v<<8 | uint64(r.next())
	}
	return v
}

// addr is a window page most of the time, else an arbitrary value.
func (r *byteReader) addr() Addr {
	b := r.next()
	if b == 0xff {
		r.wild = true
		return Addr(r.u64())
	}
	return pg(int(b))
}

// length is a few pages most of the time, sometimes unaligned, zero or
// arbitrary.
func (r *byteReader) length() uint64 {
	b := r.next()
	switch {
	case b == 0xff:
		r.wild = true
		return r.u64()
	case b == 0xfe:
		return 0
	case b >= 0xf0:
		return uint64(b-0xf0)*PageSize + 123
	}
	return uint64(b%32+1) * PageSize
}

func runSyscalls(t *testing.T, data []byte) { runSyscallsThen(t, data, nil) }

// runSyscallsThen is runSyscalls calling then, when set, after each
// operation with the address spaces there are.
func runSyscallsThen(t *testing.T, data []byte, then func(what string, mms []*MM)) {
	r := &byteReader{b: data}
	mem := NewMemory()
	parent, err := NewMM(Config{Memory: mem})
	if err != nil {
		t.Fatal(err)
	}
	A := NewFile("A", 48)
	files := []*File{A, A.Open(FMODE_READ | FMODE_WRITE), A.Open(FMODE_READ), NewFile("B", 16)}
	mms := []*MM{parent}
	advices := []Advice{MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED,
		MADV_FREE, MADV_REMOVE, MADV_DONTFORK, MADV_DOFORK, MADV_MERGEABLE, MADV_UNMERGEABLE,
		MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK, MADV_KEEPONFORK,
		MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_DONTNEED_LOCKED,
		MADV_COLLAPSE, MADV_GUARD_INSTALL, MADV_GUARD_REMOVE}
	for step := 0; !r.done() && step < 200; step++ {
		op := r.next()
		r.wild = false
		m := mms[int(op>>4)%len(mms)]
		var what string
		switch op % 10 {
		case 0:
			addr, l := r.addr(), r.length()
			prot := Prot(r.next())
			fb := r.next()
			flags := MapFlags(0)
			var file *File
			switch fb % 5 {
			case 0:
				flags = MAP_PRIVATE | MAP_ANONYMOUS
			case 1:
				flags = MAP_SHARED | MAP_ANONYMOUS
			case 2:
				flags = MAP_PRIVATE
				file = files[int(fb>>3)%len(files)]
			case 3:
				flags = MAP_SHARED
				file = files[int(fb>>3)%len(files)]
			case 4:
				flags = MapFlags(r.u64())
			}
			extra := r.next()
			for bit, f := range []MapFlags{MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_NORESERVE, MAP_POPULATE, MAP_LOCKED, MAP_GROWSDOWN, MAP_STACK, MAP_SHARED_VALIDATE} {
				if extra&(1<<bit) != 0 {
					flags |= f
				}
			}
			pgoff := uint64(r.next() % 40)
			if r.wild {
				flags &^= MAP_POPULATE | MAP_LOCKED
			}
			what = fmt.Sprintf("mmap(%v, %#x, %v, %#x, %v, %d)", addr, l, prot, flags, file != nil, pgoff)
			_, _ = m.DoMmap(addr, l, prot, flags, file, pgoff)
		case 1:
			addr, l := r.addr(), r.length()
			what = fmt.Sprintf("munmap(%v, %#x)", addr, l)
			_, _ = m.Munmap(addr, l)
		case 2:
			addr, l := r.addr(), r.length()
			prot := Prot(r.next())
			if prot&0x80 != 0 {
				prot = prot&7 | PROT_GROWSDOWN
			}
			what = fmt.Sprintf("mprotect(%v, %#x, %#x)", addr, l, prot)
			_ = m.Mprotect(addr, l, prot)
		case 3:
			addr, ol, nl := r.addr(), r.length(), r.length()
			flags := int(r.next()) % 9
			na := r.addr()
			what = fmt.Sprintf("mremap(%v, %#x, %#x, %d, %v)", addr, ol, nl, flags, na)
			if v := m.VMALookup(addr); r.wild && v != nil && v.Flags&VM_LOCKED != 0 {
				break // growing a locked VMA populates the growth
			}
			_, _ = m.Mremap(addr, ol, nl, flags, na)
		case 4:
			addr, l := r.addr(), r.length()
			ab := r.next()
			a := advices[int(ab)%len(advices)]
			if ab == 0xff {
				a = Advice(r.next())
			}
			what = fmt.Sprintf("madvise(%v, %#x, %v)", addr, l, a)
			if r.wild && (a == MADV_POPULATE_READ || a == MADV_POPULATE_WRITE || a == MADV_GUARD_INSTALL) {
				break
			}
			_ = m.Madvise(addr, l, a)
		case 5:
			addr := r.addr()
			n := int(r.next()%4) + 1
			write := r.next()%2 == 1
			what = fmt.Sprintf("touch(%v, %d, %v)", addr, n, write)
			for i := range n {
				err := m.UserFault(addr+Addr(i)*PageSize, write)
				if err != nil && !errors.Is(err, ErrSegv) && !errors.Is(err, ErrSigbus) && !errors.Is(err, ENOMEM) {
					t.Fatalf("%s: %v", what, err)
				}
			}
		case 6:
			if len(mms) == 1 {
				what = "fork"
				c, _, err := m.Fork()
				if err != nil {
					t.Fatalf("fork: %v", err)
				}
				mms = append(mms, c)
			} else {
				what = "exit child"
				mms[1].ExitMMap()
				if err := mms[1].CheckPageTables(); err != nil || mms[1].PageTables() != 1 {
					t.Fatalf("after exit_mmap: %d tables, %v", mms[1].PageTables(), err)
				}
				mms = mms[:1]
			}
		case 7:
			b := m.StartBrk() + Addr(r.next()%64)*PageSize + Addr(r.next()%2)*123
			what = fmt.Sprintf("brk(%v)", b)
			m.SysBrk(b)
		case 8:
			a, fl := uint64(r.next()%2), uint64(r.next()%4)
			what = fmt.Sprintf("prctl(PR_SET_THP_DISABLE, %d, %d)", a, fl)
			_ = m.PrctlSetTHPDisable(a, fl, 0, 0)
		case 9:
			// a split through the library API, with the kernel's checks
			if v := m.FindVMA(r.addr()); v != nil {
				at := v.Start() + Addr(r.next()%8)*PageSize
				what = fmt.Sprintf("split(%v, %v)", v, at)
				_, _ = m.SplitVMA(v, at, r.next()%2 == 0)
			}
		}
		for _, x := range mms {
			if err := x.CheckVMAs(); err != nil {
				t.Fatalf("after %s: %v", what, err)
			}
			if err := x.CheckPageTables(); err != nil {
				t.Fatalf("after %s: %v", what, err)
			}
		}
		if err := CheckPageCounts(mms...); err != nil {
			t.Fatalf("after %s: %v", what, err)
		}
		if then != nil {
			then(what, mms)
		}
	}
	for i := len(mms) - 1; i >= 0; i-- {
		mms[i].ExitMMap()
		if mms[i].PageTables() != 1 || mms[i].RSS() != (RSS{}) || mms[i].MapCount() != 0 {
			t.Fatalf("after exit_mmap: %d tables, rss %+v", mms[i].PageTables(), mms[i].RSS())
		}
	}
}
