package interp

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	rt "github.com/mmscript/mmscript/runtime"
)

// An event is a step named by what is the same in every interleaving of
// its Mazurkiewicz trace: its thread and that thread's own view once the
// step ran (its statement count, frames, locals and operands, an object
// by its run-independent name, never its contents, which another
// thread's independent step may change before or after it), whether it
// is blocked, the values it wrote to globals, and the findings the step
// reported. A step reads the same
// values in every interleaving of its trace (dependent steps keep their
// order), so the thread's view after it is the same; DPOR explores every
// trace, so every event. Unlike findings and final states, an event is
// observed in the middle of a run: a pruned subtree whose steps read
// something no explored run read is missing events even when its final
// states are reached by another branch.
func eventText(m *Machine, tid int, acc []rt.Access, diags []*rt.Diagnostic) string {
	t := m.threads[tid]
	var b strings.Builder
	fmt.Fprintf(&b, "t%d steps=%d done=%v blocked=%v |", tid, t.steps, t.done, t.Task.Blocked())
	for i := range t.fr {
		f := &t.fr[i]
		name := ""
		if f.f != nil {
			name = f.f.name
		}
		fmt.Fprintf(&b, " %s:%d:%s:%v", name, f.pc, f.desc, f.cont != nil)
	}
	b.WriteString(" |")
	for _, v := range t.stack {
		fmt.Fprintf(&b, " %d:%d:%s", v.T, v.Int, shallow(v.Obj))
	}
	// The globals the step wrote, with what it wrote (no other thread
	// ran since).
	for _, a := range acc {
		if a.Kind == rt.AGlobal && a.Write && int(a.Obj) < len(m.globals) {
			v := m.globals[a.Obj]
			fmt.Fprintf(&b, " | g%d=%d:%d:%s", a.Obj, v.T, v.Int, shallow(v.Obj))
		}
	}
	for _, d := range diags {
		fmt.Fprintf(&b, " | %s", FindingKey(d))
	}
	return b.String()
}

// shallow names an object without its contents.
func shallow(o any) string {
	switch x := o.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	return fmt.Sprintf("%T#%d", o, rt.ID(o))
}

// turnEvent is the event of the turn s's machine just ran.
func turnEvent(s *searcher) string {
	turn := s.m.sched.n - 1
	n := &s.stack[turn]
	prev := 0
	if turn > 0 {
		prev = s.stack[turn-1].ndiag
	}
	return eventText(s.m, n.tid, n.acc, s.m.k.Diagnostics()[prev:n.ndiag])
}

// stateCheck is a state the cached search closed above a partial revisit
// (partialHit): its path, its sleep set, and the events reported below it
// (those of the runs through it, and, for each state pruned or revisited
// in part below it, the events its earlier exploration reported: the
// same state has the same future).
type stateCheck struct {
	prefix []int
	sleep  []sleeper
	events map[string]bool
}

// statesAbovePartial runs the cached search (no split, one worker; no
// symmetry and no movers, so that states and turns are those of the
// search without cache) and returns the states it closed above a
// partial revisit, with the events reported below each.
func statesAbovePartial(p *Program, maxSteps int64) ([]stateCheck, *ExploreResult) {
	var below []map[string]bool // by depth on the stack
	var marked []bool           // a partial revisit lies below
	memo := map[uint64]map[string]bool{}
	at := func(d int) map[string]bool {
		for len(below) <= d {
			below = append(below, map[string]bool{})
			marked = append(marked, false)
		}
		return below[d]
	}
	var checks []stateCheck
	o := ExploreOptions{MaxSteps: maxSteps, MaxStates: 100_000, Workers: 1, splitTasks: 1, NoSymmetry: true, NoMovers: true}
	o.onTurn = func(s *searcher) {
		e := turnEvent(s)
		for i := range s.m.sched.n {
			at(i)[e] = true
		}
	}
	o.onHit = func(s *searcher, h int, fp uint64) {
		e, _, ok := s.cache.find(fp, nil)
		partial := ok && e.sleep&^s.stack[h].sleepMask != 0
		top := h - 1 // a pruned state is no state of the stack
		if partial {
			top = h
		}
		for i := 0; i <= top; i++ {
			for ev := range memo[fp] {
				at(i)[ev] = true
			}
			marked[i] = marked[i] || partial
		}
	}
	o.onComplete = func(s *searcher, i int) {
		n := &s.stack[i]
		ev := at(i)
		if n.hashed {
			m := memo[n.fp]
			if m == nil {
				m = map[string]bool{}
				memo[n.fp] = m
			}
			for e := range ev {
				m[e] = true
			}
		}
		if marked[i] {
			c := stateCheck{sleep: append([]sleeper(nil), n.sleep...), events: ev}
			for j := range i {
				c.prefix = append(c.prefix, s.stack[j].tid)
			}
			checks = append(checks, c)
		}
		below[i], marked[i] = map[string]bool{}, false
	}
	return checks, Explore(p, o)
}

