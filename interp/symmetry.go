package interp

import (
	"cmp"
	"fmt"
	"math/bits"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
	rt "github.com/mmscript/mmscript/runtime"
)

// Symmetry reduction: a script that runs the same code in several threads,
// each on pages of its own declared alike (the perf benchmark's fault
// threads: `thread faultK { fault(ADDR, pK) }`), has states that differ
// only in which of those threads did what: exchanging two such threads
// together with their pages maps every execution to an execution and
// every state to a state with the same future up to the exchange. The
// state cache (explore_cache.go) stores one state per class: a state is
// fingerprinted as its image under a permutation chosen from the state
// itself, so that symmetric states often share a fingerprint, and equal
// fingerprints mean symmetric states. This is the symmetry reduction of
// Emerson and Sistla ("Symmetry and model checking", FMSD 9, 1996) and of
// Murphi's scalarsets (Ip and Dill, "Better verification through
// symmetry", FMSD 9, 1996), whose normalisation by sorting is the one used
// here: the permutation sorts each class of symmetric threads by a key of
// each thread's local state and its pages, ties kept in thread order, so
// the fingerprint is canonical-ish (symmetric states with ties may still
// get different fingerprints: fewer hits, never a wrong one). It is close
// to exact: on mmlocks_n5 the exact canonical form (the least fingerprint
// of the state under each of the group's 12 permutations) stores 129,285
// states against the sort's 133,576 (3% fewer) for 4.7 times the CPU
// (33.4 s against 7.1 s, one run each, same moment), so what is left of
// the distance to the target is not in the choice of
// permutation.
//
// Detection is static and conservative (detectSymmetry). Threads are
// symmetric when their bodies are equal once the declared pages they name
// are renamed one-to-one (nothing else may differ: not a constant, not an
// address); each class's threads name disjoint pages. The group is every
// permutation within each class, carrying the pages along. It is an
// automorphism of the program when everything else (set-up, functions,
// handlers, the other threads, expectations) is unchanged by each
// exchange of two threads of a class with their pages, up to the order of
// the operands of && and || when they call nothing (the benchmark's final
// assert over all pages), and the order of the page declarations. A
// declared page is an identity and nothing else: scripts that turn a PFN
// or a PTE word into a script value (the pfn, val, pmdval fields, an
// operation that takes a pfn or returns a PTE word) have no symmetry, nor
// have scripts in which a local variable shadows a symmetric page, a
// global page is assigned, an expectation names a line inside a
// symmetric thread, or a session's staged set-up runs between turns.
//
// The fingerprint of s under π is computed without building π(s): the
// threads and the page globals are hashed in permuted order and the
// kernel through a renaming hasher (runtime/statehash_rename.go), which
// renames the identities the kernel keeps as numbers (task IDs and CPUs,
// PFNs in pages, PTEs, TLB entries and folio lock names) and walks the
// containers indexed by them in renamed order. It renames source
// positions too: the threads of a class run equal code at different
// places (`thread fault1 { ... }` and `thread fault2 { ... }` are at
// different lines), and where a thread took a lock, called an operation,
// waits or read a value is kept with positions of its own body, which
// told symmetric states apart (symmetric_direct, whose threads' code is
// in their bodies: 17,565 states stored with the symmetry as without it,
// 3,655 with the positions renamed). A position of thread i's body goes
// to the corresponding one (the same place in the walk of the body's
// AST) of thread π(i)'s; positions in shared functions, the kernel
// library and the other threads stay. The findings so far, part of a
// state, are renamed alike (findingFP). The benchmark's fault threads
// call a shared function (`thread faultK { fault(ADDR, pK) }`), and a
// script function call keeps no position of the caller's in the state,
// so they merged before and gain nothing from this.
// TestRenamingIsEquivariant checks that the fingerprint of s under π
// equals the plain fingerprint of the state the permuted schedule
// reaches.
//
// With DPOR the cache stores more than a state: a summary of its
// explored subtree (accesses with thread masks) and the sleep set it was
// explored with. They are stored in the canonical numbering (translated by
// the state's π), and translated back by π'⁻¹ when a state with
// permutation π' hits them: thread masks permute, and so do the objects
// that name a symmetric thread or page (a task by ID, a page by PFN, a
// folio lock, a page global). The translated subtree is the image of the
// explored one under an automorphism, so it is an exploration of the state
// hit with the translated sleep set, and the races applyHit derives from
// its summary are the images of those the explored subtree had: the
// argument of Emerson, Jha and Peled ("Combining partial order and
// symmetry reductions", TACAS 1997) that the reductions compose when the
// independence relation is invariant under the group, which footprints
// are when the program is (they name objects, renamed with them), carried
// over to the summaries of stateful DPOR (Yang, Chen, Gopalakrishnan,
// Kirby, SPIN 2008).
//
// Findings: a pruned subtree's findings are the images of those found
// below the state stored; the search reports the ones it found (a finding
// in one of several symmetric threads stands for all of them).
// canonicalFindingKey maps a finding to its class (positions in a
// symmetric thread's body to its class's first thread's, and the names of
// symmetric threads and pages to the first's); the soundness tests compare
// those classes with the naive search's.

