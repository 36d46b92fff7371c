package mmcore

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// The scenarios of kernel-vma-fidelity.md Appendix A, recorded on Linux
// 6.18.44, replayed through the syscalls. Each expectation is the probe's
// line for a VMA, without the mincore column: "[start,end) perms backing
// rss= anon= vmflags=[...] pm=...", pages relative to the window.

// pwin is a probe window: the reservation the probe maps first.
type pwin struct {
	t     *testing.T
	m     *MM
	pages int
}

func newWin(t *testing.T, pages int) *pwin {
	t.Helper()
	m := newMM(t, 4)
	if _, err := m.Mmap(pg(0), uint64(pages)*PageSize, PROT_NONE, anonPriv|MAP_NORESERVE|MAP_FIXED_NOREPLACE, nil, 0); err != nil {
		t.Fatal(err)
	}
	return &pwin{t: t, m: m, pages: pages}
}

func protOf(s string) Prot {
	var p Prot
	if s[0] == 'r' {
		p |= PROT_READ
	}
	if s[1] == 'w' {
		p |= PROT_WRITE
	}
	if s[2] == 'x' {
		p |= PROT_EXEC
	}
	return p
}

// mapAnon maps n pages at page p (MAP_FIXED) with extra flags.
func (w *pwin) mapAnon(p, n int, prot string, extra MapFlags) {
	w.t.Helper()
	if _, err := w.m.Mmap(pg(p), uint64(n)*PageSize, protOf(prot), anonPriv|MAP_FIXED|extra, nil, 0); err != nil {
		w.t.Fatalf("map %d %d: %v", p, n, err)
	}
}

func (w *pwin) mapFile(p, n int, prot string, f *File, pgoff uint64, shared bool) {
	w.t.Helper()
	fl := MAP_PRIVATE | MAP_FIXED
	if shared {
		fl = MAP_SHARED | MAP_FIXED
	}
	if _, err := w.m.Mmap(pg(p), uint64(n)*PageSize, protOf(prot), fl, f, pgoff); err != nil {
		w.t.Fatalf("map %d %d file: %v", p, n, err)
	}
}

// touch faults pages [p, p+n) as a user access does.
func (w *pwin) touch(p, n int, write bool) {
	w.t.Helper()
	for i := p; i < p+n; i++ {
		if err := w.m.UserFault(pg(i), write); err != nil {
			w.t.Fatalf("touch %d: %v", i, err)
		}
	}
}

func (w *pwin) prot(p, n int, prot string) error {
	return w.m.Mprotect(pg(p), uint64(n)*PageSize, protOf(prot))
}

func (w *pwin) mustProt(p, n int, prot string) {
	w.t.Helper()
	if err := w.prot(p, n, prot); err != nil {
		w.t.Fatalf("prot %d %d %s: %v", p, n, prot, err)
	}
}

// layout renders the VMAs intersecting the window the probe's way.
func (w *pwin) layout() []string {
	return probeLayout(w.m, pg(0), pg(w.pages))
}

func probeLayout(m *MM, base, end Addr) []string {
	var out []string
	for v := range m.VMAsRange(base, end) {
		rss, anon := 0, 0
		for a := v.Start(); a < v.End(); a += PageSize {
			wk := m.Walk(a)
			if p := m.accountedPage(wk.Entry); wk.Present() && p != nil {
				rss++
				if p.Anon() {
					anon++
				}
			}
		}
		backing := "anon"
		if v.File() != nil {
			if v.File().Shmem() {
				backing = "shmem"
			} else {
				backing = "file:" + v.File().Name
			}
			backing += fmt.Sprintf("@%d", v.Pgoff())
		} else if n := v.MapName(); n != "" {
			backing = n
		}
		s := fmt.Sprintf("[%d,%d) %s %s rss=%d anon=%d vmflags=[%s] pm=%s",
			int(v.Start()-base)>>PageShift, int(v.End()-base)>>PageShift, v.Flags.Perms(), backing,
			rss, anon, v.Flags.VmFlags(), RunLength(m.PageMap(v.Start(), v.End())))
		out = append(out, s)
	}
	return out
}

