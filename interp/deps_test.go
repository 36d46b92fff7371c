package interp

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/mmcore"
	rt "github.com/mmscript/mmscript/runtime"
)

// Which footprint objects make steps dependent: over a full exploration,
// every step the search takes first (onNewTurn) is compared with every
// earlier step of another thread on its path, as the race analysis
// (searcher.analyze) does with rt.Dependent, and each dependent pair is
// attributed to the objects whose accesses conflict, named by kind and
// part (a lock by class, an mm by part, a page-table entry by level),
// with the two accesses' modes and the operations of the two turns. It is
// what chooses the next footprint refinement: splitting an object can
// remove only the pairs it is the sole cause of ("sole").

// depCause is one conflicting object of a dependent pair: its label and
// the modes of the earlier and the later access.
type depCause struct {
	obj   string
	modes string
}

// depRow is a line of the detailed table.
type depRow struct {
	depCause
	ops string // the operations of the earlier and the later turn
}

// depStat counts pairs: dependent ones, those of them that are races
// (searcher.analyze's: no other dependence orders them, so the search
// tries the other order), and of each those with no other conflicting
// object ("sole": what splitting the object could remove).
type depStat struct {
	pairs, races, solePairs, soleRaces int64
}

func (c *depStat) add(race, sole bool) {
	b := func(x bool) int64 {
		if x {
			return 1
		}
		return 0
	}
	c.pairs++
	c.races += b(race)
	c.solePairs += b(sole)
	c.soleRaces += b(sole && race)
}

// depTally counts the dependent pairs of an exploration.
type depTally struct {
	all   depStat
	rows  map[depRow]*depStat
	objs  map[string]*depStat
	names *depNames
	ops   []string  // the operation of each turn of the current path
	vc    [][]int32 // the vector clock of each turn of the current path
	local []int32   // its index in its thread, from 1
}

func newDepTally() *depTally {
	return &depTally{rows: map[depRow]*depStat{}, objs: map[string]*depStat{}, names: newDepNames()}
}

func (d *depTally) stat(m map[string]*depStat, k string) *depStat {
	if m[k] == nil {
		m[k] = &depStat{}
	}
	return m[k]
}

// hook installs the tally on o (one worker: the hooks are not locked).
func (d *depTally) hook(o *ExploreOptions) {
	o.Workers, o.splitTasks = 1, 1
	o.onTurn = func(s *searcher) {
		// lastOp is the last operation the machine ran, kept across
		// turns (it is -trace's): cleared here, a turn that ran none
		// reads "-". A turn that merged steps (a left mover: a read
		// release joins the step before it) is named by its last, so
		// "vma_end_read" is often vm_insert_page + vma_end_read.
		turn := s.m.sched.n - 1
		op := "-"
		if s.m.lastOp != nil {
			op = s.m.lastOp.Name
		}
		s.m.lastOp = nil
		for len(d.ops) <= turn {
			d.ops = append(d.ops, "")
		}
		d.ops[turn] = op
	}
	o.onNewTurn = func(s *searcher, j int) {
		st := s.stack
		e := &st[j]
		for len(d.vc) <= j {
			d.vc = append(d.vc, make([]int32, s.nthr))
			d.local = append(d.local, 0)
		}
		// The vector clocks of searcher.analyze, kept here per turn: a
		// turn before j is the same step as when it was new (the prefix
		// is replayed), so its clock still holds.
		vc := d.vc[j]
		clear(vc)
		d.local[j] = 1
		for i := j - 1; i >= 0; i-- {
			if st[i].tid == e.tid {
				copy(vc, d.vc[i])
				d.local[j] = d.local[i] + 1
				break
			}
		}
		c := slices.Clone(vc)
		for i := j - 1; i >= 0; i-- {
			f := &st[i]
			if f.tid == e.tid || !rt.Dependent(f.acc, e.acc) {
				continue
			}
			// A race: no other dependence orders f before e (analyze's
			// test), so the search must try e before f.
			race := c[f.tid] < d.local[i]
			d.pair(s.m, f.acc, e.acc, d.ops[i], d.ops[j], race)
			for t, v := range d.vc[i] {
				c[t] = max(c[t], v)
				vc[t] = max(vc[t], v)
			}
		}
		vc[e.tid] = d.local[j]
	}
}