// symmetry is a detected group: every permutation within each class of
// threads, with their pages.
type symmetry struct {
	classes [][]int // thread indices, in thread order, at least two each
	// pages[t] are the global slots of the pages thread t names, in the
	// order of its class's first thread (nil for a thread in no class).
	pages [][]int
	// posMap maps a position in the body of a class's thread to the
	// corresponding one in the body of the class's first thread.
	posMap map[lang.Pos]lang.Pos
	// body[t] are the positions of class thread t's body in walk order
	// (bodyShape): the k-th of one thread's corresponds to the k-th of
	// every other's of its class. file is the script's file name.
	body [][]lang.Pos
	file string
	// lineOf maps a line of a class thread's body to the corresponding
	// line of its class's first thread (nil: lines are not renamed).
	lineOf map[int]lineRef
	// lineFrom[t] maps a line of the first thread of t's class to t's.
	lineFrom []map[int]int
	// span[t] is where class thread t is declared (offsets of its
	// header and of its closing brace).
	span [][2]int
	// names maps a symmetric thread's or page's name to the first's.
	names map[string]string
	order uint64 // the group's order (saturating)
	desc  string
}

// String describes the group: "fault1,fault3,fault5 x fault2,fault4 (12)".
func (s *symmetry) String() string {
	if s == nil {
		return ""
	}
	return s.desc
}

// pfnBearing reports whether an operation takes or returns a PFN or a
// PTE's word as a script int: renaming cannot follow a PFN into an int.
// An operation with "pfn" in its name or a parameter named pfn, or one
// that reads a PTE's value (ptep_get, ptep_get_lockless). A PMD's word
// (pmdp_get_lockless, which munmap's zap_pmd_range reads) needs no
// renaming and is left alone: it is a page table's number (tableID, given
// in the order tables are first read, which the permuted schedule keeps:
// it runs the same steps in the same order) or a huge PMD entry, whose
// PFN is a THP folio's, allocated by a fault and never a declared page
// (an order-0 page allocated by the set-up, the only PFNs the symmetry
// moves); pmd_pfn, which would turn it into a PFN, is refused above.
func pfnBearing(op *rt.Op) bool {
	if op == nil {
		return false
	}
	if strings.Contains(op.Name, "pfn") && !strings.HasPrefix(op.Name, "vm_ops_") {
		// vm_ops_pfn_mkwrite calls a driver's handler with the vmf.
		return true
	}
	if strings.HasPrefix(op.Name, "ptep_get") {
		return true
	}
	for _, p := range op.Params {
		if p.Name == "pfn" {
			return true
		}
	}
	return false
}

// pfnFields are the int fields that carry a PFN or a PTE word: a page's
// and a PTE's pfn, a PTE's val, and a fault's orig_pte (the fault path of
// the kernel library keeps it in a local: a thread faulting on a page of
// its own holds that page's PFN in an int the renaming cannot see, as
// TestSymmetryIsSoundOnGeneratedScripts found on generated script 391).
// pmdval is a table's number or a THP's PFN, never a declared page's.
var pfnFields = map[string]bool{"pfn": true, "val": true, "pmdval": true, "orig_pte": true}

// detectSymmetry returns the symmetry of p, nil when it has none (or
// none this detection can prove).
func detectSymmetry(p *Program) *symmetry {
	s, _ := symmetryOf(p)
	return s
}