// uncachedEvents searches a state's subtree without the cache, from its
// path and with its sleep set (as a task of the split is searched), and
// returns the events of the turns below the state, and whether the
// search completed.
func uncachedEvents(p *Program, c stateCheck, maxSteps int64) (map[string]bool, bool) {
	ev := map[string]bool{}
	o := ExploreOptions{NoCache: true, NoMovers: true, NoSymmetry: true, MaxStates: 2_000_000, MaxSteps: maxSteps, Workers: 1}
	o.onTurn = func(s *searcher) {
		if s.m.sched.n > len(c.prefix) {
			ev[turnEvent(s)] = true
		}
	}
	x := &explorer{p: p, o: o, start: time.Now(), findings: map[string]*Finding{}, outcomes: map[string]*Outcome{}}
	x.newSearcher().search(task{prefix: c.prefix, sleep: c.sleep})
	return ev, !x.stopped.Load()
}

// checkPartialStates checks, for up to limit states closed above a
// partial revisit (all when limit is 0; else evenly spaced, and only in a
// search of at most 5,000 states), that every
// event the search without cache finds below the state, with the state's
// sleep set, was reported below it by the cached search. It returns the
// partial revisits and the states checked.
func checkPartialStates(t *testing.T, name string, p *Program, maxSteps int64, limit int) (int64, int) {
	t.Helper()
	checks, red := statesAbovePartial(p, maxSteps)
	if !red.Complete || limit > 0 && red.States > 5_000 {
		return 0, 0
	}
	stride := 1
	if limit > 0 {
		stride = max(1, len(checks)/limit)
	}
	n := 0
	for j := len(checks) - 1; j >= 0; j -= stride {
		c := checks[j]
		ev, ok := uncachedEvents(p, c, maxSteps)
		if !ok {
			continue
		}
		n++
		var miss []string
		for e := range ev {
			if !c.events[e] {
				miss = append(miss, e)
			}
		}
		if len(miss) > 0 {
			t.Errorf("%s: the state at path %v (sleeping %v) is missing %d of the %d events below it that the search without cache finds, e.g.\n\t%s",
				name, c.prefix, sleeperTids(c.sleep), len(miss), len(ev), miss[0])
			return red.partialHits, n
		}
	}
	return red.partialHits, n
}

func sleeperTids(sl []sleeper) []int {
	var ts []int
	for _, s := range sl {
		ts = append(ts, s.tid)
	}
	return ts
}

var oracleAll = flag.Bool("oracle.all", false, "TestPartialRevisitStatesAreCovered: every state of more scripts, and generated scripts up to -gen.sound")

// A state revisited with fewer threads asleep than when it was explored is
// explored again only in the threads that woke (partialHit). Each state
// the cached search closes above such a revisit must have reported below
// it every event (eventText) the search without cache finds from it with
// the same sleep set: that is what a cache entry promises its later hits.
// Findings and final states cannot tell a partial revisit pruned whole
// (TestPartialRevisitsAreSound passes then: the woken thread's branch
// reaches them elsewhere), but the states above the pruned revisit lose
// events below them. The default checks two scripts (every state of one,
// 30 of the other); -oracle.all checks every state of eight scripts and
// generated ones:
//
//	go test ./interp -run PartialRevisitStates -oracle.all -gen.sound 300 -timeout 30m
func TestPartialRevisitStatesAreCovered(t *testing.T) {
	type script struct {
		file  string
		limit int
	}
	scripts := []script{
		{"../examples/page-table-walks/folio_walk_without_lock.mms", 0},
		// Under the script's symmetry. symmetric_faults_assert.mms was
		// this script until lockdep's footprint took only the graph's
		// part an acquisition reads: it then had no partial revisit.
		{"testdata/symmetric_pmd.mms", 30},
	}
	if *oracleAll {
		scripts = []script{
			{"../examples/mmap-and-munmap/mprotect_vs_vma_lock_fault.mms", 0},
			{"../examples/page-table-walks/apply_to_page_range_without_lock.mms", 0},
			{"../examples/page-table-walks/folio_walk_without_lock.mms", 0},
			{"../examples/zapping/unmap_mapping_pages_truncate.mms", 0},
			{"../examples/rmap-and-reclaim/anon_vma_trylock_failure_ignored.mms", 0},
			{"testdata/mmlocks_n2.mms", 0},
			{"testdata/symmetric_faults_assert.mms", 0},
			{"testdata/symmetric_pmd.mms", 0},
		}
	}
	var allPartial int64
	for _, sc := range scripts {
		p, err := Load(sc.file)
		if err != nil {
			t.Fatal(err)
		}
		partial, n := checkPartialStates(t, filepath.Base(sc.file), p, 0, sc.limit)
		allPartial += partial
		t.Logf("%s: %d partial revisits, %d states above them checked", filepath.Base(sc.file), partial, n)
		if (partial == 0 || n == 0) && !*oracleAll {
			t.Errorf("%s: %d partial revisits, %d states checked: the test does not cover them", sc.file, partial, n)
		}
	}
	if !*oracleAll {
		return
	}
	if allPartial == 0 {
		t.Errorf("no partial revisit in %d scripts: the test does not cover them", len(scripts))
	}
	// A subtest, so that a failure above is not blamed on a script.
	t.Run("generated", func(t *testing.T) {
		r := rand.New(rand.NewPCG(23, 5))
		scriptsWith, states := 0, 0
		for i := range *genSoundN {
			src := genScript(r)
			p, err := LoadSource(fmt.Sprintf("gen%d.mms", i), []byte(src))
			if err != nil {
				continue
			}
			partial, n := checkPartialStates(t, fmt.Sprintf("script %d", i), p, 100_000, 40)
			if t.Failed() {
				t.Fatalf("script %d:\n%s", i, src)
			}
			if n > 0 {
				scriptsWith++
				states += n
				t.Logf("script %d: %d partial revisits, %d states checked", i, partial, n)
			}
		}
		t.Logf("%d generated scripts with partial revisits, %d states checked", scriptsWith, states)
	})
}

