package interp

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/mmscript/mmscript/mmcore"
	rt "github.com/mmscript/mmscript/runtime"
)

// exploreSummary is everything a search reports, counts included: a
// search whose runs start from the snapshot of the state after set-up
// must report exactly what one that runs the set-up code in every run
// does, since a restored run is the replayed one.
func exploreSummary(p *Program, res *ExploreResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "complete=%v stopped=%q executions=%d runs=%d states=%d hashed=%d hits=%d cached=%d partial=%d\n",
		res.Complete, res.Stopped, res.Executions, res.Runs, res.States, res.Hashed, res.CacheHits, res.Cached, res.partialHits)
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "finding %s x%d [%s] %s\n", f.Key, f.Count, FormatSchedule(f.Schedule), f.Diag)
	}
	for _, o := range res.Outcomes {
		fmt.Fprintf(&b, "outcome %v x%d\n", o.Keys, o.Count)
	}
	for _, v := range Verdicts(p, res) {
		fmt.Fprintf(&b, "verdict %v %v\n", v.Verdict, v.Holds)
	}
	return b.String()
}

// Starting runs from the snapshot changes nothing a search reports, on
// every example and test script and on generated ones (one worker), counts
// included, with and without the state cache (with it, of complete
// searches: a budget stops the two at different points). The cached
// counts agree because the fingerprint does not depend on addresses: it
// ordered the entries of a map keyed by objects it had not numbered yet
// by address, and a restored run's objects are the snapshot's, at the
// same addresses in every run, while a run that makes its own has them
// elsewhere (collapse_by_hand: 765 runs with the snapshot, 779 without;
// runtime: mapping defers such maps to the end of the walk).
func TestSnapshotIsTransparent(t *testing.T) {
	var progs []*Program
	for _, f := range soundnessScripts(t) {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		progs = append(progs, p)
	}
	r := rand.New(rand.NewPCG(11, 3))
	for i := range 100 {
		if p, err := LoadSource(fmt.Sprintf("gen%d.mms", i), []byte(genScript(r))); err == nil {
			progs = append(progs, p)
		}
	}
	restored := 0
	for _, p := range progs {
		for _, noCache := range []bool{true, false} {
			o := ExploreOptions{Workers: 1, MaxStates: 20_000, MaxSteps: 100_000, NoCache: noCache}
			o.onTurn = func(s *searcher) {
				if s.m.restored && s.m.sched.n == 1 {
					restored++
				}
			}
			with := Explore(p, o)
			o.noSnapshot = true
			o.onTurn = nil
			without := Explore(p, o)
			if !noCache && (!with.Complete || !without.Complete) {
				// a budget ends the two searches at different points
				continue
			}
			a, b := exploreSummary(p, with), exploreSummary(p, without)
			if a != b {
				t.Errorf("%s (no cache: %v): with the snapshot\n%s\nwithout\n%s", filepath.Base(p.File.Name), noCache, a, b)
			}
		}
	}
	if restored == 0 {
		t.Errorf("no run started from a snapshot: the test does not cover it")
	}
	t.Logf("%d scripts, %d runs restored", len(progs), restored)
}

// A snapshot shares nothing a run can change with the machine it was
// taken from: no object, array or map but the program's is reachable from
// both, and running restored machines to their end leaves the original's
// fingerprint as it was; and a restore after a run gives the snapshot's
// state back (its fingerprint, taken of the same objects, as after the
// first restore).
func TestSnapshotSharesNothing(t *testing.T) {
	files := append(soundnessScripts(t), "testdata/perf/mmlocks_n5.mms")
	checked := 0
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		var m *Machine
		Run(p, Options{onStart: func(mm *Machine) { m = mm }, pick: func(int, []int) int { return -1 }})
		if m == nil {
			continue
		}
		c := newStateCache(newVisitedSet(1 << 10))
		fp0, ok := c.fingerprint(m)
		s, _ := takeSnapshot(m, newStateCloner())
		if s == nil || !ok {
			continue
		}
		checked++
		orig := reachable(m)
		for q := range reachable(s.m) {
			if orig[q] {
				t.Errorf("%s: the snapshot shares a %v with the machine it copies", f, q.t)
			}
		}
		pl := &runPool{}
		var fp1 uint64
		Run(p, Options{pool: pl, from: s, onStart: func(mm *Machine) { fp1, _ = c.fingerprint(mm) }, pick: func(int, []int) int { return -1 }})
		for seed := range uint64(3) {
			r := rand.New(rand.NewPCG(seed, 1))
			Run(p, Options{pool: pl, from: s, pick: func(_ int, runnable []int) int { return runnable[r.IntN(len(runnable))] }})
			if fp, _ := c.fingerprint(m); fp != fp0 {
				t.Fatalf("%s: running a restored machine changed the original's fingerprint", f)
			}
			var fp uint64
			Run(p, Options{pool: pl, from: s, onStart: func(mm *Machine) { fp, _ = c.fingerprint(mm) }, pick: func(int, []int) int { return -1 }})
			if fp != fp1 {
				t.Fatalf("%s: a restore after a run gave fingerprint %#x, not %#x", f, fp, fp1)
			}
		}
	}
	if checked < 30 {
		t.Errorf("only %d scripts' set-up states copied", checked)
	}
}