// symmetryOf returns the symmetry of p, or nil and why there is none.
func symmetryOf(p *Program) (*symmetry, string) {
	if p.File == nil || len(p.stages) > 0 || len(p.threads) < 2 {
		return nil, "fewer than two threads, or staged set-up"
	}
	// The code the script can run (kernel-library functions included):
	// no PFN into a script value.
	for _, f := range reachableFns(p) {
		for _, in := range f.code {
			switch in.op {
			case opField:
				if pfnFields[p.names[in.a]] {
					return nil, "a function reads a PFN or a PTE word into a script value (field " + p.names[in.a] + ")"
				}
			case opOpCall, opStoreField:
				n := int32(1)
				if in.op == opStoreField {
					n = in.b
				}
				for _, s := range p.sites[in.a : in.a+n] {
					if pfnBearing(s.op) {
						return nil, "a function calls " + s.op.Name + ", which takes or returns a PFN or a PTE word"
					}
				}
			}
		}
	}
	// Declared pages: top-level `page NAME`, each declared once.
	slot := map[string]int{}
	for i, g := range p.globals {
		slot[g] = i
	}
	decl := map[string]int{}
	var threads []*lang.ThreadDecl
	for _, it := range p.File.Items {
		switch it := it.(type) {
		case *lang.VarDecl:
			decl[it.Name]++
			if it.Type != "page" || it.Value != nil {
				decl[it.Name] += 2 // not a candidate
			}
		case *lang.ThreadDecl:
			threads = append(threads, it)
		}
	}
	if len(threads) != len(p.threads) {
		return nil, "threads do not match their declarations"
	}
	pageDecl := map[string]bool{}
	for n, c := range decl {
		if c == 1 {
			pageDecl[n] = true
		}
	}
	// No local, parameter or assignment may use a page's name.
	bad := false
	walkAST(reflect.ValueOf(p.File.Items), func(v reflect.Value) {
		switch x := v.Interface().(type) {
		case *lang.AssignStmt:
			if pageDecl[x.Name] {
				bad = true
			}
		case *lang.ForStmt:
			if pageDecl[x.Var] {
				bad = true
			}
		case *lang.FuncDef:
			for _, q := range x.Params {
				if pageDecl[q] {
					bad = true
				}
			}
		case *lang.Block:
			walkAST(reflect.ValueOf(x.Stmts), func(v reflect.Value) {
				if d, ok := v.Interface().(*lang.VarDecl); ok && pageDecl[d.Name] {
					bad = true
				}
			})
		case *lang.SelectorExpr:
			if pfnFields[x.Name] {
				bad = true
			}
		case *lang.CallExpr:
			if pfnBearing(rt.LookupOp(x.Name)) {
				bad = true
			}
		}
	})
	if bad {
		return nil, "a page's name is used as a local, parameter or assignment, or a PFN is read"
	}
	// Classes: threads whose bodies are equal up to a one-to-one renaming
	// of the pages they name.
	type member struct {
		t      int
		rename map[string]string // the first's page -> this thread's
		pos    []lang.Pos
	}
	var classes [][]member
	var firstPages [][]string
	for ti, td := range threads {
		pos, pages := bodyShape(td.Body, pageDecl)
		placed := false
		for ci, c := range classes {
			rep := threads[c[0].t]
			if r, ok := matchBodies(rep.Body, td.Body, pageDecl); ok && len(r) == len(firstPages[ci]) {
				classes[ci] = append(c, member{ti, r, pos})
				placed = true
				break
			}
		}
		if !placed {
			classes = append(classes, []member{{ti, identity(pages), pos}})
			firstPages = append(firstPages, pages)
		}
	}
	s := &symmetry{pages: make([][]int, len(threads)), posMap: map[lang.Pos]lang.Pos{}, names: map[string]string{}, order: 1,
		body: make([][]lang.Pos, len(threads))}
	used := map[string]bool{}
	var descs []string
	for ci, c := range classes {
		if len(c) < 2 {
			continue
		}
		// A page every thread of the class names is fixed by the
		// exchanges; the others move with their threads, and no two
		// threads may share one.
		var moving []string
		for _, pg := range firstPages[ci] {
			fixed := true
			for _, m := range c {
				fixed = fixed && m.rename[pg] == pg
			}
			if !fixed {
				moving = append(moving, pg)
			}
		}
		firstPages[ci] = moving
		for _, m := range c {
			for _, pg := range moving {
				if used[m.rename[pg]] {
					return nil, "two threads share a page the others of their class do not"
				}
				used[m.rename[pg]] = true
			}
		}
		var idx []int
		var names []string
		for _, m := range c {
			idx = append(idx, m.t)
			names = append(names, threads[m.t].Name)
			var sl []int
			for _, pg := range firstPages[ci] {
				sl = append(sl, slot[m.rename[pg]])
				s.names[m.rename[pg]] = pg
			}
			s.pages[m.t] = sl
			s.names[threads[m.t].Name] = threads[c[0].t].Name
			for i, q := range m.pos {
				s.posMap[q] = c[0].pos[i]
			}
			s.body[m.t] = m.pos
			s.span = append(s.span, [2]int{threads[m.t].Pos.Offset, threads[m.t].Body.Close.Pos.Offset})
		}
		s.classes = append(s.classes, idx)
		descs = append(descs, strings.Join(names, ","))
		for k := 2; k <= len(c); k++ {
			if hi, lo := bits.Mul64(s.order, uint64(k)); hi != 0 {
				s.order = ^uint64(0)
			} else {
				s.order = lo
			}
		}
	}
	if len(s.classes) == 0 {
		return nil, "no two threads run the same code up to their pages"
	}
	s.checkBodies(p.File)
	// Everything else is unchanged by exchanging a class's first thread
	// and any other, with their pages.
	inClass := map[*lang.ThreadDecl]bool{}
	for _, c := range s.classes {
		for _, t := range c {
			inClass[threads[t]] = true
		}
	}
	var rest []lang.Item
	for _, it := range p.File.Items {
		switch it := it.(type) {
		case *lang.ThreadDecl:
			if inClass[it] {
				continue
			}
		case *lang.VarDecl:
			if pageDecl[it.Name] && used[it.Name] {
				continue // declared alike; their order is no matter
			}
		case *lang.ExpectDecl:
			for t := range inClass {
				if it.AtLine >= t.Pos.Line && it.AtLine <= t.Body.Close.Pos.Line {
					return nil, fmt.Sprintf("an expectation names line %d, in thread %s", it.AtLine, t.Name)
				}
			}
		}
		rest = append(rest, it)
	}
	plain := canonText(reflect.ValueOf(rest), nil)
	for _, c := range s.classes {
		first := c[0]
		for _, t := range c[1:] {
			swap := map[string]string{}
			for k, a := range s.pages[first] {
				b := s.pages[t][k]
				swap[p.globals[a]], swap[p.globals[b]] = p.globals[b], p.globals[a]
			}
			if canonText(reflect.ValueOf(rest), swap) != plain {
				return nil, fmt.Sprintf("exchanging %s and %s with their pages changes the rest of the script", p.threads[first].name, p.threads[t].name)
			}
		}
	}
	s.desc = fmt.Sprintf("%s (%d)", strings.Join(descs, " x "), s.order)
	return s, ""
}