// searchEvents searches p with o (one worker, no symmetry, no movers: a
// merged turn hides the thread's view between its steps) and returns the
// events of its runs.
func searchEvents(p *Program, o ExploreOptions) (map[string]bool, *ExploreResult) {
	ev := map[string]bool{}
	o.NoSymmetry, o.NoMovers, o.Workers = true, true, 1
	o.onTurn = func(s *searcher) { ev[turnEvent(s)] = true }
	return ev, Explore(p, o)
}

// checkEvents compares the events of the naive search of p with those of
// the reduced search without cache, with it, and with it over the whole
// tree. It reports whether the naive search completed.
func checkEvents(t *testing.T, name string, p *Program, naiveStates, maxSteps int64) bool {
	t.Helper()
	ref, nr := searchEvents(p, ExploreOptions{Naive: true, MaxStates: naiveStates, MaxSteps: maxSteps})
	if !nr.Complete {
		return false
	}
	for _, o := range []ExploreOptions{{NoCache: true}, {}, {splitTasks: 1}} {
		o.MaxSteps = maxSteps
		got, gr := searchEvents(p, o)
		var miss []string
		for e := range ref {
			if !got[e] {
				miss = append(miss, e)
			}
		}
		if !gr.Complete || len(miss) > 0 {
			sort.Strings(miss)
			t.Errorf("%s (no cache: %v, split %d): the reduced search (complete=%v) misses %d of the naive search's %d events:\n\t%s",
				name, o.NoCache, o.splitTasks, gr.Complete, len(miss), len(ref), strings.Join(miss, "\n\t"))
		}
	}
	return true
}

// The reduced search, with and without the cache, runs every event
// (eventText) the naive search runs: a footprint that makes two steps
// independent when their order decides what one of them reads loses the
// events of the order DPOR then skips, whether or not a finding or a
// final state shows it. transient_lock_events.mms fails when a write
// hold that spans steps is recorded as a transient one (an observation
// of the lock, fpTransientEnd), which Sound -gen.sound 300 does not see.
// Events are a projection: a combination of steps that no single step
// shows (close_handler_window.mms's seen = 1 with a report, when closing
// a VMA records only a read) is left to TestCloseHandlerWindowStates.
// -oracle.all compares generated scripts too (the -gen.sound stream of
// TestReductionIsSoundOnGeneratedScripts, naive searches within 20,000
// states):
//
//	go test ./interp -run EventsOfReduced -oracle.all -gen.sound 300 -timeout 30m
func TestEventsOfReducedSearches(t *testing.T) {
	for _, f := range []string{"testdata/transient_lock_events.mms", "testdata/close_handler_window.mms"} {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		if !checkEvents(t, filepath.Base(f), p, 100_000, 0) {
			t.Errorf("%s: too large for the naive search", f)
		}
	}
	if !*oracleAll {
		return
	}
	t.Run("generated", func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 3))
		compared := 0
		for i := range *genSoundN {
			src := genScript(r)
			if i < *genSoundFrom {
				continue
			}
			p, err := LoadSource(fmt.Sprintf("gen%d.mms", i), []byte(src))
			if err != nil {
				continue
			}
			if checkEvents(t, fmt.Sprintf("script %d", i), p, 20_000, 100_000) {
				compared++
			}
			if t.Failed() {
				t.Fatalf("script %d:\n%s", i, src)
			}
		}
		t.Logf("%d generated scripts compared", compared)
	})
}
