package interp

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	rt "github.com/mmscript/mmscript/runtime"
)

const abbaScript = `mm m
file f
thread a { mmap_write_lock(m); i_mmap_lock_write(f); i_mmap_unlock_write(f); mmap_write_unlock(m) }
thread b { i_mmap_lock_write(f); mmap_write_lock(m); mmap_write_unlock(m); i_mmap_unlock_write(f) }
`

func findingOf(res *ExploreResult, kind rt.DiagKind) *Finding {
	for i := range res.Findings {
		if res.Findings[i].Diag.Kind == kind {
			return &res.Findings[i]
		}
	}
	return nil
}

// The full search finds the ABBA deadlock, once, with a schedule that
// replays it; a search bounded to no preemption cannot reach it (lockdep
// still sees the inversion) and says it is bounded.
func TestExploreFindsDeadlock(t *testing.T) {
	p := load(t, abbaScript)
	res := Explore(p, ExploreOptions{})
	d := findingOf(res, rt.Deadlock)
	if !res.Complete || d == nil {
		t.Fatalf("complete=%v, no deadlock among %d findings", res.Complete, len(res.Findings))
	}
	n := 0
	for _, f := range res.Findings {
		if f.Diag.Kind == rt.Deadlock {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d deadlock findings, want one (one cycle)", n)
	}
	if d.Count < 1 || d.Count >= res.Executions {
		t.Errorf("deadlock in %d of %d executions", d.Count, res.Executions)
	}
	replay := Run(p, Options{Schedule: d.Schedule})
	if !replay.Deadlock || FindingKey(replay.Diagnostics[len(replay.Diagnostics)-1]) != d.Key {
		t.Errorf("replaying %v did not reproduce %q", d.Schedule, d.Diag.Msg)
	}
	none := Explore(p, ExploreOptions{Bounded: true, Preemptions: 0})
	if !none.Complete || !none.Bounded || findingOf(none, rt.Deadlock) != nil || findingOf(none, rt.Violation) == nil {
		t.Fatalf("bound 0: complete=%v findings=%d", none.Complete, len(none.Findings))
	}
}

// A planted deadlock among three threads is one finding, not one per
// interleaving that reaches it.
func TestFindingsOncePerCause(t *testing.T) {
	p, err := Load("testdata/three_way_deadlock.mms")
	if err != nil {
		t.Fatal(err)
	}
	res := Explore(p, ExploreOptions{})
	n := 0
	for _, f := range res.Findings {
		if f.Diag.Kind == rt.Deadlock {
			n++
		}
	}
	if !res.Complete || n != 1 {
		t.Fatalf("complete=%v, %d deadlock findings", res.Complete, n)
	}
}

// Threads that agree on the order have nothing to find, in every
// interleaving, and the search says it covered them all.
func TestExploreCleanScriptIsComplete(t *testing.T) {
	p := load(t, strings.ReplaceAll(abbaScript,
		"thread b { i_mmap_lock_write(f); mmap_write_lock(m); mmap_write_unlock(m); i_mmap_unlock_write(f) }",
		"thread b { mmap_write_lock(m); i_mmap_lock_write(f); i_mmap_unlock_write(f); mmap_write_unlock(m) }"))
	res := Explore(p, ExploreOptions{})
	if !res.Complete || len(res.Findings) != 0 {
		t.Fatalf("complete=%v findings=%v", res.Complete, res.Findings)
	}
	// Two threads whose critical sections exclude each other: the
	// reduction needs only the two orders of the sections (plus the
	// interleavings of the threads' ends).
	if res.Executions < 2 || res.Executions > 10 {
		t.Errorf("%d executions", res.Executions)
	}
}

// A budget too small to finish is reported as incomplete and names the
// budget, never ok.
func TestExploreBudget(t *testing.T) {
	res := Explore(load(t, abbaScript), ExploreOptions{MaxStates: 5, Workers: 1})
	if res.Complete || res.Stopped != "max-states" {
		t.Fatalf("complete=%v stopped=%q", res.Complete, res.Stopped)
	}
	if !strings.Contains(IncompleteText(res), "raise -max-states") {
		t.Errorf("%s", IncompleteText(res))
	}
	p := load(t, abbaScript+"expect deadlock sometimes\nexpect violation \"circular\" sometimes\n")
	if ms := CheckExploration(p, Explore(p, ExploreOptions{MaxStates: 5})); len(ms) == 0 {
		t.Error("an incomplete search passed")
	}
}

// A race the default schedule misses: round-robin lets the zap run before
// munmap, but another interleaving lets munmap free the VMA first. The
// schedule ends at the step that found it.
func TestExploreFindsUseAfterUnmap(t *testing.T) {
	p := load(t, `mm m
vma v = mmap(m, 0x10000, pages=1)
thread reader { zap_vma_range(v, 0x10000, pages=1) }
thread unmapper {
  msleep(1)
  munmap(m, 0x10000, pages=1)
}
`)
	if r := Run(p, Options{}); len(r.Diagnostics) != 1 || r.Diagnostics[0].Rule != "pgtable/zap-needs-stable-vma" {
		t.Fatalf("default run: %v", r.Diagnostics)
	}
	// Without the state cache: with it, a state first reached by a longer
	// prefix prunes the shorter one, and which comes first depends on the
	// workers' timing (the schedule then varies between runs).
	res := Explore(p, ExploreOptions{NoCache: true})
	var uaf *Finding
	for i, f := range res.Findings {
		if f.Diag.Rule == "vma/use-after-unmap" {
			uaf = &res.Findings[i]
		}
	}
	if !res.Complete || uaf == nil {
		t.Fatalf("complete=%v findings=%v", res.Complete, res.Findings)
	}
	// munmap (kernel/munmap.mms): mmap_write_lock_killable, find_vma,
	// vms_gather_munmap_vmas detaches the VMA at its fourth step.
	if got := FormatSchedule(uaf.Schedule); got != "unmapper*4 reader" {
		t.Errorf("schedule %q", got)
	}
	r := Run(p, Options{Schedule: uaf.Schedule})
	found := false
	for _, d := range r.Diagnostics {
		found = found || FindingKey(d) == uaf.Key
	}
	if !found {
		t.Errorf("replay of %q did not reproduce it", FormatSchedule(uaf.Schedule))
	}
}

// Verdicts are herd7's: always, sometimes or never over the executions.
func TestVerdicts(t *testing.T) {
	src := abbaScript + `expect deadlock sometimes
expect violation "circular" always
expect ok never
expect violation "recursive" never
`
	p := load(t, src)
	res := Explore(p, ExploreOptions{})
	want := []string{"Sometimes", "Always", "Never", "Never"}
	for i, v := range Verdicts(p, res) {
		if v.Verdict != want[i] || !v.Holds {
			t.Errorf("%s: %s (%d of %d), holds=%v; want %s", Describe(v.Expect), v.Verdict, v.Matched, v.Total, v.Holds, want[i])
		}
	}
	if ms := CheckExploration(p, res); len(ms) != 0 {
		t.Errorf("mismatches: %v", ms)
	}
	bad := load(t, abbaScript+"expect deadlock always\nexpect violation \"circular\" never\n")
	if ms := CheckExploration(bad, Explore(bad, ExploreOptions{})); len(ms) != 2 {
		t.Errorf("want two failing lines, got %v", ms)
	}
}

// Every example holds under the full search: its expectations say how
// often each finding occurs.
func TestExamplesHoldUnderExploration(t *testing.T) {
	files, err := filepath.Glob("../examples/*.mms")
	sub, _ := filepath.Glob("../examples/*/*.mms") // the examples grouped by question
	files = append(files, sub...)
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			for _, m := range CheckExploration(p, Explore(p, ExploreOptions{MaxStates: 2_000_000})) {
				t.Error(m)
			}
		})
	}
}