// checkBodies makes sure that the correspondence of the positions of
// the class threads' bodies (the k-th of one to the k-th of another) is
// one to one: the position renaming (symState.intern) must be a
// permutation of positions, or it would merge states that differ. Two AST
// nodes that start at one token share a position in every body alike
// (an expression statement and its call); a correspondence that breaks
// this, or a position outside the script's file, turns the renaming off
// (body nil): positions inside the bodies then tell the threads apart,
// which costs merges, never soundness. The same goes for lines (a
// finding's message may name one: "returned at line 41"), renamed when
// the lines of the bodies correspond one to one too and hold no other
// code (lineOf; nil otherwise).
func (s *symmetry) checkBodies(f *lang.File) {
	file := ""
	s.lineOf = map[int]lineRef{}
	s.lineFrom = make([]map[int]int, len(s.body))
	for ci, c := range s.classes {
		first := s.body[c[0]]
		for _, t := range c {
			b := s.body[t]
			if len(b) != len(first) {
				s.body, s.lineOf = nil, nil
				return
			}
			fwd, back := map[int]int{}, map[int]int{}
			lfwd, lback := map[int]int{}, map[int]int{}
			for k, q := range b {
				if file == "" {
					file = q.Filename
				}
				f := first[k]
				if q.Filename != file || f.Filename != file || !q.IsValid() || !f.IsValid() {
					s.body, s.lineOf = nil, nil
					return
				}
				if o, ok := fwd[q.Offset]; ok && o != f.Offset {
					s.body, s.lineOf = nil, nil
					return
				}
				if o, ok := back[f.Offset]; ok && o != q.Offset {
					s.body, s.lineOf = nil, nil
					return
				}
				fwd[q.Offset], back[f.Offset] = f.Offset, q.Offset
				if o, ok := lfwd[q.Line]; ok && o != f.Line {
					s.lineOf = nil
				}
				if o, ok := lback[f.Line]; ok && o != q.Line {
					s.lineOf = nil
				}
				lfwd[q.Line], lback[f.Line] = f.Line, q.Line
			}
			for l, lf := range lfwd {
				if s.lineOf == nil {
					break
				}
				if _, ok := s.lineOf[l]; ok {
					s.lineOf = nil // a line of two bodies
					break
				}
				s.lineOf[l] = lineRef{ci, t, lf}
				if s.lineFrom[t] == nil {
					s.lineFrom[t] = map[int]int{}
				}
				s.lineFrom[t][lf] = l
			}
		}
	}
	s.file = file
	if s.lineOf == nil {
		return
	}
	// No other code on a body's line (its thread's header may be).
	inThread := func(off int) bool {
		for _, sp := range s.span {
			if sp[0] <= off && off <= sp[1] {
				return true
			}
		}
		return false
	}
	walkAST(reflect.ValueOf(f.Items), func(v reflect.Value) {
		if q, ok := v.Interface().(lang.Pos); ok && q.IsValid() && !inThread(q.Offset) {
			if _, ok := s.lineOf[q.Line]; ok {
				s.lineOf = nil
			}
		}
	})
}

// lineRef is a line of a class thread's body: the class, the thread, and
// the corresponding line of the class's first thread.
type lineRef struct{ class, t, first int }

// reachableFns returns the set-up, the threads, the script's functions
// and handlers' callees, and every function they call, transitively.
func reachableFns(p *Program) []*fn {
	seen := map[*fn]bool{}
	var out []*fn
	var visit func(f *fn)
	visit = func(f *fn) {
		if f == nil || seen[f] {
			return
		}
		seen[f] = true
		out = append(out, f)
		for _, in := range f.code {
			if in.op == opFnCall && int(in.a) < len(p.funcs) {
				visit(p.funcs[in.a])
			}
		}
	}
	visit(p.setup)
	for _, f := range p.threads {
		visit(f)
	}
	// Handlers are compiled apart (rt.Handler): what they call, by name.
	called := map[string]bool{}
	for _, it := range p.File.Items {
		if o, ok := it.(*lang.OpsDecl); ok {
			walkAST(reflect.ValueOf(o), func(v reflect.Value) {
				if c, ok := v.Interface().(*lang.CallExpr); ok {
					called[c.Name] = true
				}
			})
		}
	}
	for _, f := range p.funcs {
		if f.kind == "func" || called[f.name] {
			visit(f)
		}
	}
	return out
}

func identity(names []string) map[string]string {
	m := map[string]string{}
	for _, n := range names {
		m[n] = n
	}
	return m
}

// bodyShape returns the positions of a thread body in walk order and the
// pages it names, in order of first use.
func bodyShape(b *lang.Block, pages map[string]bool) ([]lang.Pos, []string) {
	var pos []lang.Pos
	var names []string
	seen := map[string]bool{}
	walkAST(reflect.ValueOf(b), func(v reflect.Value) {
		switch x := v.Interface().(type) {
		case lang.Pos:
			pos = append(pos, x)
		case *lang.Ident:
			if pages[x.Name] && !seen[x.Name] {
				seen[x.Name] = true
				names = append(names, x.Name)
			}
		}
	})
	return pos, names
}

// matchBodies reports whether b is a with the pages a names renamed one
// to one, and returns the renaming.
func matchBodies(a, b *lang.Block, pages map[string]bool) (map[string]string, bool) {
	_, an := bodyShape(a, pages)
	_, bn := bodyShape(b, pages)
	if len(an) != len(bn) {
		return nil, false
	}
	r := map[string]string{}
	for i, n := range an {
		r[n] = bn[i]
	}
	if canonTextStrict(reflect.ValueOf(a), r) != canonTextStrict(reflect.ValueOf(b), nil) {
		return nil, false
	}
	return r, true
}

