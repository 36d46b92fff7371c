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
