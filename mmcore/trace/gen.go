package trace

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
)

// Generate returns a random trace, the same for the same seed, as
// kernel-vma-fidelity.md §7.4 suggests: a window of 128 to 1024 pages,
// range endpoints mostly taken from existing boundaries ±1 page so that
// merges and splits happen, every op of the language (map with every
// kind and flag, unmap, prot, remap in all its forms, every madvise
// advice, touch and trytouch, the brk ops, thpdisable, fork with child
// ops) and a show every few ops and at the end.
//
// A plain touch kills the probe when it faults, so the generator keeps a
// shadow of what each page allows and uses touch only where an access is
// certainly legal (and in fork children, where trytouch is not allowed);
// everywhere else it uses trytouch. Ops whose effect the shadow cannot
// predict (remap, guard regions, partial failures) make the pages they
// touch unknown.
func Generate(seed int64) string { return GenerateProfile(seed, "all") }

// Profiles of GenerateProfile.
var Profiles = []string{"all", "basic", "thp", "edge"}

// GenerateProfile is Generate restricted to a profile: "all" (every op),
// "basic" (map, unmap, touch, trytouch: placement, merging of new
// mappings, faults, the zero page, fault-around and COW of file pages) or
// "thp" (a 2 MiB-aligned MADV_HUGEPAGE region in a 1024-page window, with
// faults, splits, collapse and fork) or "edge" (the corners "all" reaches
// rarely: every mremap form including old_len 0, moves without
// MREMAP_FIXED and multi-VMA moves, file mappings whose offset continues
// a neighbour's, flag-changing madvise and guard regions, growsdown
// VMAs touched below, locked and noreserve mappings, longer fork
// children).
func GenerateProfile(seed int64, profile string) string {
	g := &gen{r: rand.New(rand.NewSource(seed)), profile: profile}
	if profile == "edge" {
		return g.edgeTrace(seed)
	}
	return g.trace(seed)
}

const (
	accUnmapped = -2
	accUnknown  = -1
)

type shadow struct {
	acc []int8 // PROT bits per page, or accUnmapped / accUnknown
	dc  []bool // MADV_DONTFORK per page
}

func (s *shadow) clone() *shadow {
	return &shadow{acc: append([]int8(nil), s.acc...), dc: append([]bool(nil), s.dc...)}
}

type genFD struct {
	name, file string
	ro         bool
}

type gen struct {
	r      *rand.Rand
	b      strings.Builder
	win    int
	sh     *shadow
	bounds map[int]bool
	fds    []genFD
	fsize  map[string]int
	brk    int
	heap   [64]int8 // PROT bits of heap pages [0, brk)
	thp    bool
	// roPages: shared mappings of a read-only descriptor
	roPages map[int]bool
	profile string
	filePg  []filePage // edge profile: the file page each window page maps
}

func (g *gen) pick(n int) int { return g.r.Intn(n) }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) emit(format string, a ...any) {
	fmt.Fprintf(&g.b, format, a...)
	g.b.WriteByte('\n')
}

var genProts = []string{"---", "r--", "rw-", "r-x", "rwx", "--x", "-w-"}

func (g *gen) prot() string {
	switch n := g.pick(20); {
	case n < 2:
		return "---"
	case n < 7:
		return "r--"
	case n < 15:
		return "rw-"
	case n < 17:
		return "r-x"
	case n < 19:
		return "rwx"
	default:
		return genProts[5+g.pick(2)]
	}
}

// point returns a page number, mostly near an existing boundary.
func (g *gen) point() int {
	if len(g.bounds) > 0 && g.chance(0.75) {
		bs := make([]int, 0, len(g.bounds))
		for b := range g.bounds {
			bs = append(bs, b)
		}
		sort.Ints(bs)
		p := bs[g.pick(len(bs))] + g.pick(3) - 1
		return max(1, min(p, g.win-2))
	}
	return 1 + g.pick(g.win-2)
}

func (g *gen) length() int {
	if g.chance(0.7) {
		return 1 + g.pick(8)
	}
	return 1 + g.pick(24)
}

// rng returns a range [p, p+n) inside the window (the last page excluded
// so that nothing ever reaches past the reservation by accident).
func (g *gen) rng() (int, int) {
	p := g.point()
	n := g.length()
	if g.chance(0.5) && len(g.bounds) > 0 {
		// end on a boundary too
		q := g.point()
		if q > p {
			n = q - p
		}
	}
	if p+n > g.win-1 {
		n = g.win - 1 - p
	}
	return p, max(n, 1)
}

func (g *gen) mark(p, n int) {
	g.bounds[p] = true
	g.bounds[p+n] = true
}