// refKey is something a state holds by reference: an object, an array, a
// map.
type refKey struct {
	p unsafe.Pointer
	t reflect.Type
}

// reachable returns what is reachable from m by reference, but for the
// program's objects (which a snapshot shares) and the run's own parts
// that a snapshot leaves out.
func reachable(m *Machine) map[refKey]bool {
	shared := map[reflect.Type]bool{}
	for _, x := range slices.Concat(programObjects(), rt.ProgramObjects(), []any{&rt.Footprint{}, &rt.TaskPool{}, &mmcore.TablePool{}, &runPool{}}) {
		shared[reflect.TypeOf(x).Elem()] = true
	}
	seen := map[refKey]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || shared[v.Type().Elem()] {
				return
			}
			k := refKey{v.UnsafePointer(), v.Type().Elem()}
			if seen[k] {
				return
			}
			seen[k] = true
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[Options]() {
				return // the run's
			}
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Slice:
			if v.Cap() == 0 {
				return
			}
			k := refKey{v.UnsafePointer(), v.Type()}
			if !seen[k] {
				seen[k] = true
				for i := range v.Len() {
					walk(v.Index(i))
				}
			}
		case reflect.Map:
			if v.IsNil() {
				return
			}
			seen[refKey{v.UnsafePointer(), v.Type()}] = true
			it := v.MapRange()
			for it.Next() {
				walk(it.Key())
				walk(it.Value())
			}
		}
	}
	walk(reflect.ValueOf(m))
	return seen
}

// The cloner relies on no type the state points to being held inline by
// another (a pointer into the middle of an object would get a copy of its
// own): checked over the types reachable from a machine and the objects
// script values hold.
func TestClonedTypesHaveNoInteriorPointers(t *testing.T) {
	seen := map[reflect.Type]bool{}
	pointed := map[reflect.Type]bool{}
	inline := map[reflect.Type]string{}
	shared := map[reflect.Type]bool{}
	for _, x := range slices.Concat(programObjects(), rt.ProgramObjects()) {
		shared[reflect.TypeOf(x).Elem()] = true
	}
	var walk func(reflect.Type)
	walk = func(ty reflect.Type) {
		if seen[ty] || shared[ty] {
			return
		}
		seen[ty] = true
		switch ty.Kind() {
		case reflect.Pointer:
			pointed[ty.Elem()] = true
			walk(ty.Elem())
		case reflect.Slice, reflect.Array:
			inline[ty.Elem()] = ty.String()
			walk(ty.Elem())
		case reflect.Map:
			walk(ty.Key())
			walk(ty.Elem())
		case reflect.Struct:
			if ty == reflect.TypeFor[Options]() {
				return // the run's (left out of a copy)
			}
			for i := range ty.NumField() {
				inline[ty.Field(i).Type] = ty.String() + "." + ty.Field(i).Name
				walk(ty.Field(i).Type)
			}
		}
	}
	walk(reflect.TypeFor[Machine]())
	// What script values and page tables hold behind an interface.
	for _, x := range []any{&rt.MM{}, &rt.File{}, &mmcore.Page{}, &mmcore.VMA{}, &rt.VMF{}, &rt.PTE{}, &rt.Lock{}, &rt.NilOrigin{}} {
		walk(reflect.TypeOf(x))
	}
	if len(seen) < 50 {
		t.Fatalf("only %d types reached", len(seen))
	}
	for ty := range pointed {
		if where, ok := inline[ty]; ok && ty.Kind() == reflect.Struct {
			t.Errorf("%v is pointed to and held inline (%s)", ty, where)
		}
	}
}