// summary prints what a search found, for comparing searches.
func summary(res *ExploreResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "complete=%v executions=%d\n", res.Complete, res.Executions)
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "%s | %d | %s\n", f.Key, f.Count, FormatSchedule(f.Schedule))
	}
	for _, o := range res.Outcomes {
		fmt.Fprintf(&b, "%q %d\n", o.Keys, o.Count)
	}
	return b.String()
}

var determinismScripts = []string{"../examples/driver_mutex_vs_mmap_lock.mms", "../examples/tlb_flush_missing.mms", "testdata/three_way_deadlock.mms", "../examples/binder_vma_identity.mms"}

// stable prints what a search with the state cache must report the same
// for any number of workers or shards: the findings by cause, the
// outcomes (without counts) and the verdicts. Which worker stores a state
// first decides the counts and the schedule shown, not these.
func stable(p *Program, res *ExploreResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "complete=%v\n", res.Complete)
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "%s\n", f.Key)
	}
	for _, o := range res.Outcomes {
		fmt.Fprintf(&b, "%q\n", o.Keys)
	}
	for _, v := range Verdicts(p, res) {
		fmt.Fprintf(&b, "%s %v\n", v.Verdict, v.Holds)
	}
	return b.String()
}

// Any number of workers reports the same findings, counts, schedules and
// outcomes without the state cache, and the same findings, outcomes and
// verdicts with it.
func TestSameResultForAnyWorkerCount(t *testing.T) {
	for _, f := range determinismScripts {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		want := summary(Explore(p, ExploreOptions{Workers: 1, NoCache: true}))
		wantCached := stable(p, Explore(p, ExploreOptions{Workers: 1}))
		for _, w := range []int{2, 8} {
			if got := summary(Explore(p, ExploreOptions{Workers: w, NoCache: true})); got != want {
				t.Errorf("%s: %d workers:\n%s\none worker:\n%s", f, w, got, want)
			}
			if got := stable(p, Explore(p, ExploreOptions{Workers: w})); got != wantCached {
				t.Errorf("%s: %d workers, state cache:\n%s\none worker:\n%s", f, w, got, wantCached)
			}
		}
	}
}