// pair attributes one dependent pair (a earlier, b later).
func (d *depTally) pair(m *Machine, a, b []rt.Access, opA, opB string, race bool) {
	var causes []depCause
	if w := worldSide(a, b); w != "" {
		// A World step conflicts with everything: one cause, not one
		// per object of the other side.
		causes = append(causes, depCause{obj: "world", modes: w})
		a = nil
	}
	for _, x := range a {
		for _, y := range b {
			if !x.Conflicts(y) {
				continue
			}
			c := depCause{obj: d.names.label(m, x, y), modes: accessMode(x) + "/" + accessMode(y)}
			if !slices.Contains(causes, c) {
				causes = append(causes, c)
			}
		}
	}
	var objs []string
	for _, c := range causes {
		if !slices.Contains(objs, c.obj) {
			objs = append(objs, c.obj)
		}
	}
	sole := len(objs) == 1
	d.all.add(race, sole)
	for _, c := range causes {
		r := depRow{c, opA + " / " + opB}
		if d.rows[r] == nil {
			d.rows[r] = &depStat{}
		}
		d.rows[r].add(race, sole)
	}
	for _, o := range objs {
		d.stat(d.objs, o).add(race, sole)
	}
}

// worldSide names which of a (earlier) and b (later) has a World access:
// "world/-", "-/world", "world/world", or "" for neither.
func worldSide(a, b []rt.Access) string {
	isWorld := func(acc []rt.Access) bool {
		return slices.ContainsFunc(acc, func(x rt.Access) bool { return x.Kind == rt.AWorld })
	}
	wa, wb := isWorld(a), isWorld(b)
	switch {
	case wa && wb:
		return "world/world"
	case wa:
		return "world/-"
	case wb:
		return "-/world"
	}
	return ""
}

// accessMode is the mode part of a.String(): w, so, s, o or r, with k
// for a write that keeps a lock refusing readers and f for a read that
// learned only the refusal.
func accessMode(a rt.Access) string {
	s := a.String()
	return s[strings.LastIndexByte(s, ':')+1:]
}

type depCount[K any] struct {
	k K
	n *depStat
}

// byRaces orders m's entries by races, then pairs, then key.
func byRaces[K comparable](m map[K]*depStat, less func(a, b K) int) []depCount[K] {
	var out []depCount[K]
	for k, n := range m {
		out = append(out, depCount[K]{k, n})
	}
	slices.SortFunc(out, func(a, b depCount[K]) int {
		return cmp.Or(cmp.Compare(b.n.races, a.n.races), cmp.Compare(b.n.pairs, a.n.pairs), less(a.k, b.k))
	})
	return out
}

// report writes the tables: by object, then the top rows by object,
// modes and operations, each ordered by races.
func (d *depTally) report(logf func(string, ...any), top int) {
	logf("%d dependent pairs of steps of different threads, %d of them races", d.all.pairs, d.all.races)
	const head, num = "%9s %9s %9s %9s  ", "%9d %9d %9d %9d  "
	logf(head+"%s", "pairs", "sole", "races", "sole", "object")
	for _, c := range byRaces(d.objs, strings.Compare) {
		logf(num+"%s", c.n.pairs, c.n.solePairs, c.n.races, c.n.soleRaces, c.k)
	}
	rows := byRaces(d.rows, func(a, b depRow) int {
		return cmp.Or(strings.Compare(a.obj, b.obj), strings.Compare(a.modes, b.modes), strings.Compare(a.ops, b.ops))
	})
	logf("top %d by object, modes and operations (earlier/later):", top)
	logf("   "+head+"%-24s %-11s %s", "pairs", "sole", "races", "sole", "object", "modes", "operations")
	for i, r := range rows {
		if i == top {
			break
		}
		logf("%2d "+num+"%-24s %-11s %s", i+1, r.n.pairs, r.n.solePairs, r.n.races, r.n.soleRaces, r.k.obj, r.k.modes, r.k.ops)
	}
}

// depNames names footprint objects by finding them in the machine: the
// identities are hashes (rt.ID), so each is matched against those of the
// locks, mms and page-table entries the machine holds, computed by the
// runtime's own recorders. A machine is searched again only for an
// identity not seen before.
type depNames struct {
	obj    map[depKey]string
	missed map[depKey]bool
}

