package interp

import (
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchScripts are lock-heavy two-thread scripts: nearly every statement
// is a kernel operation, so the step rate measures the exec loop, the
// scheduler, Call reuse, Task.Acquire/Release and the lockdep checks.
var benchScripts = []struct {
	name string
	src  string
}{
	{"mmap_read", `
mm m
thread a { repeat %[1]d { mmap_read_lock(m); mmap_read_unlock(m) } }
thread b { repeat %[1]d { mmap_read_lock(m); mmap_read_unlock(m) } }
expect ok
`},
	{"i_mmap_ptl", `
mm m
file f
thread a { repeat %[1]d { i_mmap_lock_write(f); spin_lock(m.page_table_lock); spin_unlock(m.page_table_lock); i_mmap_unlock_write(f) } }
thread b { repeat %[1]d { i_mmap_lock_write(f); spin_lock(m.page_table_lock); spin_unlock(m.page_table_lock); i_mmap_unlock_write(f) } }
expect ok
`},
}

// BenchmarkStepRate reports script statements executed per second.
func BenchmarkStepRate(b *testing.B) {
	const iters = 100_000
	for _, bs := range benchScripts {
		b.Run(bs.name, func(b *testing.B) {
			prog, err := LoadSource(bs.name+".mms", fmt.Appendf(nil, bs.src, iters))
			if err != nil {
				b.Fatal(err)
			}
			var steps int64
			var elapsed time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				res := Run(prog, Options{MaxSteps: 1 << 40})
				elapsed += time.Since(start)
				if len(res.Diagnostics) != 0 {
					b.Fatalf("unexpected diagnostics: %v", res.Diagnostics)
				}
				steps += res.Steps
			}
			b.ReportMetric(float64(steps)/elapsed.Seconds(), "steps/s")
			b.ReportMetric(float64(steps)/float64(b.N), "steps/op")
		})
	}
}

// TestStepsDoNotAllocate checks that the hot path allocates nothing per
// step: a run 20 times longer makes only a few more allocations (the
// schedule log's chunks; Result.Schedule builds its list only when asked).
func TestStepsDoNotAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	for _, bs := range benchScripts {
		allocs := func(n int) float64 {
			prog, err := LoadSource(bs.name+".mms", fmt.Appendf(nil, bs.src, n))
			if err != nil {
				t.Fatal(err)
			}
			return testing.AllocsPerRun(3, func() {
				if res := Run(prog, Options{}); len(res.Diagnostics) != 0 {
					t.Fatalf("unexpected diagnostics: %v", res.Diagnostics)
				}
			})
		}
		short, long := allocs(1000), allocs(20000)
		if long-short > 20 {
			t.Errorf("%s: %v allocations for 1000 iterations, %v for 20000: the step loop allocates", bs.name, short, long)
		}
	}
}

// BenchmarkExplore reports the full search's rate on the perf benchmark's
// scenario with two fault threads, with the state cache and without:
// new states (steps beyond replayed prefixes), runs (each replayed from
// the start) and executions per op, and states per second of wall time,
// one worker.
func BenchmarkExplore(b *testing.B) {
	p, err := Load("testdata/mmlocks_n2.mms")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		noCache bool
	}{{"cache", false}, {"no-cache", true}} {
		b.Run(c.name, func(b *testing.B) {
			var states, runs, execs int64
			var elapsed time.Duration
			for b.Loop() {
				start := time.Now()
				res := Explore(p, ExploreOptions{Workers: 1, NoCache: c.noCache})
				elapsed += time.Since(start)
				if !res.Complete || len(res.Findings) != 0 {
					b.Fatalf("complete=%v findings=%d", res.Complete, len(res.Findings))
				}
				states += res.States
				runs += res.Runs
				execs += res.Executions
			}
			b.ReportMetric(float64(states)/elapsed.Seconds(), "states/s")
			b.ReportMetric(float64(states)/float64(b.N), "states/op")
			b.ReportMetric(float64(runs)/float64(b.N), "runs/op")
			b.ReportMetric(float64(execs)/float64(b.N), "executions/op")
		})
	}
}

// cpuTime is the process's CPU time (user and system, every thread): on a
// shared machine wall time says more about the neighbours than about the
// search.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var exploreScript = flag.String("explore.script", "testdata/perf/mmlocks_n3.mms", "BenchmarkExploreN3: the script it searches (/work/shared/perf/mmlocks_N5.mms for N=5)")

// exploreNoSnapshot runs the explore benchmarks with every run running
// the set-up code (ExploreOptions.noSnapshot), to measure the snapshot.
var exploreNoSnapshot = flag.Bool("explore.nosnapshot", false, "BenchmarkExploreN3, BenchmarkExplorePhases: run the set-up code in every run instead of restoring its snapshot")