// Shards 1..3 of 3, written as JSON and merged, equal the single search
// (exactly without the state cache; in findings, outcomes and verdicts
// with it).
func TestShardsMergeToSingleRun(t *testing.T) {
	for _, f := range determinismScripts {
		p, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, noCache := range []bool{true, false} {
			single := Explore(p, ExploreOptions{NoCache: noCache})
			var parts []*ResultJSON
			for i := 1; i <= 3; i++ {
				var buf bytes.Buffer
				if err := WriteResultJSON(&buf, p, Explore(p, ExploreOptions{Shard: i, Shards: 3, NoCache: noCache})); err != nil {
					t.Fatal(err)
				}
				r, err := ReadResultJSON(&buf)
				if err != nil {
					t.Fatal(err)
				}
				parts = append(parts, r)
			}
			merged, err := Merge(p, rt.KernelConfig{}, parts)
			if err != nil {
				t.Fatal(err)
			}
			show := summary
			if !noCache {
				show = func(r *ExploreResult) string { return stable(p, r) }
			}
			if got, want := show(merged), show(single); got != want {
				t.Errorf("%s (no cache: %v): merged:\n%s\nsingle:\n%s", f, noCache, got, want)
			}
			if noCache && !reflect.DeepEqual(Verdicts(p, merged), Verdicts(p, single)) {
				t.Errorf("%s: verdicts differ", f)
			}
			if _, err := Merge(p, rt.KernelConfig{}, parts[:2]); err == nil {
				t.Errorf("merging 2 of 3 shards succeeded")
			}
		}
	}
}

// PCT finds the ABBA deadlock (depth 2) in a few runs, reproducibly.
func TestPCTFindsDeadlock(t *testing.T) {
	p := load(t, abbaScript)
	res := PCT(p, PCTOptions{Runs: 200, Depth: 2, Seed: 7})
	if res.Complete || findingOf(res, rt.Deadlock) == nil {
		t.Fatalf("complete=%v findings=%v", res.Complete, res.Findings)
	}
	if summary(res) != summary(PCT(p, PCTOptions{Runs: 200, Depth: 2, Seed: 7})) {
		t.Error("same seed, different result")
	}
}