var posType = reflect.TypeFor[lang.Pos]()

// walkAST calls f on every value reachable from v (exported fields only).
func walkAST(v reflect.Value, f func(reflect.Value)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Kind() == reflect.Pointer {
			f(v)
		}
		walkAST(v.Elem(), f)
	case reflect.Struct:
		if v.Type() == posType {
			f(v)
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walkAST(v.Field(i), f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkAST(v.Index(i), f)
		}
	}
}

// canonText prints an AST without positions, identifiers renamed by r,
// and the operands of && and || chains that call nothing sorted.
func canonText(v reflect.Value, r map[string]string) string {
	var b strings.Builder
	printCanon(&b, v, r, true)
	return b.String()
}

// canonTextStrict is canonText without reordering operands.
func canonTextStrict(v reflect.Value, r map[string]string) string {
	var b strings.Builder
	printCanon(&b, v, r, false)
	return b.String()
}

func printCanon(b *strings.Builder, v reflect.Value, r map[string]string, commute bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if id, ok := v.Interface().(*lang.Ident); ok {
			n := id.Name
			if m, ok := r[n]; ok {
				n = m
			}
			b.WriteString("Ident(" + n + ")")
			return
		}
		if be, ok := v.Interface().(*lang.BinaryExpr); ok && commute && (be.Op == "&&" || be.Op == "||") {
			var ops []lang.Expr
			flattenChain(be, be.Op, &ops)
			pure := true
			for _, o := range ops {
				walkAST(reflect.ValueOf(o), func(v reflect.Value) {
					if _, ok := v.Interface().(*lang.CallExpr); ok {
						pure = false
					}
				})
			}
			if pure {
				var ts []string
				for _, o := range ops {
					ts = append(ts, canonText(reflect.ValueOf(o), r))
				}
				sort.Strings(ts)
				b.WriteString(be.Op + "{" + strings.Join(ts, ";") + "}")
				return
			}
		}
		printCanon(b, v.Elem(), r, commute)
	case reflect.Struct:
		if v.Type() == posType {
			return
		}
		b.WriteString(v.Type().Name() + "{")
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				printCanon(b, v.Field(i), r, commute)
				b.WriteByte(',')
			}
		}
		b.WriteByte('}')
	case reflect.Slice, reflect.Array:
		b.WriteByte('[')
		for i := range v.Len() {
			printCanon(b, v.Index(i), r, commute)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	default:
		b.WriteString("?" + v.Kind().String())
	}
}

// flattenChain collects the operands of a chain of op (parentheses
// included: && and || are associative).
func flattenChain(e lang.Expr, op string, out *[]lang.Expr) {
	switch x := e.(type) {
	case *lang.BinaryExpr:
		if x.Op == op {
			flattenChain(x.X, op, out)
			flattenChain(x.Y, op, out)
			return
		}
	case *lang.ParenExpr:
		if be, ok := x.X.(*lang.BinaryExpr); ok && be.Op == op {
			flattenChain(be, op, out)
			return
		}
	}
	*out = append(*out, e)
}

// symState is a worker's use of the symmetry: the tasks and pages of the
// threads (the same in every run: set-up is deterministic), and the
// permutations met so far, by index (0: the identity).
type symState struct {
	sym     *symmetry
	ready   bool
	taskOf  []int              // thread -> its task's ID
	pfnOf   map[int]mmcore.PFN // a moving page's global slot -> its PFN
	perms   []*symPerm
	permIx  map[string]int32
	permKey []byte // scratch: intern's key
	// movedKinds has bit k when objects of kind k move under some
	// permutation: the entries of other kinds keep their objects.
	movedKinds uint64
	// names: each thread's; globNames: each global's (findingFP renames
	// them in a finding's message).
	names, globNames []string
	thr              []int // scratch: the permutation being chosen
	keys             []symKey
	glob             []rt.Value
	// found memoises findingFP (a key holds its diagnostic, so an address
	// is never reused while it is in the map).
	found map[foundKey]uint64
}

type foundKey struct {
	d  *rt.Diagnostic
	ix int32
}

// symPerm is one permutation π of the threads (thr[i] = π(i)) and what
// it does to the objects that name them.
type symPerm struct {
	thr, inv []int
	slot     map[int]int // global slot -> π's image (moving pages only)
	slotInv  map[int]int
	ren      *rt.Renaming
	objs     objTable          // objKey -> renamed objKey, for the objects that move
	maskLo   [256]uint64       // the image of each mask of threads 0..7
	names    map[string]string // a symmetric thread's or moving page's name -> its image's
	lines    map[int]int       // a line of a moved thread's body -> its image's (nil: none renamed)
	inverse  int32
}

type symKey struct {
	key uint64
	t   int
}

func compareSymKeys(a, b symKey) int {
	if c := cmp.Compare(a.key, b.key); c != 0 {
		return c
	}
	return cmp.Compare(a.t, b.t)
}

func newSymState(sym *symmetry) *symState {
	return &symState{sym: sym, permIx: map[string]int32{}}
}

// setup learns the threads' tasks and the pages' PFNs from the first
// machine, and interns the identity.
func (st *symState) setup(m *Machine) {
	st.ready = true
	for _, t := range m.threads {
		st.taskOf = append(st.taskOf, t.Task.ID)
		st.names = append(st.names, t.Name)
	}
	st.globNames = m.prog.globals
	st.pfnOf = map[int]mmcore.PFN{}
	for _, sl := range st.sym.pages {
		for _, g := range sl {
			if pg, ok := m.globals[g].Obj.(*mmcore.Page); ok {
				st.pfnOf[g] = pg.PFN
			}
		}
	}
	id := make([]int, len(m.threads))
	for i := range id {
		id[i] = i
	}
	st.intern(id)
}