func (s *shadow) set(p, n int, acc int8) {
	for i := p; i < p+n && i < len(s.acc); i++ {
		if i >= 0 {
			s.acc[i] = acc
		}
	}
}

// legal reports whether accessing every page of [p, p+n) is certainly
// allowed: a read needs r or w (x alone is execute-only, pkey 1), a write
// needs w.
func (s *shadow) legal(p, n int, write bool) bool {
	for i := p; i < p+n; i++ {
		if i < 0 || i >= len(s.acc) {
			return false
		}
		a := s.acc[i]
		if a < 0 {
			return false
		}
		if write && a&2 == 0 || !write && a&3 == 0 {
			return false
		}
	}
	return true
}

func (s *shadow) allMapped(p, n int) bool {
	for i := p; i < p+n; i++ {
		if i < 0 || i >= len(s.acc) || s.acc[i] < 0 {
			return false
		}
	}
	return true
}

func (g *gen) trace(seed int64) string {
	g.bounds = map[int]bool{}
	g.roPages = map[int]bool{}
	g.fsize = map[string]int{}
	g.win = 128
	switch g.pick(10) {
	case 0, 1:
		g.win = 256
	case 2:
		g.win = 1024
		g.thp = true
	}
	if g.profile == "thp" {
		g.win, g.thp = 1024, true
	}
	g.emit("# generated by mmtrace --gen (trace.GenerateProfile), profile %s, seed %d", g.profile, seed)
	if g.win != 128 {
		g.emit("@window %d", g.win)
	}
	g.sh = &shadow{acc: make([]int8, g.win), dc: make([]bool, g.win)}
	if g.chance(0.5) {
		g.emit("file A tmpfs 64")
		g.fsize["A"] = 64
		g.emit("open A1 A rw")
		g.fds = append(g.fds, genFD{"A1", "A", false})
		if g.chance(0.5) {
			g.emit("open A2 A rw")
			g.fds = append(g.fds, genFD{"A2", "A", false})
		}
		if g.chance(0.5) {
			g.emit("open Ar A ro")
			g.fds = append(g.fds, genFD{"Ar", "A", true})
		}
		if g.chance(0.3) {
			g.emit("file B tmpfs 32")
			g.fsize["B"] = 32
			g.emit("open B1 B rw")
			g.fds = append(g.fds, genFD{"B1", "B", false})
		}
	}
	if g.thp && g.profile == "thp" && g.chance(0.2) {
		g.emit("thpdisable")
	}
	if g.thp {
		g.emit("map 512 512 rw- anon")
		g.sh.set(512, 512, 3)
		g.mark(512, 512)
		if g.chance(0.8) {
			g.emit("advise 512 512 hugepage")
		}
	}
	nops := 12 + g.pick(20)
	sinceShow := 0
	for i := 0; i < nops; i++ {
		g.op(g.sh, false)
		sinceShow++
		if sinceShow >= 3+g.pick(4) {
			g.emit("show after op %d", i+1)
			sinceShow = 0
		}
	}
	g.emit("show end")
	return g.b.String()
}

// op emits one random op and updates the shadow; child restricts it to
// what the probe allows inside fork ... endfork.
func (g *gen) op(s *shadow, child bool) {
	n := g.pick(100)
	switch g.profile {
	case "basic":
		switch {
		case n < 40:
			g.mapOp(s)
		case n < 85 || child:
			g.touchOp(s, child)
		default:
			p, k := g.rng()
			g.emit("unmap %d %d", p, k)
			g.mark(p, k)
			s.set(p, k, accUnmapped)
		}
		return
	case "thp":
		switch {
		case n < 35:
			g.thpTouch(s, child)
		case n < 45:
			p := 512 + g.pick(500)
			k := 1 + g.pick(16)
			g.emit("unmap %d %d", p, k)
			s.set(p, k, accUnmapped)
		case n < 55:
			p := 512 + g.pick(500)
			k := 1 + g.pick(16)
			pr := g.prot()
			g.emit("prot %d %d %s", p, k, pr)
			if s.allMapped(p, k) {
				s.set(p, k, int8(ProtBits(pr)))
			} else {
				s.set(p, k, accUnknown)
			}
		case n < 85:
			advs := []string{"dontneed", "collapse", "hugepage", "nohugepage", "free", "populate_write", "dontfork", "wipeonfork"}
			a := advs[g.pick(len(advs))]
			p, k := 512+g.pick(500), 1+g.pick(64)
			if g.chance(0.3) {
				p, k = 512, 512
			}
			g.emit("advise %d %d %s", p, k, a)
			switch a {
			case "dontfork":
				for i := p; i < p+k && i < len(s.dc); i++ {
					s.dc[i] = true
				}
			case "populate_write":
				s.set(p, k, accUnknown)
			}
		case n < 92 && !child:
			g.forkOp(s)
		default:
			g.mapOp(s)
		}
		return
	}
	switch {
	case n < 24:
		g.mapOp(s)
	case n < 38:
		g.protOp(s)
	case n < 56:
		g.touchOp(s, child)
	case n < 64:
		p, k := g.rng()
		g.emit("unmap %d %d", p, k)
		g.mark(p, k)
		s.set(p, k, accUnmapped)
	case n < 74:
		g.remapOp(s)
	case n < 90:
		g.adviseOp(s)
	case child:
		g.touchOp(s, child)
	case n < 94:
		g.brkOp()
	case n < 98:
		g.forkOp(s)
	case n < 99 && g.chance(0.5):
		g.emit("thpdisable")
	default:
		p, k := g.rng()
		g.emit("trytouch %d %d %s", p, k, "rw"[g.pick(2):][:1])
	}
}