// StopAtFirst ends at the first finding and says it is no verdict.
func TestExploreStopAtFirst(t *testing.T) {
	res := Explore(load(t, abbaScript), ExploreOptions{StopAtFirst: true})
	if res.Complete || res.Stopped != "first-finding" || len(res.Findings) == 0 || res.FirstFinding <= 0 {
		t.Fatalf("complete=%v stopped=%q findings=%d first=%v", res.Complete, res.Stopped, len(res.Findings), res.FirstFinding)
	}
	if !strings.Contains(IncompleteText(res), "first finding") {
		t.Errorf("%s", IncompleteText(res))
	}
}

// The step limit counts each thread's own statements and stops only that
// thread, so what it cuts short does not depend on the interleaving: in
// every execution a's loop runs into a's limit at the loop's body and b
// runs to its end (its failing assert), and the reduced searches find
// what the naive one finds. With one count shared by all threads the
// outcome depended on the order of steps no footprint relates, and DPOR
// missed outcomes the naive search reached.
func TestStepLimitUnderExploration(t *testing.T) {
	p := load(t, `x = 0
thread a { repeat 100000 { msleep() } }
thread b {
  x = x + 1
  msleep()
  x = x + 1
  msleep()
  assert x == 0, "b ran to its end"
}
`)
	const max = 12
	naive := Explore(p, ExploreOptions{Naive: true, MaxSteps: max, Workers: 1, MaxStates: 1_000_000})
	if !naive.Complete {
		t.Fatalf("naive search incomplete after %d states", naive.States)
	}
	if len(naive.Outcomes) != 1 {
		t.Fatalf("%d outcomes, want one (the same in every interleaving): %+v", len(naive.Outcomes), naive.Outcomes)
	}
	keys := naive.Outcomes[0].Keys
	var limit, assert bool
	for _, f := range naive.Findings {
		switch {
		case strings.HasPrefix(f.Diag.Msg, "step limit of 12 statements exceeded by thread a ") && f.Diag.Thread == "a" && f.Diag.Pos.String() == "test.mms:2:28":
			limit = true
		case strings.Contains(f.Diag.Msg, "b ran to its end"):
			assert = true
		default:
			t.Errorf("unexpected finding %s", f.Diag)
		}
	}
	if !limit || !assert || len(keys) != 2 {
		t.Errorf("want a's step limit and b's assert in every execution, got outcome %q", keys)
	}
	for _, o := range []ExploreOptions{{MaxSteps: max, Workers: 1}, {MaxSteps: max, Workers: 1, NoCache: true}, {MaxSteps: max, Workers: 1, splitTasks: 1}} {
		red := Explore(p, o)
		if !red.Complete || strings.Join(findingKeys(red), "\n") != strings.Join(findingKeys(naive), "\n") || len(red.Outcomes) != 1 {
			t.Errorf("reduced (no cache: %v, split %d): complete=%v findings\n\t%s\noutcomes %+v\nwant\n\t%s", o.NoCache, o.splitTasks, red.Complete,
				strings.Join(findingKeys(red), "\n\t"), red.Outcomes, strings.Join(findingKeys(naive), "\n\t"))
		}
		if red.Executions >= naive.Executions {
			t.Errorf("no reduction: %d executions, naive %d", red.Executions, naive.Executions)
		}
	}
}