// intern returns the index of permutation thr, adding it (and its
// inverse) if new.
func (st *symState) intern(thr []int) int32 {
	// The key is built in a reused buffer: a look-up with string(b)
	// does not allocate, and intern runs at every fingerprint.
	b := st.permKey[:0]
	for _, x := range thr {
		b = strconv.AppendInt(b, int64(x), 10)
		b = append(b, ',')
	}
	st.permKey = b
	if ix, ok := st.permIx[string(b)]; ok {
		return ix
	}
	key := string(b)
	p := &symPerm{thr: append([]int(nil), thr...), inv: make([]int, len(thr)), slot: map[int]int{}, slotInv: map[int]int{},
		names: map[string]string{}}
	objs := map[uint64]uint64{}
	move := func(kind rt.AccessKind, a, b uint32) {
		objs[objKey(kind, a)] = objKey(kind, b)
		st.movedKinds |= 1 << kind
	}
	for i, j := range thr {
		p.inv[j] = i
	}
	var tasks []int
	for i, j := range thr {
		a, b := st.taskOf[i], st.taskOf[j]
		for len(tasks) <= max(a, b) {
			tasks = append(tasks, len(tasks))
		}
		tasks[a] = b
		move(rt.ATask, uint32(a), uint32(b))
	}
	pfns := map[mmcore.PFN]mmcore.PFN{}
	for i, j := range thr {
		if i != j {
			p.names[st.names[i]] = st.names[j]
		}
		for k, g := range st.sym.pages[i] {
			h := st.sym.pages[j][k]
			if g != h {
				p.names[st.globNames[g]] = st.globNames[h]
			}
			p.slot[g], p.slotInv[h] = h, g
			move(rt.AGlobal, uint32(g), uint32(h))
			a, b := st.pfnOf[g], st.pfnOf[h]
			pfns[a] = b
			move(rt.APage, uint32(a), uint32(b))
			move(rt.ALock, rt.FolioLockID(a), rt.FolioLockID(b))
		}
	}
	p.ren = rt.NewRenaming(tasks, pfns)
	p.objs = newObjTable(objs)
	for x := range p.maskLo {
		for t := range 8 {
			if x&(1<<t) == 0 {
				continue
			}
			if t < len(thr) {
				p.maskLo[x] |= 1 << thr[t]
			} else {
				p.maskLo[x] |= 1 << t
			}
		}
	}
	if body := st.sym.body; body != nil {
		// A position of thread i's body goes to the corresponding one of
		// thread π(i)'s.
		pos := map[int]lang.Pos{}
		for i, j := range thr {
			if i != j && body[i] != nil {
				for k, q := range body[i] {
					pos[q.Offset] = body[j][k]
				}
			}
		}
		if len(pos) > 0 {
			p.ren.SetPositions(st.sym.file, pos)
		}
	}
	if st.sym.lineOf != nil {
		p.lines = map[int]int{}
		for l, ref := range st.sym.lineOf {
			if j := thr[ref.t]; j != ref.t {
				p.lines[l] = st.sym.lineFrom[j][ref.first]
			}
		}
	}
	ix := int32(len(st.perms))
	st.permIx[key] = ix
	st.perms = append(st.perms, p)
	p.inverse = st.intern(p.inv)
	return ix
}

// choose picks the permutation of m's state: each class sorted by its
// threads' keys, ties in thread order.
func (st *symState) choose(m *Machine) int32 {
	thr := st.thr[:0]
	for i := range m.threads {
		thr = append(thr, i)
	}
	st.thr = thr
	for _, c := range st.sym.classes {
		keys := st.keys[:0]
		for _, t := range c {
			keys = append(keys, symKey{st.key(m, t), t})
		}
		// slices.SortFunc, not sort.Slice: sort.Slice allocates its
		// swapper and closure at every fingerprint.
		slices.SortFunc(keys, compareSymKeys)
		for r, k := range keys {
			thr[k.t] = c[r]
		}
		st.keys = keys
	}
	return st.intern(thr)
}

// key is a hash of what distinguishes a thread of a class from the
// others, invariant under the group: its frames, its stack's values (an
// object by its type only: objects have no names to compare), its steps,
// the lock it waits for and the locks it holds (by name: a folio lock's
// name is not renamed here, which only makes ties rarer or keys differ,
// never a wrong fingerprint), and its pages' counts.
func (st *symState) key(m *Machine, t int) uint64 {
	th := m.threads[t]
	h := uint64(14695981039346656037)
	mix := func(x uint64) { h = (h ^ x) * 1099511628211; h ^= h >> 31 }
	mix(uint64(len(th.fr)))
	for i := range th.fr {
		f := &th.fr[i]
		mix(uint64(f.pc))
		if f.f != nil && f.f.kind != "thread" {
			mix(uint64(uintptr(unsafe.Pointer(f.f))))
		}
	}
	mix(uint64(len(th.stack)))
	for _, v := range th.stack {
		mix(uint64(v.T))
		if v.Obj == nil || v.T == rt.TInt || v.T == rt.TBool {
			mix(uint64(v.Int))
		}
	}
	mix(uint64(th.steps))
	if th.done {
		mix(1)
	}
	if th.fail {
		mix(2)
	}
	if l, mode, _ := th.Task.WaitingFor(); l != nil {
		mix(stringFP(l.Name))
		mix(uint64(mode))
	}
	mix(uint64(len(th.Task.Holds())))
	for _, hd := range th.Task.Holds() {
		mix(stringFP(hd.Lock.Name))
		mix(uint64(hd.Mode))
	}
	for _, g := range st.sym.pages[t] {
		if pg, ok := m.globals[g].Obj.(*mmcore.Page); ok {
			mix(uint64(pg.Mapcount()))
			mix(uint64(pg.Refcount()))
		}
	}
	return h
}