type depKey struct {
	kind rt.AccessKind
	obj  uint32
}

func newDepNames() *depNames {
	return &depNames{obj: map[depKey]string{}, missed: map[depKey]bool{}}
}

// label names the object of x, which conflicts with y.
func (n *depNames) label(m *Machine, x, y rt.Access) string {
	if x.Obj == rt.AllObjects || y.Obj == rt.AllObjects {
		return x.Kind.String() + " *"
	}
	switch x.Kind {
	case rt.ALock, rt.AOwner, rt.AMM, rt.APTE, rt.ATLB:
	default:
		return x.Kind.String()
	}
	k := depKey{x.Kind, x.Obj}
	if s, ok := n.obj[k]; ok {
		return s
	}
	if !n.missed[k] {
		n.scan(m)
		if s, ok := n.obj[k]; ok {
			return s
		}
		n.missed[k] = true
	}
	return x.Kind.String() + " ?"
}

// scan names the objects of the machine's locks, mms and VMAs.
func (n *depNames) scan(m *Machine) {
	w := depWalk{seen: map[uintptr]bool{}}
	w.walk(reflect.ValueOf(m))
	for _, l := range w.locks {
		class := l.Class.String()
		if l.Class >= rt.ClassUser {
			class = l.Name // a script's lock: its class is itself
		}
		n.obj[depKey{rt.ALock, rt.ID(l)}] = "lock " + class
		n.obj[depKey{rt.AOwner, rt.ID(l)}] = "owner " + class
	}
	for _, mm := range w.mms {
		n.mm(mm, 0)
	}
	for _, v := range w.vmas {
		for a := v.Start(); a < v.End() && a-v.Start() < 4096*mmcore.PageSize; a += mmcore.PageSize {
			n.mm(v.MM(), a)
		}
	}
}

// mm names mm's parts and, at addr, its page-table entries: the order of
// the accesses PTEAt records (PGD, P4D unless folded, PUD, PMD, PTE, the
// rss and pgtables_bytes counters) is that of pteWalk.
func (n *depNames) mm(mm *mmcore.MM, addr mmcore.Addr) {
	f := rt.NewFootprint()
	name := func(kind rt.AccessKind, label string, record func()) {
		f.Reset()
		record()
		for _, a := range f.Acc {
			k := depKey{kind, a.Obj}
			if _, ok := n.obj[k]; !ok && a.Kind == kind {
				n.obj[k] = label
				return
			}
		}
	}
	name(rt.AMM, "mm VMA tree", func() { f.VMATree(mm, true) })
	name(rt.AMM, "mm VMA attach", func() { f.VMAAttach(mm, true) })
	name(rt.AMM, "mm vm_stat", func() { f.MMCounters(mm, true) })
	name(rt.AMM, "mm mm_lock_seq", func() { f.MMLockSeq(mm) })
	name(rt.ATLB, "tlb", func() { f.TLB(mm, true) })
	f.Reset()
	f.PTEAt(mm, addr, true)
	levels := []string{"pte PGD entry", "pte P4D entry", "pte PUD entry", "pte PMD entry", "pte PTE entry", "pte rss+pgtables_bytes"}
	if mm.Levels() == 4 {
		levels = slices.Delete(levels, 1, 2)
	}
	for i, a := range f.Acc {
		if a.Kind == rt.APTE && i < len(levels) {
			n.obj[depKey{rt.APTE, a.Obj}] = levels[i]
		}
	}
}

// depWalk collects the locks, mms and VMAs reachable from a value.
type depWalk struct {
	seen  map[uintptr]bool
	locks []*rt.Lock
	mms   []*mmcore.MM
	vmas  []*mmcore.VMA
}

var (
	depLockType = reflect.TypeFor[*rt.Lock]()
	depMMType   = reflect.TypeFor[*mmcore.MM]()
	depVMAType  = reflect.TypeFor[*mmcore.VMA]()
)