// BenchmarkExploreN3 is the full verdict (no bound, DPOR and the state
// cache) on the perf benchmark's scenario with three fault threads
// (testdata/perf/mmlocks_n3.mms, /work/shared/perf/mmlocks_N3.mms), one
// worker: new states per second of CPU time, and per op the states, runs,
// states fingerprinted and stored, the runs started at a backtrack point
// only a cache hit asked for, and the CPU seconds. -explore.script names
// another script.
func BenchmarkExploreN3(b *testing.B) {
	p, err := Load(*exploreScript)
	if err != nil {
		b.Fatal(err)
	}
	var states, runs, hashed, cached, hitRuns int64
	var cpu time.Duration
	for b.Loop() {
		c0 := cpuTime()
		res := Explore(p, ExploreOptions{Workers: 1, noSnapshot: *exploreNoSnapshot})
		cpu += cpuTime() - c0
		if !res.Complete || len(res.Findings) != 0 {
			b.Fatalf("complete=%v findings=%d", res.Complete, len(res.Findings))
		}
		states += res.States
		runs += res.Runs
		hashed += res.Hashed
		cached += res.Cached
		hitRuns += res.hitRuns
	}
	n := float64(b.N)
	b.ReportMetric(float64(states)/cpu.Seconds(), "states/cpu-s")
	b.ReportMetric(float64(states)/n, "states/op")
	b.ReportMetric(float64(runs)/n, "runs/op")
	b.ReportMetric(float64(hashed)/n, "hashed/op")
	b.ReportMetric(float64(cached)/n, "stored/op")
	b.ReportMetric(float64(hitRuns)/n, "hit-runs/op")
	b.ReportMetric(cpu.Seconds()/n, "cpu-s/op")
}

// BenchmarkDistinctStates counts what SPIN's "states stored" counts: the
// distinct states the full verdict visits (up to the script's symmetry, as
// the search's own cache sees them), every state after every turn
// fingerprinted by a test hook. States in the other benchmarks counts
// steps executed, and a state reached again in a later run (not at a point
// the cache was asked) is counted again there; stored counts only the
// states the cache kept. The extra fingerprints make its CPU time no
// measure of the search: read BenchmarkExploreN3's. -explore.script names
// the script.
func BenchmarkDistinctStates(b *testing.B) {
	p, err := Load(*exploreScript)
	if err != nil {
		b.Fatal(err)
	}
	var distinct, unhashable, states int64
	for b.Loop() {
		c := newStateCache(newVisitedSet(1 << 20))
		if sym := detectSymmetry(p); sym != nil {
			c.useSymmetry(sym)
		}
		seen := map[uint64]bool{}
		o := ExploreOptions{Workers: 1}
		o.onTurn = func(s *searcher) {
			if h, ok := c.fingerprint(s.m); ok {
				seen[h] = true
			} else {
				unhashable++
			}
		}
		res := Explore(p, o)
		if !res.Complete || len(res.Findings) != 0 {
			b.Fatalf("complete=%v findings=%d", res.Complete, len(res.Findings))
		}
		distinct += int64(len(seen))
		states += res.States
	}
	n := float64(b.N)
	b.ReportMetric(float64(distinct)/n, "distinct/op")
	b.ReportMetric(float64(unhashable)/n, "unhashable-visits/op")
	b.ReportMetric(float64(states)/n, "states/op")
}

// bugVariants are the perf scenario with one bug planted each
// (testdata/perf/mmlocks_n5_bug_*.mms): what a search hunting a bug
// (StopAtFirst, -first) is measured on.
func bugVariants(tb testing.TB) map[string]*Program {
	files, err := filepath.Glob("testdata/perf/mmlocks_n5_bug_*.mms")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no bug variants: %v", err)
	}
	ps := map[string]*Program{}
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			tb.Fatal(err)
		}
		ps[strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "mmlocks_n5_bug_"), ".mms")] = p
	}
	return ps
}

// BenchmarkExploreBugs is the time a search stopping at its first finding
// takes to find each bug variant, one worker: wall and CPU milliseconds
// to the first finding, and the states and runs it took.
func BenchmarkExploreBugs(b *testing.B) {
	ps := bugVariants(b)
	names := slices.Sorted(maps.Keys(ps))
	for _, name := range names {
		b.Run(name, func(b *testing.B) {
			var states, runs int64
			var first, cpu time.Duration
			for b.Loop() {
				c0 := cpuTime()
				res := Explore(ps[name], ExploreOptions{Workers: 1, StopAtFirst: true})
				cpu += cpuTime() - c0
				if len(res.Findings) == 0 {
					b.Fatalf("%s: no finding", name)
				}
				first += res.FirstFinding
				states += res.States
				runs += res.Runs
			}
			n := float64(b.N)
			b.ReportMetric(first.Seconds()*1000/n, "ms-to-first")
			b.ReportMetric(cpu.Seconds()*1000/n, "cpu-ms/op")
			b.ReportMetric(float64(states)/n, "states/op")
			b.ReportMetric(float64(runs)/n, "runs/op")
		})
	}
}