// hash adds m's state under the permutation it chooses (see the package
// comment) and returns that permutation's index.
func (st *symState) hash(h *rt.StateHasher, m *Machine) int32 {
	if !st.ready {
		st.setup(m)
	}
	ix := st.choose(m)
	st.hashPerm(h, m, ix)
	return ix
}

// hashPerm adds m's state renamed by permutation ix.
func (st *symState) hashPerm(h *rt.StateHasher, m *Machine, ix int32) {
	p := st.perms[ix]
	h.SetRenaming(p.ren)
	h.Kernel(m.k)
	h.Word(uint64(len(m.threads)))
	for j := range m.threads {
		h.Object(m.threads[p.inv[j]])
	}
	g := append(st.glob[:0], m.globals...)
	for j := range g {
		if from, ok := p.slotInv[j]; ok {
			g[j] = m.globals[from]
		}
	}
	st.glob = g
	h.Values(g)
	clear(g)
}

// mask renames a thread mask by permutation ix.
func (st *symState) mask(x uint64, ix int32) uint64 {
	if ix == 0 {
		return x
	}
	return st.perms[ix].mask(x)
}

func (p *symPerm) mask(x uint64) uint64 {
	out := p.maskLo[x&0xff]
	for x &^= 0xff; x != 0; x &= x - 1 {
		t := bits.TrailingZeros64(x)
		if t < len(p.thr) {
			out |= 1 << p.thr[t]
		} else {
			out |= 1 << t
		}
	}
	return out
}

// summary renames a subtree summary by permutation ix into dst's array:
// its threads and thread masks, and the objects that name a symmetric
// thread or page; the result is sorted again (summaries are kept
// sorted, sumLess).
func (st *symState) summary(dst, sum []sumAcc, ix int32) []sumAcc {
	if ix == 0 || len(sum) == 0 {
		return sum
	}
	p := st.perms[ix]
	out := slices.Grow(dst[:0], len(sum))[:len(sum)]
	for i := range sum {
		s := &sum[i]
		k := s.key
		if st.movedKinds&(1<<(k>>56)) != 0 {
			if o, ok := p.objs.get(k >> 24); ok {
				k = o<<24 | k&(1<<24-1)
			}
		}
		if t := int(uint8(k)); t < len(p.thr) {
			k = k&^0xff | uint64(p.thr[t])
		}
		out[i] = sumAcc{key: k, after: p.mask(s.after), preds: p.mask(s.preds)}
	}
	sortSum(out)
	return out
}

// sortSum sorts a renamed summary by key. Renaming leaves it nearly
// sorted (threads permute within an object's entries, a few objects
// move: on mmlocks_n5, 0.43 moves an entry), so insertion sort does, up
// to a budget of moves past which the rest is sorted in O(n log n).
func sortSum(out []sumAcc) {
	budget := 4 * len(out)
	for i := 1; i < len(out); i++ {
		x := out[i]
		j := i
		for j > 0 && out[j-1].key > x.key {
			out[j] = out[j-1]
			j--
		}
		out[j] = x
		if budget -= i - j; budget < 0 {
			slices.SortFunc(out, func(a, b sumAcc) int { return cmp.Compare(a.key, b.key) })
			return
		}
	}
}

// objTable maps object keys (objKey) to object keys: open addressing,
// for the renaming of every entry of every summary a permutation
// renames.
type objTable struct {
	keys, vals []uint64 // keys[i] == 0: empty (no objKey is 0: kinds start at 1)
	shift      uint
}

func newObjTable(m map[uint64]uint64) objTable {
	n := 8
	for n < 2*len(m) {
		n *= 2
	}
	t := objTable{keys: make([]uint64, n), vals: make([]uint64, n), shift: uint(64 - bits.TrailingZeros(uint(n)))}
	for k, v := range m {
		i := t.slot(k)
		for t.keys[i] != 0 {
			i = (i + 1) & (n - 1)
		}
		t.keys[i], t.vals[i] = k, v
	}
	return t
}

func (t *objTable) slot(k uint64) int { return int((k * 0x9e3779b97f4a7c15) >> t.shift) }

func (t *objTable) get(k uint64) (uint64, bool) {
	for i := t.slot(k); ; i = (i + 1) & (len(t.keys) - 1) {
		switch t.keys[i] {
		case k:
			return t.vals[i], true
		case 0:
			return 0, false
		}
	}
}