// roShared: some page of the range may be a shared mapping of a read-only
// descriptor, where adding PROT_WRITE fails with EACCES.
func (g *gen) roShared(p, k int) bool {
	for i := p; i < p+k; i++ {
		if g.roPages[i] {
			return true
		}
	}
	return false
}

func (g *gen) mapOp(s *shadow) {
	p, k := g.rng()
	pr := g.prot()
	kind := "anon"
	beyondEOF := false
	ro := false
	switch r := g.pick(10); {
	case r < 5 || len(g.fds) == 0 && r < 8:
	case r < 6 || len(g.fds) == 0:
		kind = "anon-shared"
	default:
		fd := g.fds[g.pick(len(g.fds))]
		size := g.fsize[fd.file]
		off := g.pick(size)
		if g.chance(0.5) {
			off = g.contOffset(p, size)
		}
		if off+k > size {
			beyondEOF = true
		}
		sh := "file"
		if g.chance(0.45) {
			sh = "file-shared"
			ro = fd.ro
		}
		kind = fmt.Sprintf("%s:%s:%d", sh, fd.name, off)
	}
	var flags []string
	fixed := true
	if g.chance(0.15) {
		flags = append(flags, "noreserve")
	}
	if g.chance(0.08) {
		flags = append(flags, "stack")
	}
	if g.chance(0.06) {
		flags = append(flags, "populate")
	}
	if g.chance(0.03) {
		flags = append(flags, "locked")
	}
	if kind == "anon" && g.chance(0.04) {
		flags = append(flags, "growsdown") // EINVAL on shared and file mappings
	}
	switch {
	case g.chance(0.05):
		flags = append(flags, "noreplace")
		fixed = false
	case g.chance(0.04):
		flags = append(flags, "hint")
		fixed = false
	}
	line := fmt.Sprintf("map %d %d %s %s", p, k, pr, kind)
	if len(flags) > 0 {
		line += " " + strings.Join(flags, " ")
	}
	g.emit("%s", line)
	g.mark(p, k)
	switch {
	case !fixed || (ro && strings.Contains(pr, "w")):
		s.set(p, k, accUnknown)
	default:
		s.set(p, k, int8(ProtBits(pr)))
		for i := p; i < p+k; i++ {
			s.dc[i] = false
			g.roPages[i] = ro
		}
		if beyondEOF {
			s.set(p, k, accUnknown) // pages past EOF get SIGBUS
		}
	}
}

// contOffset picks a file offset that continues a neighbour's, so that
// file mappings can merge; the trace text does not tell, so guess from
// the page number.
func (g *gen) contOffset(p, size int) int { return p % size }

func (g *gen) touchOp(s *shadow, child bool) {
	p, k := g.rng()
	w := g.chance(0.5)
	acc := "r"
	if w {
		acc = "w"
	}
	if s.legal(p, k, w) {
		g.emit("touch %d %d %s", p, k, acc)
		return
	}
	// shrink to a legal run inside the range, if any
	for i := p; i < p+k; i++ {
		if s.legal(i, 1, w) {
			j := i
			for j < p+k && s.legal(j, 1, w) {
				j++
			}
			g.emit("touch %d %d %s", i, j-i, acc)
			return
		}
	}
	if !child {
		g.emit("trytouch %d %d %s", p, k, acc)
	}
}