// A thread waiting in a lock primitive, or granted the lock and not yet
// resumed, leaves a hashable state (its continuation is data in its call
// record), and the state differs from the one where it has not called the
// primitive yet and from the one where it holds the lock and went on.
func TestLockWaitIsHashable(t *testing.T) {
	p := load(t, `mm m
thread a { mmap_write_lock(m); mmap_write_unlock(m) }
thread b { mmap_read_lock(m); mmap_read_unlock(m) }
`)
	// a takes the lock, b waits for it, a drops it (b is granted the
	// lock), b resumes and unlocks (its resumption touches only b: one
	// turn with the unlock; a's exit and b's are part of their last
	// turns).
	sched := []int{0, 1, 0, 1}
	c := newStateCache(newVisitedSet(1 << 20))
	var m *Machine
	var fps []uint64
	Run(p, Options{onStart: func(x *Machine) { m = x }, pick: func(turn int, runnable []int) int {
		fp, ok := c.fingerprint(m)
		if !ok {
			t.Fatalf("turn %d: state unhashable", turn)
		}
		fps = append(fps, fp)
		if turn == 2 && !m.threads[1].Task.Blocked() {
			t.Fatalf("turn %d: b does not wait for the mmap lock", turn)
		}
		if turn >= len(sched) {
			return -1
		}
		return sched[turn]
	}})
	if len(fps) != len(sched) {
		t.Fatalf("%d states fingerprinted, want %d", len(fps), len(sched))
	}
	seen := map[uint64]int{}
	for i, fp := range fps {
		if j, dup := seen[fp]; dup {
			t.Errorf("states %d and %d have the same fingerprint", j, i)
		}
		seen[fp] = i
	}
}

// munmap waiting in vms_gather_munmap_vmas for a VMA reader is a hashable
// state too: the wait is data and the call runs again once granted.
func TestMunmapWaitIsHashable(t *testing.T) {
	p := load(t, `mm m
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)
thread reader {
  vma r = lock_vma_under_rcu(m, 0x100000)
  if r { vma_end_read(r) }
}
thread unmapper { munmap(m, 0x100000, pages=2) }
`)
	c := newStateCache(newVisitedSet(1 << 20))
	var m *Machine
	waited := false
	res := Run(p, Options{onStart: func(x *Machine) { m = x }, pick: func(turn int, runnable []int) int {
		if _, ok := c.fingerprint(m); !ok {
			t.Fatalf("turn %d: state unhashable: %s", turn, c.hasher.Why())
		}
		if m.threads[1].Task.Blocked() {
			waited = true
		}
		// The reader takes the VMA read lock, then munmap runs until it
		// waits, then the reader drops the lock.
		if turn == 0 || len(runnable) == 1 {
			return runnable[0]
		}
		return 1
	}})
	if !waited {
		t.Fatalf("munmap never waited for the reader (schedule %v)", res.Schedule())
	}
	if len(res.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %v", res.Diagnostics)
	}
}

// TestBuildTimeFindingIsNoOutcome: a discarded __must_check result is the
// compiler's warning, not something the run did: an expect line may name
// it, but it neither spoils expect ok nor is unexpected; a finding of the
// run beside it still is.
func TestBuildTimeFindingIsNoOutcome(t *testing.T) {
	const body = `mm m
mmap(m, 0x100000, pages=1, prot=rw)
thread t {
  mmap_read_lock_killable(m)
  vma v = find_vma(m, 0x100000)
  mmap_read_unlock(m)
}
`
	for _, test := range []struct {
		expect     string
		mismatches int
	}{
		{"expect ok\n", 0},
		{"expect violation \"mmap_read_lock_killable/result-unused\" at 4 always\n", 0},
		{"expect violation \"result-unused\" never\n", 1},
		{"expect ok\nthread u { mmap_read_unlock(m) }\n", 2}, // an unlock of a lock not held: expect ok fails, the finding is unexpected
	} {
		p := load(t, body+test.expect)
		res := Explore(p, ExploreOptions{})
		if !slices.ContainsFunc(res.Findings, func(f Finding) bool { return f.Diag.Kernel == rt.BuildTime }) {
			t.Fatalf("%q: no build-time finding: %v", test.expect, res.Findings)
		}
		if ms := CheckExploration(p, res); len(ms) != test.mismatches {
			t.Errorf("%q: %d mismatches, want %d: %v", test.expect, len(ms), test.mismatches, ms)
		}
		run := Run(p, Options{})
		if ms := CheckExpectations(p, run); len(ms) != test.mismatches {
			t.Errorf("%q, one run: %d mismatches, want %d: %v", test.expect, len(ms), test.mismatches, ms)
		}
	}
}