// findingFP is the fingerprint of the cause of finding d (what
// FindingKey says of it) under permutation ix: its position and related
// positions renamed as the state's (a position in thread i's body to the
// corresponding one in π(i)'s), and the names of the symmetric threads
// and pages in its message renamed to their images'. It is one to one
// for each ix, and that of ix∘ix' is that of ix after ix', so equal
// findingFPs of two states' findings under their permutations mean that
// one's findings are the images of the other's. The fingerprint (and the
// findings so far are part of the state, explore_cache.go) uses it for
// every permutation, the identity included.
func (st *symState) findingFP(d *rt.Diagnostic, ix int32) uint64 {
	if fp, ok := st.found[foundKey{d, ix}]; ok {
		return fp
	}
	p := st.perms[ix]
	var rel []string
	for _, r := range d.Related {
		rel = append(rel, p.ren.Pos(r.Pos).String())
	}
	sort.Strings(rel)
	rel = slices.Compact(rel)
	msg := d.Msg
	if d.Thread != "" {
		msg = strings.ReplaceAll(msg, d.Thread, "<thread>")
	}
	k := "deadlock " + strings.Join(rel, " ") // a deadlock by its cycle, as FindingKey
	if d.Kind != rt.Deadlock {
		k = fmt.Sprintf("%s %s %s [%s] %s", d.Kind, d.Rule, p.ren.Pos(d.Pos), strings.Join(rel, " "), renameLines(renameWords(msg, p.names), p.lines))
	}
	if len(st.found) >= 1<<12 || st.found == nil {
		st.found = map[foundKey]uint64{}
	}
	fp := stringFP(k)
	st.found[foundKey{d, ix}] = fp
	return fp
}

// useSymmetry makes the cache fingerprint states up to sym.
func (c *stateCache) useSymmetry(sym *symmetry) {
	c.sym = newSymState(sym)
	h := rt.NewRenamingStateHasher()
	configureHasher(h)
	// Which thread a record is follows from its place, which the hash
	// permutes: its name, index and closing brace are left out, and so is
	// the identity of its body in its bottom frame.
	h.Skip(Thread{}, "Name", "idx", "end")
	h.Skip(frame{}, "f")
	h.Post(frame{}, func(h *rt.StateHasher, p unsafe.Pointer) {
		f := (*frame)(p).f
		switch {
		case f == nil:
			h.Word(0)
		case f.kind == "thread":
			h.Word(1)
		default:
			h.Word(uint64(uintptr(unsafe.Pointer(f))))
		}
	})
	c.hasher = h
}

// canonicalFindingKey is the key of a finding's class under the symmetry:
// positions in a symmetric thread's body (and lines its message names)
// and the names of symmetric threads and pages are replaced by those of
// their class's first thread.
func (s *symmetry) canonicalFindingKey(d *rt.Diagnostic) string {
	if s == nil {
		return FindingKey(d)
	}
	c := *d
	if q, ok := s.posMap[c.Pos]; ok {
		c.Pos = q
	}
	c.Related = nil
	for _, r := range d.Related {
		if q, ok := s.posMap[r.Pos]; ok {
			r.Pos = q
		}
		c.Related = append(c.Related, r)
	}
	if n, ok := s.names[c.Thread]; ok {
		c.Thread = n
	}
	c.Msg = renameWords(c.Msg, s.names)
	if s.lineOf != nil {
		first := map[int]int{}
		for l, ref := range s.lineOf {
			first[l] = ref.first
		}
		c.Msg = renameLines(c.Msg, first)
	}
	return FindingKey(&c)
}

// renameLines replaces the number N of each "line N" in s by its image
// in lines (rt's messages name a line so: "returned at line 41").
func renameLines(s string, lines map[int]int) string {
	if len(lines) == 0 || !strings.Contains(s, "line ") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "line ")
		if i < 0 {
			break
		}
		i += len("line ")
		b.WriteString(s[:i])
		s = s[i:]
		j := 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j > 0 && (j == len(s) || !isWordByte(s[j])) {
			if n, err := strconv.Atoi(s[:j]); err == nil {
				if m, ok := lines[n]; ok {
					b.WriteString(strconv.Itoa(m))
					s = s[j:]
				}
			}
		}
	}
	b.WriteString(s)
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// renameWords replaces whole words of s by their images in names.
func renameWords(s string, names map[string]string) string {
	isWord := isWordByte
	var b strings.Builder
	for i := 0; i < len(s); {
		if !isWord(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && isWord(s[j]) {
			j++
		}
		w := s[i:j]
		if n, ok := names[w]; ok {
			w = n
		}
		b.WriteString(w)
		i = j
	}
	return b.String()
}

// toCanon renames a state's sleep set and summary into the canonical
// numbering the cache stores (by the state's permutation).
func (c *stateCache) toCanon(sleep uint64, sum []sumAcc, perm int32) (uint64, []sumAcc) {
	if c.sym == nil || perm == 0 {
		return sleep, sum
	}
	c.canonBuf = c.sym.summary(c.canonBuf, sum, perm)
	return c.sym.mask(sleep, perm), c.canonBuf
}

// fromCanon renames a cache entry's sleep set and summary into the
// numbering of a state with permutation perm. It returns true, to sit in
// the hit's condition.
func (c *stateCache) fromCanon(e *cacheEntry, sum *[]sumAcc, perm int32) bool {
	if c.sym == nil || perm == 0 {
		return true
	}
	inv := c.sym.perms[perm].inverse
	e.sleep = c.sym.mask(e.sleep, inv)
	c.hitBuf = c.sym.summary(c.hitBuf, *sum, inv)
	*sum = c.hitBuf
	return true
}
