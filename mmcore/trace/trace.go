// Package trace runs the fidelity probe's trace language
// (shared/reference/probe, kernel-vma-fidelity.md Appendix B) on mmcore and
// prints exactly what `PROBE_REPEAT=1 probe -trace FILE` prints on Linux
// 6.18, so that a real kernel's output is a golden file for the simulator.
//
// A trace is a list of lines, each an operation on a window of pages
// reserved at 0x2000_0000_0000 (PROT_NONE, MAP_NORESERVE, private anon;
// 128 pages unless `@window N` says otherwise). Page numbers are relative to
// the window base:
//
//	@window N                      window size in pages
//	file NAME tmpfs|ext4 NPAGES    create a fully written file
//	open FD FILE rw|ro             open(2) it: every open is a new struct file
//	map PG N PROT KIND [FLAG...]   mmap, MAP_FIXED unless hint/noreplace;
//	                               KIND anon | anon-shared | file:FD:PGOFF |
//	                               file-shared:FD:PGOFF; FLAG noreserve stack
//	                               populate growsdown locked noreplace hint
//	unmap PG N                     munmap
//	prot PG N PROT                 mprotect
//	remap PG OLDN NEWN [maymove] [fixed NEWPG] [dontunmap]
//	advise PG N ADVICE             madvise (normal, random, ..., guard_remove)
//	touch PG N r|w                 access each page (a fault kills the probe)
//	trytouch PG N r|w              access each page, reporting + or X
//	brk N | touchbrk P N | protbrk P N PROT | showbrk LABEL
//	                               the break, in pages relative to the first one
//	thpdisable                     prctl(PR_SET_THP_DISABLE, 1)
//	fork ... endfork LABEL         run the ops between in a forked child and
//	                               show the child's window
//	show LABEL                     print the window: VMAs, Rss, Anonymous,
//	                               VmFlags, pagemap and mincore per page
//
// Parse checks a trace completely before anything runs and reports every
// problem as file:line:col. RunSim executes it on mmcore; RunKernel (Linux
// only) executes it on the host kernel in a fresh child process, as the
// probe does. Both print the same format, so comparing their outputs is the
// fidelity check.
package trace

import (
	"fmt"
	"strconv"
	"strings"
)

// The probe's fixed geometry.
const (
	// WindowBase is where the window is reserved: 1 GiB aligned, far from
	// the Go heap and from mmap_base.
	WindowBase = 0x200000000000
	// DefaultWindowPages is the window size without @window.
	DefaultWindowPages = 128
	// ScratchAddr is the probe's MAP_SHARED scratch page for fork results,
	// outside the window.
	ScratchAddr = 0x1f0000000000
	pageSize    = 4096
)

// Kind is an operation of the trace language.
type Kind int

// Operations.
const (
	OpFile Kind = iota
	OpOpen
	OpMap
	OpUnmap
	OpProt
	OpRemap
	OpAdvise
	OpTouch
	OpTryTouch
	OpBrk
	OpTouchBrk
	OpProtBrk
	OpShowBrk
	OpTHPDisable
	OpFork // the ops between fork and endfork are in Child
	OpShow
)

// Map kinds.
const (
	MapAnon       = "anon"
	MapAnonShared = "anon-shared"
	MapFile       = "file"
	MapFileShared = "file-shared"
)

// Pos is a position in a trace file.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Error is a bad trace: where and why.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Op is one line of a trace.
type Op struct {
	Kind Kind
	Pos  Pos
	// Text is the line as the probe echoes it (trimmed, spacing kept).
	Text string

	Page, N int    // map, unmap, prot, advise, touch, trytouch, touchbrk, protbrk; brk: N
	NewN    int    // remap
	Prot    string // map, prot, protbrk: the letters given ("rw-")
	Access  byte   // touch, trytouch: 'r' or 'w'

	// map
	MapKind string // anon, anon-shared, file, file-shared
	FD      string // file kinds: the open's name
	Pgoff   int    // file kinds
	Flags   []string

	// remap
	MayMove, Fixed, DontUnmap bool
	NewPage                   int

	Advice string // advise

	// file, open
	Name, Target string // file NAME; open FD(Name) FILE(Target)
	FS           string // file: tmpfs | ext4
	Pages        int    // file: size
	ReadOnly     bool   // open ro

	Label string // show, showbrk, endfork

	Child []Op // fork: the child's operations
}

// Trace is a parsed trace file.
type Trace struct {
	// Name is the trace's base name, which the header and trailer print.
	Name        string
	WindowPages int
	Ops         []Op
}