func (g *gen) remapOp(s *shadow) {
	p, k := g.rng()
	nk, dst, flags := k, -1, ""
	switch g.pick(6) {
	case 0: // shrink
		nk = max(1, k-1-g.pick(k))
	case 1: // grow in place (may fail)
		nk = k + 1 + g.pick(8)
		if g.chance(0.5) {
			flags = " maymove"
		}
	case 2, 3: // move
		dst, _ = g.rng()
		flags = " maymove fixed"
	case 4: // move and grow or shrink
		dst, _ = g.rng()
		nk = max(1, k+g.pick(9)-4)
		flags = " maymove fixed"
	default: // DONTUNMAP
		dst, _ = g.rng()
		flags = " maymove fixed"
	}
	if dst >= 0 {
		nk = max(1, min(nk, g.win-1-dst))
		flags += fmt.Sprintf(" %d", dst)
		if nk == k && g.pick(6) == 0 {
			flags += " dontunmap"
		}
	}
	nk = max(1, min(nk, g.win-1-p))
	g.emit("remap %d %d %d%s", p, k, nk, flags)
	g.mark(p, k)
	s.set(p, max(k, nk), accUnknown)
	if dst >= 0 {
		g.mark(dst, nk)
		s.set(dst, nk, accUnknown)
	}
}

var genAdvice = []string{
	"normal", "random", "sequential", "willneed", "dontneed", "free", "remove",
	"dontfork", "dofork", "mergeable", "unmergeable", "hugepage", "nohugepage",
	"dontdump", "dodump", "wipeonfork", "keeponfork", "cold", "pageout",
	"populate_read", "populate_write", "guard_install", "guard_remove",
	"collapse", "dontneed_locked",
}

func (g *gen) adviseOp(s *shadow) {
	p, k := g.rng()
	a := genAdvice[g.pick(len(genAdvice))]
	if g.thp && g.chance(0.3) {
		p = 512 + g.pick(500)
	}
	g.emit("advise %d %d %s", p, k, a)
	switch a {
	case "dontfork", "dofork":
		for i := p; i < p+k && i < len(s.dc); i++ {
			s.dc[i] = a == "dontfork"
		}
	case "guard_install", "remove", "populate_read", "populate_write":
		// guard regions fault; the rest may fail part-way on odd mappings
		s.set(p, k, accUnknown)
	}
}

// thpTouch touches pages of the huge-page region, often the first page of
// an aligned 2 MiB.
func (g *gen) thpTouch(s *shadow, child bool) {
	p, k := 512+g.pick(510), 1
	if g.chance(0.3) {
		p = 512
	}
	if g.chance(0.3) {
		k = 1 + g.pick(8)
	}
	w := g.chance(0.6)
	acc := "r"
	if w {
		acc = "w"
	}
	switch {
	case s.legal(p, k, w):
		g.emit("touch %d %d %s", p, k, acc)
	case !child:
		g.emit("trytouch %d %d %s", p, k, acc)
	}
}

func (g *gen) brkOp() {
	switch g.pick(5) {
	case 0, 1:
		nb := g.pick(24)
		g.emit("brk %d", nb)
		for i := g.brk; i < nb; i++ {
			g.heap[i] = 3
		}
		g.brk = nb
	case 2:
		if g.brk > 0 {
			p := g.pick(g.brk)
			n := 1 + g.pick(g.brk-p)
			if g.heapLegal(p, n) {
				g.emit("touchbrk %d %d", p, n)
				return
			}
		}
		g.emit("showbrk heap")
	case 3:
		if g.brk > 0 {
			p := g.pick(g.brk)
			n := 1 + g.pick(g.brk-p)
			pr := g.prot()
			g.emit("protbrk %d %d %s", p, n, pr)
			for i := p; i < p+n; i++ {
				g.heap[i] = int8(ProtBits(pr))
			}
			return
		}
		g.emit("showbrk heap")
	default:
		g.emit("showbrk heap")
	}
}

func (g *gen) heapLegal(p, n int) bool {
	for i := p; i < p+n; i++ {
		if g.heap[i]&2 == 0 {
			return false
		}
	}
	return true
}

func (g *gen) forkOp(s *shadow) {
	c := s.clone()
	for i, d := range c.dc {
		if d {
			c.acc[i] = accUnmapped
		}
	}
	g.emit("fork")
	if g.profile == "edge" {
		fp := append([]filePage(nil), g.filePg...)
		for i, n := 0, 1+g.pick(6); i < n; i++ {
			g.edgeOp(c, true)
		}
		g.filePg = fp
		g.emit("endfork child")
		return
	}
	for i, n := 0, g.pick(4); i < n; i++ {
		g.op(c, true)
	}
	g.emit("endfork child")
}

// protOp emits an mprotect of a random range and what the shadow then
// knows of its pages: the new protection where every page was mapped (and
// mprotect could not fail on a read-only shared file), else nothing.
func (g *gen) protOp(s *shadow) {
	p, k := g.rng()
	pr := g.prot()
	g.emit("prot %d %d %s", p, k, pr)
	g.mark(p, k)
	if s.allMapped(p, k) && !g.roShared(p, k) {
		s.set(p, k, int8(ProtBits(pr)))
	} else {
		s.set(p, k, accUnknown)
	}
}