func (w *depWalk) walk(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		p := uintptr(v.UnsafePointer())
		key := p ^ uintptr(v.Type().Elem().Size())<<48 // a struct and its first field share an address
		if w.seen[key] {
			return
		}
		w.seen[key] = true
		switch v.Type() {
		case depLockType:
			w.locks = append(w.locks, (*rt.Lock)(v.UnsafePointer()))
		case depMMType:
			w.mms = append(w.mms, (*mmcore.MM)(v.UnsafePointer()))
		case depVMAType:
			w.vmas = append(w.vmas, (*mmcore.VMA)(v.UnsafePointer()))
		}
		w.walk(v.Elem())
	case reflect.Interface:
		if !v.IsNil() {
			w.walk(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			w.walk(v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return
		}
		if k := v.Type().Elem().Kind(); k <= reflect.Complex128 || k == reflect.String {
			return
		}
		for i := range v.Len() {
			w.walk(v.Index(i))
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			w.walk(it.Key())
			w.walk(it.Value())
		}
	}
}

// exploreDeps explores p fully with the tally hooked.
func exploreDeps(tb testing.TB, p *Program) *depTally {
	d := newDepTally()
	o := ExploreOptions{}
	d.hook(&o)
	res := Explore(p, o)
	if !res.Complete {
		tb.Fatalf("search incomplete: %s", res.Stopped)
	}
	return d
}

// TestDependenceAttribution checks the tally on scripts whose dependences
// are known: two threads taking the same mutex depend on the lock alone;
// and on the task the release hands it to; a lookup under the mmap read
// lock and a munmap on the VMA tree (vma_lookup reads it, munmap's detach
// writes it) and the mmap_lock; two vm_insert_page()s of one address on
// its PTE entry.
func TestDependenceAttribution(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // objects some pair must be attributed to
		only      bool     // want is every object any pair is attributed to
	}{
		{"mutex", `
spinlock a
thread t1 {
  spin_lock(a)
  spin_unlock(a)
}
thread t2 {
  spin_lock(a)
  spin_unlock(a)
}
`, []string{"lock a", "task"}, true},
		{"lookup-munmap", `
mm m
vma v = mmap(m, 0x100000, pages=1, prot=rw)
thread reader {
  mmap_read_lock(m)
  vma x = vma_lookup(m, 0x100000)
  mmap_read_unlock(m)
}
thread unmapper { munmap(m, 0x100000, pages=1) }
`, []string{"mm VMA tree", "lock &mm->mmap_lock"}, false},
		{"insert-insert", `
mm m
file dev
vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=shared, file=dev, vm=mixedmap)
page p1
page p2
func insert(p) {
  mmap_read_lock(m)
  vma x = vma_lookup(m, 0x100000)
  vm_insert_page(x, 0x100000, p)
  mmap_read_unlock(m)
}
thread f1 { insert(p1) }
thread f2 { insert(p2) }
`, []string{"pte PTE entry"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := LoadSource(tc.name+".mms", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			d := exploreDeps(t, p)
			d.report(t.Logf, 15)
			if d.all.races == 0 {
				t.Fatal("no race")
			}
			for _, w := range tc.want {
				if d.objs[w] == nil {
					t.Errorf("no pair attributed to %q", w)
				}
			}
			for o := range d.objs {
				if strings.HasSuffix(o, " ?") {
					t.Errorf("unnamed object %q", o)
				}
				if tc.only && !slices.Contains(tc.want, o) {
					t.Errorf("pair attributed to %q, want only %v", o, tc.want)
				}
			}
		})
	}
}

// BenchmarkDependences reports which footprint objects make the steps of
// -explore.script's full verdict dependent (see depTally): the tables as
// log lines (-v), the pairs per object of the five busiest as metrics.
func BenchmarkDependences(b *testing.B) {
	p, err := Load(*exploreScript)
	if err != nil {
		b.Fatal(err)
	}
	var d *depTally
	for b.Loop() {
		d = exploreDeps(b, p)
	}
	d.report(b.Logf, 15)
	b.ReportMetric(float64(d.all.pairs), "pairs")
	b.ReportMetric(float64(d.all.races), "races")
	for i, c := range byRaces(d.objs, strings.Compare) {
		if i == 5 {
			break
		}
		b.ReportMetric(float64(c.n.races), strings.ReplaceAll(c.k, " ", "_")+"-races")
	}
}