// Advice values madvise takes (include/uapi/asm-generic/mman-common.h),
// as the probe names them.
var Advice = map[string]int{
	"normal": 0, "random": 1, "sequential": 2, "willneed": 3,
	"dontneed": 4, "free": 8, "remove": 9, "dontfork": 10, "dofork": 11,
	"mergeable": 12, "unmergeable": 13,
	"hugepage": 14, "nohugepage": 15, "dontdump": 16, "dodump": 17,
	"wipeonfork": 18, "keeponfork": 19, "cold": 20, "pageout": 21,
	"populate_read": 22, "populate_write": 23,
	"guard_install": 102, "guard_remove": 103,
	"collapse": 25, "dontneed_locked": 24,
}

var mapFlags = map[string]bool{
	"noreserve": true, "stack": true, "populate": true, "growsdown": true,
	"locked": true, "noreplace": true, "hint": true,
}

type field struct {
	s   string
	col int
}

func fields(line string) []field {
	var out []field
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			break
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		out = append(out, field{line[i:j], i + 1})
		i = j
	}
	return out
}

type parser struct {
	file string
	line int
	f    []field
	raw  string
}

func (p *parser) errAt(col int, format string, a ...any) *Error {
	return &Error{Pos: Pos{p.file, p.line, col}, Msg: fmt.Sprintf(format, a...)}
}

func (p *parser) endCol() int { return len(p.raw) + 1 }

// arg returns field i or an error naming what is missing.
func (p *parser) arg(i int, what string) (field, error) {
	if i >= len(p.f) {
		return field{}, p.errAt(p.endCol(), "%s: missing %s", p.f[0].s, what)
	}
	return p.f[i], nil
}

// pageRange reads the page (argument 1, relative to the window, may be
// negative) and the page count (argument 2) that most ops start with.
func (p *parser) pageRange(countName string) (page, n int, err error) {
	if page, err = p.intArg(1, "page", -1<<30); err != nil {
		return 0, 0, err
	}
	n, err = p.intArg(2, countName, 0)
	return page, n, err
}

func (p *parser) intArg(i int, what string, min int) (int, error) {
	a, err := p.arg(i, what)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(a.s)
	if err != nil {
		return 0, p.errAt(a.col, "%s: %s must be an integer, not %q", p.f[0].s, what, a.s)
	}
	if n < min || n > 1<<30 {
		return 0, p.errAt(a.col, "%s: %s %d out of range", p.f[0].s, what, n)
	}
	return n, nil
}

func (p *parser) protArg(i int) (string, error) {
	a, err := p.arg(i, "protection (like rw-)")
	if err != nil {
		return "", err
	}
	if a.s == "" || strings.Trim(a.s, "rwx-") != "" {
		return "", p.errAt(a.col, "%s: protection %q: use the letters r, w, x and -", p.f[0].s, a.s)
	}
	return a.s, nil
}

func (p *parser) accessArg(i int) (byte, error) {
	a, err := p.arg(i, "access (r or w)")
	if err != nil {
		return 0, err
	}
	if a.s != "r" && a.s != "w" {
		return 0, p.errAt(a.col, "%s: access must be r or w, not %q", p.f[0].s, a.s)
	}
	return a.s[0], nil
}

func (p *parser) noMore(n int) error {
	if len(p.f) > n {
		return p.errAt(p.f[n].col, "%s: unexpected %q", p.f[0].s, p.f[n].s)
	}
	return nil
}

func (p *parser) rest(n int) string {
	if len(p.f) <= n {
		return ""
	}
	return strings.Join(func() []string {
		var s []string
		for _, f := range p.f[n:] {
			s = append(s, f.s)
		}
		return s
	}(), " ")
}