func (w *pwin) expect(what string, want ...string) {
	w.t.Helper()
	got := w.layout()
	// the probe's output lists the reservation pieces too; the tests name
	// only the lines they care about, so compare those present in want by
	// range
	byRange := map[string]string{}
	for _, g := range got {
		byRange[g[:strings.Index(g, ")")+1]] = g
	}
	for _, wl := range want {
		r := wl[:strings.Index(wl, ")")+1]
		if g, ok := byRange[r]; !ok {
			w.t.Errorf("%s: no VMA %s; layout:\n%s", what, r, strings.Join(got, "\n"))
			return
		} else if g != wl {
			w.t.Errorf("%s:\n got  %s\n want %s", what, g, wl)
		}
	}
}

// expectAll compares the whole layout.
func (w *pwin) expectAll(what string, want ...string) {
	w.t.Helper()
	got := w.layout()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		w.t.Errorf("%s:\ngot:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

const (
	resv  = "---p anon rss=0 anon=0 vmflags=[mr mw me nr]"
	rwAnF = "rw-p anon rss=%d anon=%d vmflags=[rd wr mr mw me ac] pm=%s"
)

func TestScenario1AnonMergeSplit(t *testing.T) {
	w := newWin(t, 128)
	w.mapAnon(16, 4, "rw-", 0)
	w.mapAnon(20, 4, "rw-", 0)
	w.expectAll("two adjacent rw anon maps",
		"[0,16) "+resv+" pm=16.",
		"[16,24) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=8.",
		"[24,128) "+resv+" pm=104.")
	w.touch(16, 8, true)
	w.mustProt(18, 2, "r--")
	w.expect("mprotect middle -> split into 3",
		"[16,18) rw-p anon rss=2 anon=2 vmflags=[rd wr mr mw me ac] pm=2a",
		"[18,20) r--p anon rss=2 anon=2 vmflags=[rd mr mw me ac] pm=2a",
		"[20,24) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4a")
	w.mustProt(18, 2, "rw-")
	w.expect("mprotect back -> re-merged into 1",
		"[16,24) rw-p anon rss=8 anon=8 vmflags=[rd wr mr mw me ac] pm=8a")
	w.mapAnon(24, 4, "rw-", MAP_NORESERVE)
	w.mapAnon(28, 4, "rw-", MAP_STACK)
	w.mapAnon(32, 4, "r--", 0)
	w.mapAnon(36, 4, "r--", 0)
	w.expect("noreserve / MAP_STACK / read-only neighbours",
		"[16,24) rw-p anon rss=8 anon=8 vmflags=[rd wr mr mw me ac] pm=8a",
		"[24,28) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me nr] pm=4.",
		"[28,32) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac nh] pm=4.",
		"[32,40) r--p anon rss=0 anon=0 vmflags=[rd mr mw me] pm=8.",
		"[40,128) "+resv+" pm=88.")
	w.mustProt(24, 12, "r--")
	w.expect("mprotect r-- over [24,36)",
		"[24,28) r--p anon rss=0 anon=0 vmflags=[rd mr mw me nr] pm=4.",
		"[28,32) r--p anon rss=0 anon=0 vmflags=[rd mr mw me nh] pm=4.",
		"[32,40) r--p anon rss=0 anon=0 vmflags=[rd mr mw me] pm=8.")
	w.mapAnon(48, 8, "rw-", 0)
	w.mapAnon(56, 4, "r--", 0)
	w.touch(48, 8, true)
	w.mustProt(52, 4, "r--")
	w.expect("tail of FAULTED [48,56) made r--: keeps VM_ACCOUNT, does not join [56,60)",
		"[48,52) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4a",
		"[52,56) r--p anon rss=4 anon=4 vmflags=[rd mr mw me ac] pm=4a",
		"[56,60) r--p anon rss=0 anon=0 vmflags=[rd mr mw me] pm=4.")
	w.mapAnon(72, 4, "r--", 0)
	w.mapAnon(76, 8, "rw-", 0)
	w.mustProt(76, 2, "r--")
	w.expect("head of [76,84) made r--: prev [72,76) expands to [72,78)",
		"[72,78) r--p anon rss=0 anon=0 vmflags=[rd mr mw me] pm=6.",
		"[78,84) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=6.")
	w.mapAnon(88, 8, "rw-", 0)
	w.mapAnon(96, 4, "r--", 0)
	w.mustProt(92, 4, "r--")
	w.expect("tail of UNFAULTED [88,96) made r--: next [96,100) expands to [92,100)",
		"[84,88) "+resv+" pm=4.",
		"[88,92) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=4.",
		"[92,100) r--p anon rss=0 anon=0 vmflags=[rd mr mw me] pm=8.",
		"[100,128) "+resv+" pm=28.")
	checkInvariants(t, w.m)
}

func TestScenario2HiddenFlagsAndZeroPage(t *testing.T) {
	w := newWin(t, 128)
	w.mapAnon(16, 4, "rw-", 0)
	w.touch(16, 4, true)
	w.mustProt(16, 4, "r--")
	w.mapAnon(20, 4, "r--", 0)
	w.mapAnon(32, 4, "rw-", 0)
	w.mustProt(32, 4, "r--")
	w.mapAnon(36, 4, "r--", 0)
	w.expect("(a) [16,24) stays split, (b) [32,40) merges",
		"[16,20) r--p anon rss=4 anon=4 vmflags=[rd mr mw me ac] pm=4a",
		"[20,24) r--p anon rss=0 anon=0 vmflags=[rd mr mw me] pm=4.",
		"[32,40) r--p anon rss=0 anon=0 vmflags=[rd mr mw me] pm=8.")
	w.mapAnon(80, 4, "rw-", 0)
	w.touch(80, 2, false)
	w.mapAnon(84, 4, "rw-", 0)
	w.expect("(e) zero-page reads",
		"[80,88) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=2z6.")
	checkInvariants(t, w.m)
}

func TestScenario8OverlayHintNoreplace(t *testing.T) {
	w := newWin(t, 1024)
	w.mapAnon(16, 8, "rw-", 0)
	w.touch(16, 8, true)
	w.mapAnon(18, 2, "rw-", 0)
	w.expectAll("MAP_FIXED overlay of [18,20) inside faulted [16,24)",
		"[0,16) "+resv+" pm=16.",
		"[16,24) rw-p anon rss=6 anon=6 vmflags=[rd wr mr mw me ac] pm=2a2.4a",
		"[24,1024) "+resv+" pm=1000.")
	if _, err := w.m.Munmap(pg(20), PageSize); err != nil {
		t.Fatal(err)
	}
	w.expect("munmap [20,21)",
		"[16,20) rw-p anon rss=2 anon=2 vmflags=[rd wr mr mw me ac] pm=2a2.",
		"[21,24) rw-p anon rss=3 anon=3 vmflags=[rd wr mr mw me ac] pm=3a")
	if _, err := w.m.Munmap(pg(64), 8*PageSize); err != nil {
		t.Fatal(err)
	}
	v, err := w.m.Mmap(pg(64), 4*PageSize, PROT_READ|PROT_WRITE, anonPriv, nil, 0)
	if err != nil || v.Start() != pg(64) {
		t.Fatalf("hint inside a hole: %v %v", v, err)
	}
	v, err = w.m.Mmap(pg(100), 4*PageSize, PROT_READ|PROT_WRITE, anonPriv, nil, 0)
	if err != nil || v.Start() < pg(1024) && v.End() > pg(0) {
		t.Fatalf("colliding hint placed inside the window: %v %v", v, err)
	}
	_, err = w.m.Mmap(pg(16), 2*PageSize, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED_NOREPLACE, nil, 0)
	if !errors.Is(err, EEXIST) {
		t.Fatalf("noreplace: %v", err)
	}
	w.expect("hints",
		"[24,64) "+resv+" pm=40.",
		"[64,68) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=4.",
		"[72,1024) "+resv+" pm=952.")
	checkInvariants(t, w.m)
}

func TestScenario9MprotectHoleNotAtomic(t *testing.T) {
	w := newWin(t, 128)
	w.mapAnon(96, 4, "rw-", 0)
	w.mapAnon(104, 4, "rw-", 0)
	if _, err := w.m.Munmap(pg(100), 4*PageSize); err != nil {
		t.Fatal(err)
	}
	if err := w.prot(96, 12, "r--"); !errors.Is(err, ENOMEM) {
		t.Fatalf("prot across a hole: %v", err)
	}
	w.expect("the part before the hole changed",
		"[96,100) r--p anon rss=0 anon=0 vmflags=[rd mr mw me] pm=4.",
		"[104,108) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=4.")
	w.mapAnon(56, 4, "--x", 0)
	if v := w.m.VMALookup(pg(56)); v.ProtectionKey() != 1 || v.Flags.VmFlags() != "ex mr mw me" {
		t.Errorf("exec-only mapping: pkey %d flags %s", v.ProtectionKey(), v.Flags.VmFlags())
	}
}

func TestScenario3FileMerges(t *testing.T) {
	w := newWin(t, 128)
	A := NewFile("A", 64)
	A2 := A.Open(FMODE_READ | FMODE_WRITE)
	Ar := A.Open(FMODE_READ)
	w.mapFile(16, 4, "r--", A, 0, false)
	w.mapFile(20, 4, "r--", A, 4, false)
	w.mapFile(24, 4, "r--", A, 12, false)
	w.mapFile(28, 4, "r--", A2, 16, false)
	w.mapFile(32, 4, "rw-", A, 20, true)
	w.mapFile(36, 4, "rw-", A, 24, true)
	w.mapFile(40, 4, "rw-", A, 28, false)
	w.mapFile(44, 4, "r--", Ar, 32, true)
	w.expect("layout before touching",
		"[16,24) r--p file:A@0 rss=0 anon=0 vmflags=[rd mr mw me] pm=8.",
		"[24,28) r--p file:A@12 rss=0 anon=0 vmflags=[rd mr mw me] pm=4.",
		"[28,32) r--p file:A@16 rss=0 anon=0 vmflags=[rd mr mw me] pm=4.",
		"[32,40) rw-s file:A@20 rss=0 anon=0 vmflags=[rd wr sh mr mw me ms] pm=8.",
		"[40,44) rw-p file:A@28 rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=4.",
		"[44,48) r--s file:A@32 rss=0 anon=0 vmflags=[rd mr me ms] pm=4.")
	checkInvariants(t, w.m)
}

func (w *pwin) advise(p, n int, a Advice) error {
	return w.m.Madvise(pg(p), uint64(n)*PageSize, a)
}

func (w *pwin) mustAdvise(p, n int, a Advice) {
	w.t.Helper()
	if err := w.advise(p, n, a); err != nil {
		w.t.Fatalf("advise %d %d %v: %v", p, n, a, err)
	}
}

// remap is the probe's "remap P OLD NEW [maymove] [fixed Q] [dontunmap]".
func (w *pwin) remap(p, oldN, newN int, flags int, q int) (int, error) {
	var na Addr
	if flags&(MREMAP_FIXED|MREMAP_DONTUNMAP) != 0 {
		na = pg(q)
	}
	a, err := w.m.Mremap(pg(p), uint64(oldN)*PageSize, uint64(newN)*PageSize, flags, na)
	return int(a-pg(0)) >> PageShift, err
}

func (w *pwin) mustRemap(p, oldN, newN int, flags int, q int) {
	w.t.Helper()
	got, err := w.remap(p, oldN, newN, flags, q)
	if err != nil {
		w.t.Fatalf("remap %d %d %d: %v", p, oldN, newN, err)
	}
	if flags&MREMAP_FIXED != 0 && got != q {
		w.t.Fatalf("remap to %d, want %d", got, q)
	}
}

func TestScenario2AnonVMAIdentity(t *testing.T) {
	w := newWin(t, 128)
	w.mapAnon(48, 8, "rw-", 0)
	w.mustAdvise(52, 4, MADV_DONTFORK)
	w.touch(48, 4, true)
	w.touch(52, 4, true)
	w.mustAdvise(52, 4, MADV_DOFORK)
	w.mapAnon(64, 8, "rw-", 0)
	w.mustAdvise(68, 4, MADV_DONTFORK)
	w.touch(64, 4, true)
	w.mustAdvise(68, 4, MADV_DOFORK)
	w.expect("(c) [48,56) stays split (anon_vma differ), (d) [64,72) re-merges",
		"[48,52) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4a",
		"[52,56) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4a",
		"[64,72) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4a4.")
	w.mapAnon(96, 8, "rw-", 0)
	w.mustAdvise(100, 4, MADV_DONTFORK)
	w.touch(100, 4, true)
	w.mustAdvise(100, 4, MADV_DOFORK)
	w.expect("(f) [96,104) re-merges although only the modified half was faulted",
		"[96,104) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4.4a")
	checkInvariants(t, w.m)
}

func TestScenario4Mremap(t *testing.T) {
	w := newWin(t, 128)
	w.mapAnon(16, 4, "rw-", 0)
	if _, err := w.remap(16, 4, 8, 0, 0); !errors.Is(err, ENOMEM) {
		t.Fatalf("grow without room: %v", err)
	}
	if _, err := w.m.Munmap(pg(20), 4*PageSize); err != nil {
		t.Fatal(err)
	}
	w.mustRemap(16, 4, 8, 0, 0)
	w.expect("grow in place after unmapping the room",
		"[16,24) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=8.",
		"[24,128) "+resv+" pm=104.")
	w.mapAnon(24, 4, "rw-", 0)
	w.mustRemap(16, 12, 4, 0, 0)
	w.expect("shrink 12->4 (tail unmapped, leaves a hole)",
		"[16,20) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=4.",
		"[28,128) "+resv+" pm=100.")
	w.mapAnon(40, 4, "rw-", 0)
	w.mustRemap(40, 4, 4, MREMAP_MAYMOVE|MREMAP_FIXED, 20)
	w.expect("unfaulted anon moved next to [16,20): pgoff reset -> merged",
		"[16,24) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=8.",
		"[28,40) "+resv+" pm=12.",
		"[44,128) "+resv+" pm=84.")
	w.mapAnon(48, 4, "rw-", 0)
	w.touch(48, 4, true)
	w.mustRemap(48, 4, 4, MREMAP_MAYMOVE|MREMAP_FIXED, 24)
	w.expect("faulted anon moved next to [16,24): keeps old pgoff -> no merge",
		"[16,24) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=8.",
		"[24,28) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4a",
		"[44,48) "+resv+" pm=4.",
		"[52,128) "+resv+" pm=76.")
	w.mapAnon(64, 4, "rw-", 0)
	w.touch(64, 4, true)
	w.mustRemap(64, 4, 4, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP, 80)
	w.expect("DONTUNMAP: old range stays mapped but empty (VM_ACCOUNT kept)",
		"[64,68) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=4.",
		"[68,80) "+resv+" pm=12.",
		"[80,84) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4a")
	w.mapAnon(96, 2, "rw-", 0)
	w.mapAnon(98, 2, "r--", 0)
	w.mustRemap(96, 4, 4, MREMAP_MAYMOVE|MREMAP_FIXED, 104)
	w.expect("multi-VMA move of [96,100) -> [104,108)",
		"[84,96) "+resv+" pm=12.",
		"[100,104) "+resv+" pm=4.",
		"[104,106) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=2.",
		"[106,108) r--p anon rss=0 anon=0 vmflags=[rd mr mw me] pm=2.",
		"[108,128) "+resv+" pm=20.")
	w.mustRemap(104, 2, 4, MREMAP_MAYMOVE|MREMAP_FIXED, 112)
	w.expect("move+grow of [104,106) to [112,116)",
		"[100,104) "+resv+" pm=4.",
		"[106,108) r--p anon rss=0 anon=0 vmflags=[rd mr mw me] pm=2.",
		"[108,112) "+resv+" pm=4.",
		"[112,116) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=4.",
		"[116,128) "+resv+" pm=12.")
	checkInvariants(t, w.m)
}

func TestScenario5Residency(t *testing.T) {
	w := newWin(t, 128)
	w.mapAnon(16, 8, "rw-", 0)
	w.touch(16, 2, false)
	w.touch(18, 4, true)
	w.expect("reads map the zero page, writes allocate",
		"[16,24) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=2z4a2.")
	w.mustAdvise(19, 2, MADV_DONTNEED)
	w.expect("MADV_DONTNEED [19,21): VMA unchanged, pages gone",
		"[16,24) rw-p anon rss=2 anon=2 vmflags=[rd wr mr mw me ac] pm=2za2.a2.")
	w.touch(19, 1, false)
	w.expect("read after DONTNEED -> zero page again",
		"[16,24) rw-p anon rss=2 anon=2 vmflags=[rd wr mr mw me ac] pm=2zaz.a2.")
	w.mapAnon(32, 4, "rw-", MAP_POPULATE)
	w.expect("MAP_POPULATE",
		"[32,36) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4a")
	if _, err := w.m.Mmap(pg(40), 4*PageSize, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED, nil, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := w.m.Mmap(pg(44), 4*PageSize, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED, nil, 0); err != nil {
		t.Fatal(err)
	}
	w.touch(40, 1, true)
	w.touch(44, 1, false)
	w.expect("two adjacent MAP_SHARED|MAP_ANONYMOUS never merge",
		"[40,44) rw-s shmem@0 rss=1 anon=0 vmflags=[rd wr sh mr mw me ms] pm=f3.",
		"[44,48) rw-s shmem@0 rss=1 anon=0 vmflags=[rd wr sh mr mw me ms] pm=f3.")
	checkInvariants(t, w.m)
}

func TestScenario6Fork(t *testing.T) {
	w := newWin(t, 128)
	A := NewFile("A", 16)
	if err := A.Mapping().Fill(w.m.Memory(), 0, 16); err != nil {
		t.Fatal(err)
	}
	w.mapFile(40, 4, "rw-", A, 0, true)
	w.touch(40, 2, false)
	w.mapFile(48, 4, "rw-", A, 4, false)
	w.touch(48, 1, false)
	w.mapFile(56, 4, "rw-", A, 8, false)
	w.touch(56, 1, true)
	w.mapAnon(16, 4, "rw-", 0)
	w.touch(16, 4, true)
	w.mapAnon(24, 4, "rw-", 0)
	child, _, err := w.m.Fork()
	if err != nil {
		t.Fatal(err)
	}
	cw := &pwin{t: t, m: child, pages: 128}
	cw.mapAnon(20, 4, "rw-", 0)
	cw.touch(20, 1, true)
	cw.expectAll("CHILD maps [20,24) between faulted [16,20) and unfaulted [24,28)",
		"[0,16) "+resv+" pm=16.",
		"[16,20) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4A",
		"[20,28) rw-p anon rss=1 anon=1 vmflags=[rd wr mr mw me ac] pm=a7.",
		"[28,40) "+resv+" pm=12.",
		"[40,44) rw-s file:A@0 rss=0 anon=0 vmflags=[rd wr sh mr mw me ms] pm=4.",
		"[44,48) "+resv+" pm=4.",
		"[48,52) rw-p file:A@4 rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=4.",
		"[52,56) "+resv+" pm=4.",
		"[56,60) rw-p file:A@8 rss=1 anon=1 vmflags=[rd wr mr mw me ac] pm=A3.",
		"[60,128) "+resv+" pm=68.")
	child.ExitMMap()
	checkInvariants(t, child)
	w.expect("parent after the child was killed",
		"[16,20) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4a",
		"[40,44) rw-s file:A@0 rss=4 anon=0 vmflags=[rd wr sh mr mw me ms] pm=4f",
		"[48,52) rw-p file:A@4 rss=4 anon=0 vmflags=[rd wr mr mw me ac] pm=4f",
		"[56,60) rw-p file:A@8 rss=1 anon=1 vmflags=[rd wr mr mw me ac] pm=a3.")
	w.mapAnon(20, 4, "rw-", 0)
	w.expect("parent does the same map -> all three merge",
		"[16,28) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4a8.")
	checkInvariants(t, w.m)
}

func TestScenario7Brk(t *testing.T) {
	m := newMM(t, 4)
	b0 := m.Brk()
	brk := func(n int) {
		t.Helper()
		want := b0 + Addr(n)*PageSize
		if got := m.SysBrk(want); got != want {
			t.Fatalf("brk %d: got %v want %v", n, got, want)
		}
	}
	brk(4)
	for a := b0; a < b0+2*PageSize; a += PageSize {
		if err := m.UserFault(a, true); err != nil {
			t.Fatal(err)
		}
	}
	brk(8)
	heap := func() []string { return probeLayout(m, b0, b0+64*PageSize) }
	want := func(what string, lines ...string) {
		t.Helper()
		if got := heap(); strings.Join(got, "\n") != strings.Join(lines, "\n") {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(lines, "\n"))
		}
	}
	want("grow twice -> one [heap] VMA",
		"[0,8) rw-p [heap] rss=2 anon=2 vmflags=[rd wr mr mw me ac] pm=2a6.")
	if err := m.Mprotect(b0, 4*PageSize, PROT_READ); err != nil {
		t.Fatal(err)
	}
	want("mprotect part of the heap",
		"[0,4) r--p [heap] rss=2 anon=2 vmflags=[rd mr mw me ac] pm=2a2.",
		"[4,8) rw-p [heap] rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=4.")
	brk(12)
	want("grow again",
		"[0,4) r--p [heap] rss=2 anon=2 vmflags=[rd mr mw me ac] pm=2a2.",
		"[4,12) rw-p [heap] rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=8.")
	brk(2)
	want("shrink brk",
		"[0,2) r--p [heap] rss=2 anon=2 vmflags=[rd mr mw me ac] pm=2a")
	if got := m.SysBrk(0); got != b0+2*PageSize {
		t.Errorf("brk(0) = %v", got)
	}
	checkInvariants(t, m)
}

func TestScenario9Misc(t *testing.T) {
	w := newWin(t, 128)
	w.mapAnon(16, 4, "rw-", 0)
	w.touch(16, 4, true)
	w.mustAdvise(16, 2, MADV_FREE)
	w.expect("MADV_FREE of [16,18) (no swap configured)",
		"[16,20) rw-p anon rss=4 anon=4 vmflags=[rd wr mr mw me ac] pm=4a")
	w.mapAnon(24, 2, "r--", 0)
	if err := w.m.UserFault(pg(24), true); !errors.Is(err, ErrSegv) {
		t.Errorf("write to r--: %v", err)
	}
	if err := w.m.UserFault(pg(26), false); !errors.Is(err, ErrSegv) {
		t.Errorf("read of PROT_NONE: %v", err)
	}
	w.mapAnon(64, 4, "rw-", MAP_GROWSDOWN)
	if err := w.m.UserFault(pg(63), true); !errors.Is(err, ErrSegv) {
		t.Errorf("touch below growsdown inside the reservation: %v", err)
	}
	if _, err := w.m.Munmap(pg(56), 8*PageSize); err != nil {
		t.Fatal(err)
	}
	w.touch(63, 1, true)
	w.expect("growsdown after touching below its start",
		"[26,56) "+resv+" pm=30.",
		"[63,68) rw-p anon rss=1 anon=1 vmflags=[rd wr mr mw me gd ac] pm=a4.")
	if err := w.m.PrctlSetTHPDisable(1, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	w.mapAnon(80, 4, "rw-", 0)
	w.mustAdvise(80, 4, MADV_HUGEPAGE)
	w.expect("after PR_SET_THP_DISABLE + MADV_HUGEPAGE",
		"[80,84) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac hg] pm=4.")
	w.mapAnon(96, 4, "rw-", 0)
	w.mapAnon(104, 4, "rw-", 0)
	if _, err := w.m.Munmap(pg(100), 4*PageSize); err != nil {
		t.Fatal(err)
	}
	if err := w.prot(96, 12, "r--"); !errors.Is(err, ENOMEM) {
		t.Errorf("prot: %v", err)
	}
	if err := w.advise(96, 12, MADV_DONTFORK); !errors.Is(err, ENOMEM) {
		t.Errorf("advise: %v", err)
	}
	w.expect("mprotect/madvise across hole [100,104): ENOMEM, but the part before the hole changed",
		"[96,100) r--p anon rss=0 anon=0 vmflags=[rd mr mw me dc] pm=4.",
		"[104,108) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me dc ac] pm=4.")
	checkInvariants(t, w.m)
}

func TestScenario10SelftestPorts(t *testing.T) {
	w := newWin(t, 4096)
	w.mapAnon(17, 5, "rw-", 0)
	w.mapAnon(23, 5, "rw-", 0)
	w.mapAnon(30, 5, "rw-", 0)
	w.mustRemap(30, 5, 5, MREMAP_MAYMOVE|MREMAP_FIXED, 2030)
	w.mustRemap(23, 5, 5, MREMAP_MAYMOVE|MREMAP_FIXED, 1023)
	w.touch(17, 1, true)
	w.touch(2030, 1, true)
	w.mustRemap(2030, 5, 5, MREMAP_MAYMOVE|MREMAP_FIXED, 27)
	w.mustRemap(1023, 5, 5, MREMAP_MAYMOVE|MREMAP_FIXED, 22)
	w.expectAll("mremap_unfaulted_between_faulted",
		"[0,17) "+resv+" pm=17.",
		"[17,27) rw-p anon rss=1 anon=1 vmflags=[rd wr mr mw me ac] pm=a9.",
		"[27,32) rw-p anon rss=1 anon=1 vmflags=[rd wr mr mw me ac] pm=a4.",
		"[35,1023) "+resv+" pm=988.",
		"[1028,2030) "+resv+" pm=1002.",
		"[2035,4096) "+resv+" pm=2061.")
	if _, err := w.m.Munmap(pg(17), 15*PageSize); err != nil {
		t.Fatal(err)
	}
	w.mapAnon(20, 6, "rw-", 0)
	w.touch(20, 1, true)
	w.mustRemap(20, 3, 3, MREMAP_MAYMOVE|MREMAP_FIXED, 36)
	w.mapAnon(17, 3, "rw-", 0)
	w.mustRemap(36, 3, 3, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP, 20)
	w.expect("mremap_faulted_to_unfaulted_prev_faulted_next",
		"[17,26) rw-p anon rss=1 anon=1 vmflags=[rd wr mr mw me ac] pm=3.a5.",
		"[35,36) "+resv+" pm=.",
		"[36,39) rw-p anon rss=0 anon=0 vmflags=[rd wr mr mw me ac] pm=3.",
		"[39,1023) "+resv+" pm=984.")
	if _, err := w.m.Munmap(pg(17), 30*PageSize); err != nil {
		t.Fatal(err)
	}
	w.mapAnon(17, 5, "rw-", MAP_NORESERVE)
	w.touch(17, 1, true)
	child, _, err := w.m.Fork()
	if err != nil {
		t.Fatal(err)
	}
	cw := &pwin{t: t, m: child, pages: 4096}
	cw.touch(17, 5, true)
	cw.mapAnon(22, 5, "rwx", MAP_NORESERVE)
	cw.mustProt(17, 5, "rwx")
	cw.expect("CHILD forked_source_vma (expect [17,22) and [22,27) separate)",
		"[17,22) rwxp anon rss=5 anon=5 vmflags=[rd wr ex mr mw me nr] pm=5a",
		"[22,27) rwxp anon rss=0 anon=0 vmflags=[rd wr ex mr mw me nr] pm=5.")
	checkInvariants(t, child)
	checkInvariants(t, w.m)
}