// runStates runs p once with threads picked at random (seed) and calls
// visit at every turn with a choice, while the machine is paused there.
func runStates(p *Program, seed uint64, visit func(m *Machine, turn int)) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var m *Machine
	opts := Options{onStart: func(mm *Machine) { m = mm }}
	opts.pick = func(turn int, runnable []int) int {
		if len(runnable) >= 2 {
			visit(m, turn)
		}
		return runnable[r.IntN(len(runnable))]
	}
	Run(p, opts)
}

// BenchmarkFingerprint is the state cache's fingerprint alone, on the
// states of random runs of the perf benchmark's scenario with five fault
// threads (testdata/perf/mmlocks_n5.mms): CPU nanoseconds per fingerprint
// of the thread that hashes (each state is hashed 20 times in a row, so
// that reading the clock costs little; the runs themselves are not
// counted), and the share of unhashable states.
func BenchmarkFingerprint(b *testing.B) { benchmarkFingerprint(b, false) }

// BenchmarkFingerprintSymmetry is BenchmarkFingerprint with the
// symmetry of the five fault threads on, as the explorer hashes them
// (the renaming hasher, symState.hash).
func BenchmarkFingerprintSymmetry(b *testing.B) { benchmarkFingerprint(b, true) }

func benchmarkFingerprint(b *testing.B, symmetric bool) {
	p, err := Load("testdata/perf/mmlocks_n5.mms")
	if err != nil {
		b.Fatal(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const reps = 20
	c := newStateCache(newVisitedSet(1 << 20))
	if symmetric {
		sym := detectSymmetry(p)
		if sym == nil {
			b.Fatal("no symmetry found")
		}
		c.useSymmetry(sym)
	}
	var n, bad int64
	var cpu time.Duration
	seed := uint64(1)
	for b.Loop() {
		runStates(p, seed, func(m *Machine, turn int) {
			c0 := threadCPUTime()
			for range reps {
				if _, ok := c.fingerprint(m); !ok {
					bad++
				}
			}
			cpu += threadCPUTime() - c0
			n += reps
		})
		seed++
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/fingerprint")
	b.ReportMetric(float64(n/reps)/float64(b.N), "states/op")
	b.ReportMetric(float64(bad)/float64(n), "unhashable")
}

// threadCPUTime is the calling thread's CPU time (user and system).
func threadCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkExplorePhases splits a run's time (wall clock, one worker)
// into its phases: making the kernel and the machine and running the
// set-up code, replaying the prefix an earlier run took, and the new
// turns (with their fingerprints and cache look-ups); the search's own
// work between runs (race analysis, backtracking) is the rest. It is
// what a run restored from a snapshot instead of replayed could save.
// -explore.script names the script.
func BenchmarkExplorePhases(b *testing.B) {
	p, err := Load(*exploreScript)
	if err != nil {
		b.Fatal(err)
	}
	var total, setup, replay, fresh time.Duration
	var runs, turns, newTurns int64
	for b.Loop() {
		var last time.Time
		var cur runPhase
		o := ExploreOptions{Workers: 1, noSnapshot: *exploreNoSnapshot}
		o.onPhase = func(ph runPhase) {
			now := time.Now()
			if ph != phaseStart {
				switch cur {
				case phaseStart:
					setup += now.Sub(last)
				case phaseSetupDone:
					replay += now.Sub(last)
				case phaseReplayDone:
					fresh += now.Sub(last)
				}
			}
			if ph == phaseStart {
				runs++
			}
			cur, last = ph, now
		}
		o.onTurn = func(*searcher) { turns++ }
		o.onNewTurn = func(*searcher, int) { newTurns++ }
		start := time.Now()
		res := Explore(p, o)
		total += time.Since(start)
		if !res.Complete {
			b.Fatalf("incomplete: %s", res.Stopped)
		}
	}
	r := float64(runs)
	us := func(d time.Duration) float64 { return float64(d.Microseconds()) / r }
	b.ReportMetric(us(total), "µs/run")
	b.ReportMetric(us(setup), "setup-µs/run")
	b.ReportMetric(us(replay), "replay-µs/run")
	b.ReportMetric(us(fresh), "new-µs/run")
	b.ReportMetric(float64(turns-newTurns)/r, "replayed-turns/run")
	b.ReportMetric(float64(newTurns)/r, "new-turns/run")
	b.ReportMetric(r/float64(b.N), "runs/op")
}