// Parse parses a trace. name is used in positions; the trace's Name is its
// base name, as the probe prints it.
func Parse(name string, src []byte) (*Trace, error) {
	base := name
	if i := strings.LastIndexByte(base, '/'); i >= 0 {
		base = base[i+1:]
	}
	tr := &Trace{Name: base, WindowPages: DefaultWindowPages}
	files := map[string]bool{}
	fds := map[string]bool{}
	var fork *Op
	sawWindow := false
	lines := strings.Split(string(src), "\n")
	for ln, raw := range lines {
		raw = strings.TrimRight(raw, "\r")
		p := &parser{file: name, line: ln + 1, f: fields(raw), raw: raw}
		if len(p.f) == 0 || strings.HasPrefix(p.f[0].s, "#") {
			continue
		}
		text := strings.TrimSpace(raw)
		op := Op{Pos: Pos{name, ln + 1, p.f[0].col}, Text: text}
		var err error
		switch kw := p.f[0].s; kw {
		case "@window":
			var n int
			if n, err = p.intArg(1, "window size in pages", 1); err == nil {
				err = p.noMore(2)
			}
			if err == nil && n > 1<<20 {
				err = p.errAt(p.f[1].col, "@window: %d pages is more than the probe can reserve (at most %d)", n, 1<<20)
			}
			if err == nil && sawWindow {
				err = p.errAt(p.f[0].col, "@window given twice")
			}
			if err != nil {
				return nil, err
			}
			tr.WindowPages, sawWindow = n, true
			continue
		case "file":
			if fork != nil {
				return nil, p.errAt(op.Pos.Col, "file: not allowed between fork and endfork (the probe's child runs raw syscalls only)")
			}
			op.Kind = OpFile
			var a field
			if a, err = p.arg(1, "file name"); err != nil {
				return nil, err
			}
			op.Name = a.s
			if files[op.Name] {
				return nil, p.errAt(a.col, "file: %s created twice", op.Name)
			}
			if a, err = p.arg(2, "file system (tmpfs or ext4)"); err != nil {
				return nil, err
			}
			if a.s != "tmpfs" && a.s != "ext4" {
				return nil, p.errAt(a.col, "file: file system must be tmpfs (/dev/shm) or ext4 (/tmp), not %q", a.s)
			}
			op.FS = a.s
			if op.Pages, err = p.intArg(3, "size in pages", 1); err != nil {
				return nil, err
			}
			if op.Pages > 1<<18 {
				return nil, p.errAt(p.f[3].col, "file: %d pages is too large (at most %d)", op.Pages, 1<<18)
			}
			if err = p.noMore(4); err != nil {
				return nil, err
			}
			files[op.Name] = true
		case "open":
			if fork != nil {
				return nil, p.errAt(op.Pos.Col, "open: not allowed between fork and endfork (the probe's child runs raw syscalls only)")
			}
			op.Kind = OpOpen
			var a field
			if a, err = p.arg(1, "descriptor name"); err != nil {
				return nil, err
			}
			op.Name = a.s
			if fds[op.Name] {
				return nil, p.errAt(a.col, "open: descriptor %s opened twice", op.Name)
			}
			if a, err = p.arg(2, "file name"); err != nil {
				return nil, err
			}
			if !files[a.s] {
				return nil, p.errAt(a.col, "open: no file %s (create it with `file %s tmpfs NPAGES` first)", a.s, a.s)
			}
			op.Target = a.s
			if a, err = p.arg(3, "mode (rw or ro)"); err != nil {
				return nil, err
			}
			if a.s != "rw" && a.s != "ro" {
				return nil, p.errAt(a.col, "open: mode must be rw or ro, not %q", a.s)
			}
			op.ReadOnly = a.s == "ro"
			if err = p.noMore(4); err != nil {
				return nil, err
			}
			fds[op.Name] = true
		case "map":
			op.Kind = OpMap
			if op.Page, op.N, err = p.pageRange("page count"); err != nil {
				return nil, err
			}
			if op.Prot, err = p.protArg(3); err != nil {
				return nil, err
			}
			var a field
			if a, err = p.arg(4, "kind (anon, anon-shared, file:FD:PGOFF or file-shared:FD:PGOFF)"); err != nil {
				return nil, err
			}
			switch {
			case a.s == MapAnon || a.s == MapAnonShared:
				op.MapKind = a.s
			case strings.HasPrefix(a.s, "file:") || strings.HasPrefix(a.s, "file-shared:"):
				parts := strings.Split(a.s, ":")
				if len(parts) != 3 {
					return nil, p.errAt(a.col, "map: file kind must be %s:FD:PGOFF, not %q", parts[0], a.s)
				}
				op.MapKind, op.FD = parts[0], parts[1]
				if !fds[op.FD] {
					return nil, p.errAt(a.col+len(parts[0])+1, "map: no descriptor %s (open it first)", op.FD)
				}
				n, e := strconv.Atoi(parts[2])
				if e != nil || n < 0 || n > 1<<30 {
					return nil, p.errAt(a.col+len(parts[0])+len(parts[1])+2, "map: file offset %q must be a page number >= 0", parts[2])
				}
				op.Pgoff = n
			default:
				return nil, p.errAt(a.col, "map: kind must be anon, anon-shared, file:FD:PGOFF or file-shared:FD:PGOFF, not %q", a.s)
			}
			for _, fl := range p.f[5:] {
				if !mapFlags[fl.s] {
					return nil, p.errAt(fl.col, "map: unknown flag %q (noreserve, stack, populate, growsdown, locked, noreplace, hint)", fl.s)
				}
				op.Flags = append(op.Flags, fl.s)
			}
		case "unmap":
			op.Kind = OpUnmap
			if op.Page, op.N, err = p.pageRange("page count"); err != nil {
				return nil, err
			}
			err = p.noMore(3)
		case "prot":
			op.Kind = OpProt
			if op.Page, op.N, err = p.pageRange("page count"); err != nil {
				return nil, err
			}
			if op.Prot, err = p.protArg(3); err != nil {
				return nil, err
			}
			err = p.noMore(4)
		case "advise":
			op.Kind = OpAdvise
			if op.Page, op.N, err = p.pageRange("page count"); err != nil {
				return nil, err
			}
			var a field
			if a, err = p.arg(3, "advice"); err != nil {
				return nil, err
			}
			if _, ok := Advice[a.s]; !ok {
				return nil, p.errAt(a.col, "advise: unknown advice %q", a.s)
			}
			op.Advice = a.s
			err = p.noMore(4)
		case "touch", "trytouch":
			op.Kind = OpTouch
			if kw == "trytouch" {
				op.Kind = OpTryTouch
				if fork != nil {
					return nil, p.errAt(op.Pos.Col, "trytouch: not allowed between fork and endfork (the probe's child cannot recover from a fault)")
				}
			}
			if op.Page, op.N, err = p.pageRange("page count"); err != nil {
				return nil, err
			}
			if op.Access, err = p.accessArg(3); err != nil {
				return nil, err
			}
			err = p.noMore(4)
		case "remap":
			op.Kind = OpRemap
			if op.Page, op.N, err = p.pageRange("old page count"); err != nil {
				return nil, err
			}
			if op.NewN, err = p.intArg(3, "new page count", 0); err != nil {
				return nil, err
			}
			for i := 4; i < len(p.f); i++ {
				switch p.f[i].s {
				case "maymove":
					op.MayMove = true
				case "dontunmap":
					op.DontUnmap = true
				case "fixed":
					if op.NewPage, err = p.intArg(i+1, "new page after fixed", -1<<30); err != nil {
						return nil, err
					}
					op.Fixed = true
					i++
				default:
					return nil, p.errAt(p.f[i].col, "remap: unknown flag %q (maymove, fixed NEWPG, dontunmap)", p.f[i].s)
				}
			}
		case "brk":
			op.Kind = OpBrk
			if op.N, err = p.intArg(1, "pages relative to the first break", -1<<30); err != nil {
				return nil, err
			}
			err = p.noMore(2)
		case "touchbrk":
			op.Kind = OpTouchBrk
			if op.Page, err = p.intArg(1, "page relative to the first break", -1<<30); err != nil {
				return nil, err
			}
			if op.N, err = p.intArg(2, "page count", 0); err != nil {
				return nil, err
			}
			err = p.noMore(3)
		case "protbrk":
			op.Kind = OpProtBrk
			if op.Page, err = p.intArg(1, "page relative to the first break", -1<<30); err != nil {
				return nil, err
			}
			if op.N, err = p.intArg(2, "page count", 0); err != nil {
				return nil, err
			}
			if op.Prot, err = p.protArg(3); err != nil {
				return nil, err
			}
			err = p.noMore(4)
		case "showbrk", "show":
			op.Kind = OpShow
			if kw == "showbrk" {
				op.Kind = OpShowBrk
			}
			op.Label = p.rest(1)
		case "thpdisable":
			op.Kind = OpTHPDisable
			err = p.noMore(1)
		case "fork":
			if fork != nil {
				return nil, p.errAt(op.Pos.Col, "fork: already inside fork (opened at line %d); the probe does not nest forks", fork.Pos.Line)
			}
			if err = p.noMore(1); err != nil {
				return nil, err
			}
			op.Kind = OpFork
			tr.Ops = append(tr.Ops, op)
			fork = &tr.Ops[len(tr.Ops)-1]
			continue
		case "endfork":
			if fork == nil {
				return nil, p.errAt(op.Pos.Col, "endfork without fork")
			}
			fork.Label = p.rest(1)
			fork = nil
			continue
		default:
			return nil, p.errAt(op.Pos.Col, "unknown operation %q", kw)
		}
		if err != nil {
			return nil, err
		}
		if fork != nil {
			switch op.Kind {
			case OpMap, OpUnmap, OpProt, OpAdvise, OpTouch, OpRemap:
			default:
				return nil, p.errAt(op.Pos.Col, "%s: not allowed between fork and endfork (the probe's child runs map, unmap, prot, advise, touch and remap only)", p.f[0].s)
			}
			fork.Child = append(fork.Child, op)
			continue
		}
		tr.Ops = append(tr.Ops, op)
	}
	if fork != nil {
		return nil, &Error{Pos: fork.Pos, Msg: "fork without endfork"}
	}
	return tr, nil
}

// ProtBits converts the trace's protection letters to PROT_* bits, as the
// probe does (any r, w or x present counts).
func ProtBits(s string) uint32 {
	var p uint32
	if strings.Contains(s, "r") {
		p |= 1
	}
	if strings.Contains(s, "w") {
		p |= 2
	}
	if strings.Contains(s, "x") {
		p |= 4
	}
	return p
}

// HasFlag reports whether a map op carries flag fl.
func (op *Op) HasFlag(fl string) bool {
	for _, f := range op.Flags {
		if f == fl {
			return true
		}
	}
	return false
}
