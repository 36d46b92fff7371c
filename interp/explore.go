package interp

import (
	"context"
	"fmt"
	"math/bits"
	"os"
	goruntime "runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	rt "github.com/mmscript/mmscript/runtime"
)

// Explore is a stateless model checker in the line of CHESS and Nidhugg:
// it runs the script's threads under every interleaving that matters, each
// run replayed from the start (runs are deterministic, so a schedule is a
// path of thread choices), and proves that the findings it reports are
// all the script can produce.
//
// The reduction is source-set DPOR with sleep sets (Abdulla, Aronis,
// Jonsson, Sagonas: "Optimal dynamic partial order reduction", POPL 2014,
// Algorithm 1): after each run, every race of the run (two dependent steps
// of different threads, not ordered through other steps) adds a thread to
// the backtrack set of the state before the first step, unless an initial
// of the reversed order is already there or asleep; sleep sets skip an
// order already covered by an earlier sibling. Dependence comes from the
// steps' footprints (runtime/footprint.go): locks, lockdep, VMA trees,
// page tables, pages, TLBs, the allocator, script globals, and the
// blocked/woken relation (a hand-over writes the woken task). Every
// Mazurkiewicz trace (every class of interleavings that differ only in
// the order of independent steps) is explored at least once, and findings
// are properties of the trace (a violation is decided by what its step
// reads, a deadlock by the final state), so the findings of the reduced
// search are those of the exhaustive one. TestReductionIsSound checks this
// against the naive search on every example and test script.
//
// States are cached (explore_cache.go), as in stateful DPOR (Yang, Chen,
// Gopalakrishnan, Kirby: "Efficient stateful dynamic partial order
// reduction", SPIN 2008): a state whose subtree was explored is pruned
// when it is reached again, with its subtree's summary standing for the
// races DPOR would have seen below it. The summary keeps, for each access,
// which threads it always happens after and which may happen before it,
// so that a revisit adds backtrack points only for the races the path and
// the summary leave possible, and only the threads that can start them
// (applyHit, hitRace). A run starts from a snapshot of the state after
// the set-up code (snapshot.go: taken in a worker's first run, written
// back into the same objects before each later one) instead of making a
// kernel and running the set-up again, and replays its prefix from
// there: states deeper in the tree are not restored (a thread inside an
// operation holds a Go continuation, which cannot be copied), so a
// pruned state still costs the replay of its prefix.
//
// Parallel and sharded search split the tree deterministically: the first
// levels are expanded fully (every enabled thread, with sleep sets), until
// there are at least splitTasks subtrees; each subtree is then searched
// with DPOR on its own, its backtracking confined below the split (the
// levels above branch fully, which is always a valid source set). Workers
// take subtrees in any order; shard i of N takes every N-th. Results are
// merged in subtree order, and each finding keeps its shortest schedule
// (then the least in byte order), so the report is the same for any number
// of workers or shards; with the state cache, which the workers share,
// the findings, outcomes and verdicts are, while the counts and the
// schedules shown may depend on which worker reached a state first.

// ExploreOptions bound an exploration.
type ExploreOptions struct {
	// MaxStates is the budget of states (steps executed beyond replayed
	// prefixes); 0: DefaultMaxStates.
	MaxStates int64
	// MaxRuns is the budget of runs (0: none).
	MaxRuns int64
	// Timeout stops the search after this long (0: none).
	Timeout time.Duration
	// MaxMemory stops the search when the Go heap exceeds it (0: none).
	MaxMemory uint64
	// Bounded turns on the preemption bound: at most Preemptions switches
	// away from a thread that could have gone on. A bounded search is
	// bounded partial-order reduction (explore_bounded.go): DPOR with the
	// conservative backtrack points that the bound's own dependences need,
	// without sleep sets or the state cache; with Naive, a naive
	// depth-first search of the bounded space (the reference). It covers
	// the bounded space only and says so.
	Bounded     bool
	Preemptions int
	// Naive turns the reduction off: every enabled thread at every state
	// (the reference for the soundness test), and the state cache.
	Naive bool
	// NoCache turns state caching off (DPOR and sleep sets only).
	NoCache bool
	// NoMovers turns off merging releases into the turn before them
	// (Options.NoMovers): the oracle of the soundness tests.
	NoMovers bool
	// allReleases is Options.allReleases.
	allReleases bool
	// NoSymmetry turns the symmetry reduction of the state cache off
	// (symmetry.go).
	NoSymmetry bool
	// MaxSteps is each thread's step limit in a run (0: DefaultMaxSteps).
	MaxSteps int64
	// Kernel is the kernel each run models (Options.Kernel).
	Kernel rt.KernelConfig
	// Workers is the number of parallel searchers (0: GOMAXPROCS).
	Workers int
	// Shard and Shards select every Shards-th subtree starting at Shard
	// (1-based); Shards 0 means the whole search.
	Shard, Shards int
	// StopAtFirst ends the search at the first execution with a finding,
	// as SPIN stops at its first error: for hunting a bug, not a verdict.
	StopAtFirst bool
	// Progress, when set, is called about once a second from another
	// goroutine with the counts so far.
	Progress func(Progress)
	// Context, when set, stops the search when it is done (Ctrl-C at
	// the REPL): the result is incomplete, Stopped "interrupted".
	Context context.Context

	// splitTasks overrides splitTasks (1: one subtree, no split).
	splitTasks int

	// onExecution, when set (tests), is called after each complete
	// execution (of a naive search too), with the path's steps on s.stack
	// (their footprints in acc), from the worker that ran it. s.m is the
	// run's finished machine (Machine.finish): its kernel and its
	// schedule (scheduleNames) are the run's until the worker's next run
	// starts; its threads went back to the pool (m.threads is nil).
	onExecution func(s *searcher)
	// onTurn, when set (tests), is called after each turn of a run, with
	// the run's machine in s.m.
	onTurn func(s *searcher)
	// onNewTurn, when set (tests), is called after onTurn for a turn the
	// run took first (not a replay of the prefix): the steps the search
	// counts as states, each once.
	onNewTurn func(s *searcher, turn int)
	// onHit, when set (tests), is called when the state reached at turn,
	// fingerprint fp, is found in the cache: pruned (s.stack still
	// holds it), or revisited in part (partialHit, after it).
	onHit func(s *searcher, turn int, fp uint64)
	// onComplete, when set (tests), is called when state i of s.stack
	// is closed, its subtree explored, before its summary is stored.
	onComplete func(s *searcher, i int)
	// noSnapshot turns off starting runs from a copy of the state after
	// set-up (snapshot.go): every run runs the set-up code (the oracle of
	// TestSnapshotIsTransparent).
	noSnapshot bool
	// onPhase, when set (benchmarks), is called as each run passes from
	// one phase to the next: kernel and machine creation and set-up
	// code, the replay of the prefix, the new turns (runPhase).
	onPhase func(p runPhase)

	// prefix, when set, fixes the first turns (thread indices): the
	// search covers the subtree below them (a session explored from its
	// current state).
	prefix []int
}

// DefaultMaxStates is the state budget when ExploreOptions.MaxStates is 0.
const DefaultMaxStates = 20_000_000

// Progress is a snapshot of a running search.
type Progress struct {
	States, Runs, Executions int64
	Depth                    int
	Elapsed                  time.Duration
	HeapBytes                uint64
}

// Finding is one distinct finding of the search: a cause (Key), the
// diagnostic of the shortest schedule that produced it, that schedule,
// and in how many explored executions it occurs.
type Finding struct {
	Key      string
	Diag     *rt.Diagnostic
	Schedule []string
	Count    int64
}

// Outcome is a set of findings some executions end with (herd7's
// "states"): the keys of the findings, sorted, and how many explored
// executions end so. An execution with no finding has no keys.
type Outcome struct {
	Keys  []string
	Count int64
}

// ExploreResult is what an exploration found.
type ExploreResult struct {
	// Executions are the complete runs explored: with the reduction, one
	// or more per class of equivalent interleavings, not every
	// interleaving; runs cut short by a sleep set are not counted.
	Executions int64
	Runs       int64 // every run, including the sleep-set-blocked ones
	States     int64 // steps executed beyond replayed prefixes
	Complete   bool  // every interleaving (within the bound) is covered
	// Stopped names the budget that ended an incomplete search:
	// "max-states", "max-runs", "timeout", "max-memory", "interrupted"
	// (Context), or "first-finding" (StopAtFirst); "too-many-threads" for a script
	// with more threads than a search handles. IncompleteText says it.
	Stopped string
	// FirstFinding is how long the search ran before its first finding
	// (0: none). With several workers it is the earliest.
	FirstFinding time.Duration
	Bounded      bool
	Bound        int
	Shard        int
	Shards       int
	// Hashed counts the states fingerprinted, CacheHits those found
	// explored before (their subtrees pruned), Cached the states stored;
	// CacheFull says the table reached its share of -max-memory and
	// later states were explored without caching.
	Hashed, CacheHits, Cached int64
	CacheFull                 bool
	// Symmetry describes the symmetry the state cache reduced by
	// ("fault1,fault3,fault5 x fault2,fault4 (12)"), "" for none.
	Symmetry string
	// hitRuns counts the runs that started at a backtrack point a cache
	// hit added (BenchmarkExploreN3 reports it: what hits cost).
	hitRuns int64
	// partialHits counts the revisits explored only in the threads that
	// were asleep before and are not now (partialHit).
	partialHits int64
	Findings    []Finding // sorted by position, then rule
	Outcomes    []Outcome // sorted by keys
	Elapsed     time.Duration
}

// splitTasks is how many subtrees the first levels are expanded into.
const splitTasks = 64

// maxSplitDepth bounds that expansion.
const maxSplitDepth = 10

// Explore searches p's interleavings (see the comment above).
func Explore(p *Program, o ExploreOptions) *ExploreResult {
	if o.Naive {
		// The reference search runs the set-up code in every run, so
		// that the soundness tests compare against runs that share
		// nothing with the snapshot (snapshot.go).
		o.noSnapshot = true
	}
	if o.MaxStates <= 0 {
		o.MaxStates = DefaultMaxStates
	}
	if o.Workers <= 0 {
		o.Workers = goruntime.GOMAXPROCS(0)
	}
	if o.Shards <= 0 {
		o.Shard, o.Shards = 1, 1
	}
	if len(p.threads) > 64 {
		// Thread sets are 64-bit masks.
		return &ExploreResult{Stopped: "too-many-threads", Shard: o.Shard, Shards: o.Shards}
	}
	x := &explorer{p: p, o: o, start: time.Now(), findings: map[string]*Finding{}, outcomes: map[string]*Outcome{}}
	if o.Timeout > 0 {
		x.deadline = x.start.Add(o.Timeout)
	}
	defer relaxGC(o.MaxMemory)()
	stopProgress := x.watch()
	x.checkMemory()
	if x.caching() {
		x.visited = newVisitedSet(x.cacheBytes())
		if !o.NoSymmetry {
			x.sym = detectSymmetry(p)
		}
	}
	tasks := []task{{prefix: o.prefix}}
	if !o.StopAtFirst {
		// A search that stops at its first finding gives no verdict to
		// keep equal across worker counts: it starts at once.
		tasks = x.split()
	}
	var mine []task
	for i, t := range tasks {
		if i%o.Shards == o.Shard-1 {
			mine = append(mine, t)
		}
	}
	results := make([]*taskResult, len(mine))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(o.Workers, max(len(mine), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := x.newSearcher()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(mine) || x.stopped.Load() {
					return
				}
				results[i] = s.search(mine[i])
			}
		}()
	}
	wg.Wait()
	stopProgress()
	for _, r := range results {
		if r != nil {
			x.merge(r)
		}
	}
	res := &ExploreResult{
		Executions: x.executions.Load(), Runs: x.runs.Load(), States: x.states.Load(),
		Bounded: o.Bounded, Bound: o.Preemptions, Shard: o.Shard, Shards: o.Shards,
		Elapsed: time.Since(x.start), FirstFinding: time.Duration(x.firstFinding.Load()),
		Hashed: x.hashed.Load(), CacheHits: x.hits.Load(), Symmetry: x.sym.String(), hitRuns: x.hitRuns.Load(),
		partialHits: x.partialHits.Load(),
	}
	if v := x.visited; v != nil {
		res.Cached, res.CacheFull = int64(v.n), v.full
	}
	if r, _ := x.reason.Load().(string); r != "" {
		res.Stopped = r
	} else {
		res.Complete = true
	}
	res.Findings, res.Outcomes = x.sorted()
	return res
}

// searchGCPercent is the garbage collector's target during a search: each
// run builds a fresh kernel and drops it at once, so the live heap is
// small and the default (100) collects several times a second, its
// preemptions and write barriers a quarter of the CPU on mmlocks_N3
// (GOGC=400: 6.8 -> 5.0 CPU s for 45 -> 100 MB).
const searchGCPercent = 400

var gcMu sync.Mutex
var gcSearches int   // searches running with the relaxed target
var gcSaved int = -1 // the target before the first of them

// relaxGC raises the garbage collector's target for a search and returns
// the function that restores it once no search needs it. It leaves the
// target alone when GOGC is set (the user's choice) or when a memory
// budget is (-max-memory reads the heap, garbage included).
func relaxGC(maxMemory uint64) func() {
	if maxMemory > 0 || os.Getenv("GOGC") != "" {
		return func() {}
	}
	gcMu.Lock()
	defer gcMu.Unlock()
	if gcSearches == 0 {
		gcSaved = debug.SetGCPercent(searchGCPercent)
	}
	gcSearches++
	return func() {
		gcMu.Lock()
		defer gcMu.Unlock()
		if gcSearches--; gcSearches == 0 {
			debug.SetGCPercent(gcSaved)
		}
	}
}

// explorer is one search: its budgets and the merged results.
type explorer struct {
	p        *Program
	o        ExploreOptions
	start    time.Time
	deadline time.Time

	states, runs, executions atomic.Int64
	hashed, hits             atomic.Int64
	hitRuns                  atomic.Int64 // runs started at a backtrack point only a cache hit asked for
	partialHits              atomic.Int64 // revisits explored in part (partialHit)
	firstFinding             atomic.Int64 // nanoseconds; 0: none yet
	depth                    atomic.Int64
	stopped                  atomic.Bool
	reason                   atomic.Value // string

	findings map[string]*Finding
	outcomes map[string]*Outcome
	visited  *visitedSet // nil: no state caching
	sym      *symmetry   // nil: no symmetry reduction
}

func (x *explorer) stop(reason string) {
	if x.stopped.CompareAndSwap(false, true) {
		x.reason.Store(reason)
	}
}

// watch starts the once-a-second watcher: progress, the timeout, and the
// memory budget. It returns the function that ends it.
func (x *explorer) watch() func() {
	if x.o.Progress == nil && x.o.MaxMemory == 0 && x.o.Timeout == 0 && x.o.Context == nil {
		return func() {}
	}
	var cancel <-chan struct{} // nil (never ready) without a Context
	if x.o.Context != nil {
		cancel = x.o.Context.Done()
		if x.o.Context.Err() != nil {
			x.stop("interrupted")
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		last := time.Now()
		for {
			select {
			case <-done:
				return
			case <-cancel:
				x.stop("interrupted")
				cancel = nil
			case now := <-tick.C:
				var ms goruntime.MemStats
				if x.o.MaxMemory > 0 || now.Sub(last) >= time.Second {
					goruntime.ReadMemStats(&ms)
				}
				if x.o.MaxMemory > 0 && ms.HeapAlloc > x.o.MaxMemory {
					x.stop("max-memory")
				}
				if !x.deadline.IsZero() && now.After(x.deadline) {
					x.stop("timeout")
				}
				if x.o.Progress != nil && now.Sub(last) >= time.Second {
					last = now
					x.o.Progress(Progress{States: x.states.Load(), Runs: x.runs.Load(), Executions: x.executions.Load(),
						Depth: int(x.depth.Load()), Elapsed: now.Sub(x.start), HeapBytes: ms.HeapAlloc})
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// A task is a subtree: a schedule prefix, the sleep set at its end, and
// the preemptions it used.
type task struct {
	prefix []int
	sleep  []sleeper
	leaf   bool // no thread can go on after the prefix
}

type sleeper struct {
	tid  int
	acc  []rt.Access
	mask rt.AccessSum // rt.SumAccesses(acc)
}

// dependent is rt.Dependent after the sums' quick test
// (rt.AccessSum.MayDepend).
func dependent(a []rt.Access, ma rt.AccessSum, b []rt.Access, mb rt.AccessSum) bool {
	return ma.MayDepend(mb) && rt.Dependent(a, b)
}

// node is a state of the current path and the step taken from it.
type node struct {
	enabled   uint64
	tid       int
	acc       []rt.Access  // the footprint of the step taken
	accMask   rt.AccessSum // rt.SumAccesses(acc)
	backtrack uint64       // threads to explore from here (includes done)
	hitAdded  uint64       // those a cache hit added, no race of a run (counted in hitRuns)
	done      uint64
	doneAcc   []sleeper // the steps explored from here, for the sleep sets
	sleep     []sleeper // asleep here
	sleepMask uint64
	preempt   int // preemptions on the path up to and including this step
	vc        []int32
	local     int32    // 1-based index of the step in its thread
	steps     int32    // the steps the turn merged (Machine.turnSteps)
	ndiag     int      // diagnostics reported once the step ran
	fp        uint64   // the state's fingerprint (state caching)
	hashed    bool     // fp is valid: the state is hashable
	sum       []sumAcc // what the explored subtree below touched, by thread
	perm      int32    // the symmetry's permutation of the state (0: none)
}

// searcher runs one worker's subtrees, reusing its buffers.
type searcher struct {
	x      *explorer
	fp     *rt.Footprint
	stack  []node
	nthr   int
	result *taskResult
	ndiag  []int
	slab   []rt.Access
	pool   runPool     // what finished runs leave for the next
	cache  *stateCache // nil: no state caching
	m      *Machine    // the current run's machine
	// run is the current run's part of runOnce's hooks, and hooks
	// those hooks, made once: closures made per run were a
	// twentieth of the bytes a run allocated.
	run    runArgs
	hooks  *Options
	res    Result   // the result of the run under way (Options.res)
	hitAt  int      // the turn of the run's cache hit, -1: none
	hitSum []sumAcc // the summary of the state hit
	hitBuf []sumAcc // find's buffer for summaries (hitSum may be in it)
	hitIx  sumIndex // applyHit's index of hitSum
	// snap is the state after set-up that runs start from, once the
	// first run took it; snapTried says that run tried.
	snap      *snapshot
	snapTried bool
	// partial holds the run's partial hits (partialHit), applied after
	// the run as the hit is.
	partial []partialHit
}

// partialHit is a state the run reached that was explored before with
// fewer threads asleep than now (at turn at), and the summary of that
// exploration.
type partialHit struct {
	at  int
	sum []sumAcc
}

// taskResult is what one subtree found.
type taskResult struct {
	findings map[string]*Finding
	outcomes map[string]*Outcome
}

func (x *explorer) newSearcher() *searcher {
	s := &searcher{x: x, fp: rt.NewFootprint(), nthr: len(x.p.threads), hitAt: -1}
	if x.visited != nil {
		s.cache = newStateCache(x.visited)
		if x.sym != nil {
			s.cache.useSymmetry(x.sym)
		}
	}
	return s
}

// caching reports whether the search caches states: not in the naive
// search (the reference) and not under a preemption bound (a state
// reached with fewer preemptions left has a smaller subtree).
func (x *explorer) caching() bool { return !x.o.Naive && !x.o.Bounded && !x.o.NoCache }

// cacheBytes is the state table's memory: half of -max-memory (the rest
// is the search's own), else 1 GiB.
func (x *explorer) cacheBytes() uint64 {
	if x.o.MaxMemory > 0 {
		return x.o.MaxMemory / 2
	}
	return 1 << 30
}

// runOnce runs the program along the current stack: turns below replay
// follow the stack, the turn at replay takes stack[replay].tid when the
// stack is that deep, later turns extend the stack with choose. It
// returns the run's result.
func (s *searcher) runOnce(replay int, choose func(turn int, enabled uint64) int, stopAt int) *Result {
	x := s.x
	if s.hooks == nil {
		s.hooks = s.runHooks()
	}
	onPhase := x.o.onPhase
	if onPhase != nil {
		onPhase(phaseStart)
		defer onPhase(phaseEnd)
	}
	s.run = runArgs{replay: replay, choose: choose, stopAt: stopAt, replaying: onPhase != nil}
	opts := *s.hooks
	opts.from = s.snap
	opts.res = &s.res
	return Run(x.p, opts)
}

// runArgs are what runOnce's hooks need of the run under way.
type runArgs struct {
	replay    int
	choose    func(turn int, enabled uint64) int
	stopAt    int
	replaying bool // the prefix is being replayed (onPhase's phases)
}

// runHooks makes the options of runOnce's runs, its hooks reading the
// run under way from s.run.
func (s *searcher) runHooks() *Options {
	x := s.x
	opts := &Options{MaxSteps: x.o.MaxSteps, Kernel: x.o.Kernel, fp: s.fp, pool: &s.pool, NoMovers: x.o.NoMovers, allReleases: x.o.allReleases}
	onPhase := x.o.onPhase
	opts.onStart = func(m *Machine) {
		s.m = m
		if !s.snapTried && !x.o.noSnapshot {
			s.snapTried = true
			s.snap, _ = takeSnapshot(m, newStateCloner())
		}
		if onPhase != nil {
			onPhase(phaseSetupDone)
		}
	}
	opts.pick = func(turn int, runnable []int) int {
		ra := &s.run
		if ra.replaying && turn >= ra.replay {
			ra.replaying = false
			onPhase(phaseReplayDone)
		}
		var en uint64
		for _, r := range runnable {
			en |= 1 << r
		}
		if turn < len(s.stack) && turn <= ra.replay {
			return s.stack[turn].tid
		}
		if ra.stopAt >= 0 && turn >= ra.stopAt || x.stopped.Load() {
			return -1
		}
		return ra.choose(turn, en)
	}
	// A replayed turn's footprint is on the stack from the run that took
	// it first (runs are deterministic): the turn runs the steps it
	// merged then without recording it again (Machine.turn), and keeping
	// it again filled the slab with copies, a footprint per turn per run.
	opts.known = func(turn int) int {
		if turn < s.run.replay && turn < len(s.stack) && s.stack[turn].acc != nil {
			return int(s.stack[turn].steps)
		}
		return 0
	}
	opts.after = func(turn, tid, ndiag int) {
		replay := s.run.replay
		n := &s.stack[turn]
		if turn >= replay || n.acc == nil {
			n.acc = s.keep(s.fp.Acc)
			n.accMask = rt.SumAccesses(n.acc)
			n.steps = int32(s.m.turnSteps)
		}
		n.ndiag = ndiag
		if x.o.onTurn != nil {
			x.o.onTurn(s)
		}
		if turn >= replay {
			if x.o.onNewTurn != nil {
				x.o.onNewTurn(s, turn)
			}
			if x.states.Add(1) >= x.o.MaxStates {
				x.stop("max-states")
			}
		}
	}
	return opts
}

// runPhase is a point in a run where its phases meet (onPhase).
type runPhase int

const (
	phaseStart      runPhase = iota // before the kernel is made
	phaseSetupDone                  // set-up code finished, before the first turn
	phaseReplayDone                 // the prefix is replayed, before the first new turn
	phaseEnd                        // the run is over
)

// keep copies a footprint into the searcher's slab: footprints are kept
// (sleep sets share them) and never changed, so they are carved from
// large blocks rather than allocated one by one.
func (s *searcher) keep(acc []rt.Access) []rt.Access {
	if len(acc) > cap(s.slab)-len(s.slab) {
		s.slab = make([]rt.Access, 0, max(4096, len(acc)))
	}
	n := len(s.slab)
	s.slab = append(s.slab, acc...)
	return s.slab[n:len(s.slab):len(s.slab)]
}

// newNode pushes the state reached at turn with enabled threads, its
// sleep set computed from the parent's step, and returns it.
func (s *searcher) newNode(turn int, en uint64, rootSleep []sleeper, rootTurn int) *node {
	var sl []sleeper
	if !s.x.o.Naive && !s.x.o.Bounded {
		if turn == rootTurn {
			sl = rootSleep
		} else if turn > rootTurn {
			par := &s.stack[turn-1]
			for _, c := range par.sleep {
				if c.tid != par.tid && !dependent(c.acc, c.mask, par.acc, par.accMask) {
					sl = append(sl, c)
				}
			}
			for _, c := range par.doneAcc {
				if c.tid != par.tid && !dependent(c.acc, c.mask, par.acc, par.accMask) {
					sl = append(sl, c)
				}
			}
		}
	}
	var mask uint64
	for _, c := range sl {
		mask |= 1 << c.tid
	}
	s.stack = append(s.stack, node{enabled: en, sleep: sl, sleepMask: mask, tid: -1})
	return &s.stack[turn]
}

// pickNew chooses the step from a new node: the awake thread that ran
// least recently on the path (leastRecent), or under a preemption bound
// the previous thread if it may go on (no preemption spent). Any choice
// is sound (the run's races decide what else is explored); with the
// state cache and sleep sets the order decides how many paths reach the
// same states. Letting the previous thread go on, as the search did
// before, was the costliest of those measured; the lowest awake thread
// first saved 9-17% of the states on mmlocks_N3 to N6 but 3% on N8; the
// least recent first (the threads take turns) (-workers 1, states
// executed, stored, runs, CPU s, before -> after): N3 8,184 -> 6,999,
// 5,828 -> 4,891; N5 73,888 -> 64,196, 47,493 -> 40,980, 20,098 ->
// 20,527, 1.14 -> 0.99; N6 213,860 -> 179,680, 127,950 -> 106,734; N8
// 1,470,083 -> 1,057,998, 743,304 -> 536,048, 540,452 -> 444,832 runs,
// 32.8 -> 22.4 CPU s.
//
// A hunt for the first finding (StopAtFirst) lets the previous thread go
// on too: runs with few context switches come first, as under a bound,
// and most bugs need few (the CHESS observation). Taking turns there
// reached two of the perf scenario's bug variants (the zap after the
// unlock, the zapper's assert) only after 423 and 492 runs (17 and 24
// ms; BenchmarkExploreBugs), against 3 and 11 (1.8 and 2.6 ms) this way.
func (s *searcher) pickNew(n *node, turn int) int {
	avail := n.enabled &^ n.sleepMask
	if avail == 0 {
		return -1
	}
	if turn > 0 && (s.x.o.Bounded || s.x.o.StopAtFirst) {
		if prev := s.stack[turn-1].tid; avail&(1<<prev) != 0 {
			return prev
		}
		return bits.TrailingZeros64(avail)
	}
	return s.leastRecent(avail, turn)
}

// leastRecent returns the thread of avail (not empty) whose last step
// before turn on the path is the earliest: one that has not run yet if
// there is one, the lowest of those.
func (s *searcher) leastRecent(avail uint64, turn int) int {
	left := avail
	for j := turn - 1; j >= 0 && left&(left-1) != 0; j-- {
		if t := s.stack[j].tid; t >= 0 {
			left &^= 1 << t
		}
	}
	return bits.TrailingZeros64(left)
}

// partialHit explores state n, reached at turn and explored before with
// the threads of wake asleep, which are awake now. That exploration covered
// every execution from n that does not start, up to the order of
// independent steps, with a step of a thread asleep then; what is left are
// those that start with a step of a thread of wake. So only wake's threads
// are explored from n (each, whatever the races say: a race's initial
// outside wake was covered then), every other enabled thread counts as
// done, and each child's sleep set holds the wake threads explored before
// it, as usual. This is the rule of sleep sets with state caching
// (Godefroid, "Partial-order methods for the verification of concurrent
// systems", LNCS 1032): a state revisited with a smaller sleep set
// explores only the steps that were asleep and are not. The earlier
// exploration's races with the path are added after the run
// (applyHitAt), and its summary starts n's, so that what n stores and
// gives its parent covers both explorations. Without it, such a state
// was explored again whole (mmlocks_N5: 10,580 such revisits, 13% of the
// states below them).
func (s *searcher) partialHit(n *node, turn int, wake uint64, sum []sumAcc) int {
	s.x.partialHits.Add(1)
	s.partial = append(s.partial, partialHit{at: turn, sum: append([]sumAcc(nil), sum...)})
	n.sum = append([]sumAcc(nil), sum...)
	tid := s.leastRecent(wake, turn) // as pickNew
	n.tid = tid
	n.done = n.enabled&^wake | 1<<tid
	n.backtrack = wake
	n.preempt = s.preemptions(turn, tid, n.enabled)
	return tid
}

func (s *searcher) preemptions(turn, tid int, en uint64) int {
	if turn == 0 {
		return 0
	}
	par := &s.stack[turn-1]
	n := par.preempt
	if tid != par.tid && en&(1<<par.tid) != 0 {
		n++
	}
	return n
}

// search explores one subtree.
func (s *searcher) search(t task) *taskResult {
	x := s.x
	s.result = newTaskResult()
	s.stack = s.stack[:0]
	s.hitAt = -1
	s.partial = s.partial[:0]
	root := len(t.prefix)
	choose := func(turn int, en uint64) int {
		if turn < root {
			tid := t.prefix[turn]
			n := s.newNode(turn, en, nil, root)
			n.tid, n.done, n.backtrack = tid, ^uint64(0), ^uint64(0) // frozen
			n.preempt = s.preemptions(turn, tid, en)
			return tid
		}
		n := s.newNode(turn, en, t.sleep, root)
		// Every state with a thread awake is looked up, those with one
		// thread awake too: pruning one of them saves the steps up to the
		// next state with a choice, and once kernel paths made threads
		// dozens of steps long, with the others blocked on the mmap lock
		// behind them, those stretches were most of a search (four threads
		// of faults, mprotect and munmap: 1,432,914 states and 11.5 CPU s
		// when only states with two threads awake were looked up, 440,342
		// and 8.0 s now; mmlocks_N6 240,330 -> 181,704 states, 3.3 -> 3.1
		// CPU s). A state left out is explored as an unhashable state is,
		// which is sound either way.
		if s.cache != nil && en&^n.sleepMask != 0 {
			n.fp, n.hashed = s.cache.fingerprint(s.m)
			if n.hashed {
				x.hashed.Add(1)
				n.perm = s.cache.perm
				e, sum, ok := s.cache.find(n.fp, s.hitBuf)
				if ok {
					s.hitBuf = sum[:0]
				}
				if ok && s.cache.fromCanon(&e, &sum, n.perm) {
					if e.sleep&^n.sleepMask == 0 {
						// Explored before with no more threads awake: prune,
						// after the run its summary stands for the subtree.
						x.hits.Add(1)
						if x.o.onHit != nil {
							x.o.onHit(s, turn, n.fp)
						}
						s.hitAt, s.hitSum = turn, sum
						s.stack = s.stack[:turn]
						return -1
					}
					if wake := e.sleep &^ n.sleepMask & en; wake != 0 {
						tid := s.partialHit(n, turn, wake, sum)
						if x.o.onHit != nil {
							x.o.onHit(s, turn, n.fp)
						}
						return tid
					}
				}
			}
		}
		tid := s.pickNew(n, turn)
		if tid < 0 {
			s.stack = s.stack[:turn]
			return -1
		}
		n.tid = tid
		n.done = 1 << tid
		n.preempt = s.preemptions(turn, tid, en)
		if x.o.Naive {
			n.backtrack = en
		} else {
			n.backtrack = 1 << tid
		}
		return tid
	}
	replay := -1
	for {
		from := max(replay, 0)
		r := s.runOnce(replay, choose, -1)
		x.runs.Add(1)
		if x.o.MaxRuns > 0 && x.runs.Load() >= x.o.MaxRuns {
			x.stop("max-runs")
		}
		if !x.deadline.IsZero() && time.Now().After(x.deadline) {
			x.stop("timeout") // the watcher checks too, but only 5 times a second
		}
		if d := int64(len(s.stack)); d > x.depth.Load() {
			x.depth.Store(d)
		}
		s.record(r)
		if !x.o.Naive {
			s.analyze(max(from, root), root)
		}
		if x.o.onExecution != nil && !r.aborted && !x.stopped.Load() {
			x.o.onExecution(s)
		}
		if x.stopped.Load() {
			// A budget or Ctrl-C: analyze may have given up half way,
			// and nothing of the analysis is needed any more.
			return s.result
		}
		for _, ph := range s.partial {
			s.applyHitAt(root, ph.at, ph.sum, false)
		}
		s.partial = s.partial[:0]
		if s.hitAt >= 0 {
			s.applyHit(root)
		}
		// Backtrack to the deepest state with a thread left to explore.
		k, q := -1, -1
		for i := len(s.stack) - 1; i >= root && k < 0; i-- {
			n := &s.stack[i]
			for cand := n.backtrack &^ n.done; cand != 0; cand &= cand - 1 {
				c := bits.TrailingZeros64(cand)
				n.done |= 1 << c
				if n.sleepMask&(1<<c) != 0 || n.enabled&(1<<c) == 0 {
					continue
				}
				if x.o.Bounded && s.preemptions(i, c, n.enabled) > x.o.Preemptions {
					continue
				}
				k, q = i, c
				if n.hitAdded&(1<<c) != 0 {
					x.hitRuns.Add(1)
				}
				break
			}
			if k < 0 {
				s.complete(i, root)
			}
		}
		if k < 0 {
			return s.result
		}
		n := &s.stack[k]
		n.sum = addAccs(n.sum, n.acc, n.tid)
		n.doneAcc = append(n.doneAcc, sleeper{n.tid, n.acc, n.accMask})
		n.acc = nil
		n.tid = q
		n.preempt = s.preemptions(k, q, n.enabled)
		s.stack = s.stack[:k+1]
		replay = k
	}
}

// complete closes state i, whose subtree is explored: its summary goes to
// its parent, and into the cache when it is hashable.
func (s *searcher) complete(i, root int) {
	if s.x.o.onComplete != nil {
		s.x.o.onComplete(s, i)
	}
	n := &s.stack[i]
	n.sum = addAccs(n.sum, n.acc, n.tid)
	if s.cache != nil && n.hashed {
		sleep, sum := s.cache.toCanon(n.sleepMask, n.sum, n.perm)
		s.cache.store(n.fp, sleep, sum)
	}
	if i > root {
		p := &s.stack[i-1]
		p.sum = foldOwn(p.sum, n.sum, p.tid, p.acc)
	}
	n.sum = nil
}

// addAccs adds a step's own accesses to a summary: nothing in the
// subtree comes before them.
func addAccs(dst []sumAcc, acc []rt.Access, tid int) []sumAcc {
	if tid < 0 || len(acc) == 0 {
		return dst
	}
	var buf [16]sumAcc
	own := buf[:0]
	for _, a := range acc {
		own = append(own, sumAcc{key: sumKey(a, tid)})
	}
	for i := 1; i < len(own); i++ { // a step makes few accesses
		for j := i; j > 0 && sumLess(&own[j], &own[j-1]); j-- {
			own[j], own[j-1] = own[j-1], own[j]
		}
	}
	k := 0
	for i := range own {
		if k == 0 || own[i] != own[k-1] {
			own[k] = own[i]
			k++
		}
	}
	return union(dst, own[:k])
}

// applyHit stands in for the subtree of the state the run reached at turn
// hitAt, explored before: a race of an earlier step e with an access x in
// that subtree would have added a backtrack point (see explore_cache.go).
// It is no race when e happens before x in every execution, which the
// summary lets us see in three ways: x happens after a step of a thread
// whose last step on the path happens after e (the thread that made x,
// or one of x's after set: its steps in the subtree come after that
// path step), x happens after a step of e's own thread, or a path step
// after e that happens after it conflicts with x. Each race left adds a
// backtrack point at e's state (hitRace).
func (s *searcher) applyHit(root int) {
	h := s.hitAt
	s.hitAt = -1
	s.applyHitAt(root, h, s.hitSum, true)
}

// applyHitAt is applyHit for the state at turn h with summary sum; into
// says whether sum joins the summary of the state before h (a partial
// hit's state keeps it in its own, which reaches its parent when the
// state is complete).
func (s *searcher) applyHitAt(root, h int, sum []sumAcc, into bool) {
	st := s.stack
	if h > len(st) {
		return // the run stopped earlier (a budget): no search goes on
	}
	var last [64]int
	for t := range s.nthr {
		last[t] = -1
	}
	for j := 0; j < h; j++ {
		last[st[j].tid] = j
	}
	for i := root; i < h; i++ {
		e := &st[i]
		if e.enabled&^(e.backtrack|e.sleepMask) == 0 {
			// A race could add only threads asleep here, which are
			// never run from this state.
			continue
		}
		// ord: the threads whose steps in the subtree all happen after
		// e (e's own, and those whose last path step does).
		ord := uint64(1) << e.tid
		for t := range s.nthr {
			if j := last[t]; j > i && st[j].vc[e.tid] >= e.local {
				ord |= 1 << t
			}
		}
		var cand uint64 // threads that may start a race's v, for hitRace
		racy := false
		if s.hitIx.sum == nil {
			s.hitIx.build(sum)
		}
		s.hitIx.forConflicts(e.acc, func(x *sumAcc) {
			if x.bit()&ord != 0 || x.after&ord != 0 || s.orderedOnPath(i, h, x.acc()) {
				return
			}
			racy = true
			cand |= (x.bit() | x.preds) &^ ord
		})
		if racy {
			b := e.backtrack
			s.hitRace(i, h, cand)
			e.hitAdded |= e.backtrack &^ b
		}
	}
	s.hitIx.sum = nil
	if into && h > root && h-1 < len(st) {
		p := &st[h-1]
		p.sum = fold(p.sum, sum, p.tid, p.acc)
	}
}

// orderedOnPath reports whether a step of the path between state i and
// the hit at h happens after step i and conflicts with a: it comes
// before every access a of the subtree, so step i does too.
func (s *searcher) orderedOnPath(i, h int, a rt.Access) bool {
	st := s.stack
	e := &st[i]
	for j := i + 1; j < h; j++ {
		if st[j].vc[e.tid] >= e.local && conflictsAny(st[j].acc, a) {
			return true
		}
	}
	return false
}

// hitRace adds a backtrack point at state i for a race of its step e with
// an access x in the pruned subtree below turn h, as race does for a race
// it can see: an initial of v (the steps after e that do not happen after
// it, up to x, then x) goes into the backtrack set unless one is already
// there or asleep. When a step of the path between i and h does not
// happen after e, the first such is an initial: no step of the subtree
// comes before it in v. Otherwise v lies in the subtree, and its initial
// is a step y of v that nothing in v happens before; y happens before x
// or is x, so its thread made x or is in x's preds, and it is not ordered
// after e; cand holds those threads for every racing x. Which of them is
// the initial is not known, so each one enabled and awake at i is added
// (one asleep covers the race if it is the initial). That is a subset of
// what the search added before (every awake enabled thread not ordered
// after e) and still holds an initial.
func (s *searcher) hitRace(i, h int, cand uint64) {
	st := s.stack
	e := &st[i]
	var v []int
	for j := i + 1; j < h; j++ {
		if st[j].vc[e.tid] < e.local {
			v = append(v, j)
		}
	}
	if len(v) > 0 {
		if s.initials(v)&(e.backtrack|e.sleepMask) != 0 {
			return
		}
		r := uint64(1) << st[v[0]].tid
		if r&e.enabled == 0 {
			e.backtrack |= e.enabled // cannot happen with sound footprints; stay safe
			return
		}
		e.backtrack |= r
		return
	}
	r := cand & e.enabled
	if r == 0 {
		e.backtrack |= e.enabled // cannot happen with sound footprints; stay safe
		return
	}
	e.backtrack |= r &^ e.sleepMask
}

// record adds a run's findings and outcome to the subtree's result. A run
// the sleep set cut short is not an execution.
func (s *searcher) record(r *Result) {
	if r.aborted {
		return
	}
	s.x.executions.Add(1)
	nd := s.ndiag[:0]
	for i := range s.stack {
		nd = append(nd, s.stack[i].ndiag)
	}
	s.ndiag = nd
	s.result.add(r, nd)
	if len(r.Diagnostics) > 0 {
		s.x.firstFinding.CompareAndSwap(0, int64(max(time.Since(s.x.start), 1)))
		if s.x.o.StopAtFirst {
			s.x.stop("first-finding")
		}
	}
}

// add records a complete execution: nd[i] is the number of diagnostics
// reported once turn i had run.
func (tr *taskResult) add(r *Result, nd []int) {
	var sched []string
	if len(r.Diagnostics) > 0 {
		sched = r.Schedule()
	}
	var keys []string
	for di, d := range r.Diagnostics {
		key := FindingKey(d)
		keys = append(keys, key)
		// The schedule up to the turn that reported it (a deadlock: all).
		end := len(sched)
		if d.Kind != rt.Deadlock {
			for i := range nd {
				if i < len(sched) && nd[i] > di {
					end = i + 1
					break
				}
			}
		}
		f := tr.findings[key]
		if f == nil {
			f = &Finding{Key: key}
			tr.findings[key] = f
		}
		if f.Diag == nil || shorter(sched[:end], f.Schedule) {
			f.Diag, f.Schedule = d, append([]string(nil), sched[:end]...)
		}
	}
	sort.Strings(keys)
	keys = dedupe(keys)
	for _, k := range keys {
		tr.findings[k].Count++
	}
	ok := strings.Join(keys, "\x00")
	o := tr.outcomes[ok]
	if o == nil {
		o = &Outcome{Keys: keys}
		tr.outcomes[ok] = o
	}
	o.Count++
}

func newTaskResult() *taskResult {
	return &taskResult{findings: map[string]*Finding{}, outcomes: map[string]*Outcome{}}
}

func dedupe(xs []string) []string {
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// shorter orders schedules: fewer turns first, then byte order of the
// compact form, so that the kept schedule does not depend on the order
// in which workers found them.
func shorter(a, b []string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return FormatSchedule(a) < FormatSchedule(b)
}

// FindingKey names a finding by its cause, not by the interleaving that
// reached it: a deadlock by where each thread blocks and where the locks
// it waits for were taken (its cycle); anything else by its kind, rule,
// position, related positions and message, with the reporting thread's
// name masked (one function run by several threads is one cause).
func FindingKey(d *rt.Diagnostic) string {
	var rel []string
	for _, r := range d.Related {
		rel = append(rel, r.Pos.String())
	}
	sort.Strings(rel)
	rel = dedupe(rel)
	if d.Kind == rt.Deadlock {
		return "deadlock " + strings.Join(rel, " ")
	}
	k := fmt.Sprintf("%s %s %s", d.Kind, d.Rule, d.Pos)
	if len(rel) > 0 {
		k += " [" + strings.Join(rel, " ") + "]"
	}
	msg := d.Msg
	if d.Thread != "" {
		msg = strings.ReplaceAll(msg, d.Thread, "<thread>")
	}
	return k + " " + msg
}

// analyze finds the races of the current path whose later step is at or
// after from and adds backtrack points for them (source-DPOR), at states
// at or after root (the levels above are expanded fully). Its cost grows
// with the square of the run's length, so it gives up as soon as the
// search is stopped (a run of a long loop cut short by Ctrl-C or
// -timeout has many thousands of steps), leaving the path half analysed:
// the search then ends without using it.
func (s *searcher) analyze(from, root int) {
	st := s.stack
	nt := s.nthr
	stopped := &s.x.stopped
	// Vector clocks: vc[t] of a step counts the steps of thread t that
	// happen before or at it.
	for j := from; j < len(st); j++ {
		if stopped.Load() {
			return
		}
		e := &st[j]
		if e.acc == nil {
			// The run stopped in this step's state (a budget): no step.
			s.stack = st[:j]
			st = s.stack
			break
		}
		if cap(e.vc) < nt {
			e.vc = make([]int32, nt)
		}
		e.vc = e.vc[:nt]
		clear(e.vc)
		e.local = 1
		for i := j - 1; i >= 0; i-- {
			if st[i].tid == e.tid {
				copy(e.vc, st[i].vc)
				e.local = st[i].local + 1
				break
			}
		}
		// Latest first: a step the clock already covers happens before
		// one merged, so its clock adds nothing and it needs no test.
		for i := j - 1; i >= 0; i-- {
			f := &st[i]
			if f.tid != e.tid && e.vc[f.tid] < f.local && dependent(f.acc, f.accMask, e.acc, e.accMask) {
				for t, c := range f.vc {
					e.vc[t] = max(e.vc[t], c)
				}
			}
		}
		e.vc[e.tid] = e.local
	}
	c := make([]int32, nt)
	for j := from; j < len(st); j++ {
		if stopped.Load() {
			return
		}
		e := &st[j]
		clear(c)
		for i := j - 1; i >= 0; i-- {
			if st[i].tid == e.tid {
				copy(c, st[i].vc)
				break
			}
		}
		for i := j - 1; i >= root; i-- {
			f := &st[i]
			// A step c covers happens before a later dependent one: it is
			// no race of j, and its clock is in c already.
			if f.tid == e.tid || c[f.tid] >= f.local || !dependent(f.acc, f.accMask, e.acc, e.accMask) {
				continue
			}
			s.race(i, j)
			for t, v := range f.vc {
				c[t] = max(c[t], v)
			}
		}
	}
}

// race adds a backtrack point at state i for the race of steps i and j:
// an initial of v (the steps after i that do not depend on it, then j)
// unless one is already in the backtrack set or asleep there.
func (s *searcher) race(i, j int) {
	if s.x.o.Bounded {
		s.boundedRace(i, j)
		return
	}
	st := s.stack
	ei := &st[i]
	var v []int
	for k := i + 1; k < j; k++ {
		if st[k].vc[ei.tid] < ei.local {
			v = append(v, k)
		}
	}
	v = append(v, j)
	initials := s.initials(v)
	if initials&(ei.backtrack|ei.sleepMask) != 0 {
		return
	}
	q := st[j].tid
	if initials&(1<<q) == 0 {
		q = bits.TrailingZeros64(initials)
	}
	if ei.enabled&(1<<q) == 0 {
		ei.backtrack |= ei.enabled // cannot happen with sound footprints; stay safe
		return
	}
	ei.backtrack |= 1 << q
}

// initials returns the threads whose first step in v (path indices,
// in order) happens after no other step of v: the initials of v.
func (s *searcher) initials(v []int) uint64 {
	st := s.stack
	var initials, seen uint64
	for a, k := range v {
		t := st[k].tid
		if seen&(1<<t) != 0 {
			continue
		}
		seen |= 1 << t
		first := true
		for _, b := range v[:a] {
			if st[k].vc[st[b].tid] >= st[b].local {
				first = false
				break
			}
		}
		if first {
			initials |= 1 << t
		}
	}
	return initials
}

// split expands the first levels fully into at least splitTasks subtrees
// (fewer when the tree is smaller), in a fixed order.
func (x *explorer) split() []task {
	s := x.newSearcher()
	level := []task{{prefix: x.o.prefix}}
	want := splitTasks
	if x.o.splitTasks > 0 {
		want = x.o.splitTasks
	}
	if want == 1 {
		return level
	}
	for depth := 0; depth < maxSplitDepth && len(level) < want; depth++ {
		var next []task
		grew := false
		for _, t := range level {
			if t.leaf {
				next = append(next, t)
				continue
			}
			if !x.deadline.IsZero() && time.Now().After(x.deadline) {
				x.stop("timeout")
			}
			if x.stopped.Load() {
				next = append(next, t)
				continue
			}
			kids, terminal := s.expand(t)
			if terminal {
				t.leaf = true
				next = append(next, t)
				continue
			}
			grew = true
			next = append(next, kids...)
		}
		level = next
		if !grew || x.stopped.Load() {
			break
		}
	}
	return level
}

// expand runs t's prefix and each enabled thread's next step, and returns
// the children (with their sleep sets), or terminal when no thread can go
// on after the prefix.
func (s *searcher) expand(t task) (kids []task, terminal bool) {
	x := s.x
	depth := len(t.prefix)
	var en uint64
	var accs []sleeper
	probe := func(q int) ([]rt.Access, bool) {
		s.stack = s.stack[:0]
		got := false
		var acc []rt.Access
		opts := Options{MaxSteps: x.o.MaxSteps, Kernel: x.o.Kernel, fp: s.fp, NoMovers: x.o.NoMovers, allReleases: x.o.allReleases}
		opts.pick = func(turn int, runnable []int) int {
			if turn < depth {
				return t.prefix[turn]
			}
			if turn > depth {
				return -1
			}
			en = 0
			for _, r := range runnable {
				en |= 1 << r
			}
			if q < 0 {
				return -1
			}
			got = true
			return q
		}
		opts.after = func(turn, tid, _ int) {
			if turn == depth {
				acc = append([]rt.Access(nil), s.fp.Acc...)
			}
		}
		Run(x.p, opts)
		// A probe is a run like any other: -max-runs counts it, so
		// that the split of a large script does not overrun the budget.
		if n := x.runs.Add(1); x.o.MaxRuns > 0 && n >= x.o.MaxRuns {
			x.stop("max-runs")
		}
		return acc, got
	}
	en = 0
	if probe(-1); en == 0 {
		return nil, true
	}
	all := en
	var sleepMask uint64
	for _, c := range t.sleep {
		sleepMask |= 1 << c.tid
	}
	var prev int = -1
	if depth > 0 {
		prev = t.prefix[depth-1]
	}
	for cand := all; cand != 0; cand &= cand - 1 {
		if x.stopped.Load() {
			break // a budget ran out: the search stops, incomplete
		}
		q := bits.TrailingZeros64(cand)
		if sleepMask&(1<<q) != 0 && !x.o.Naive && !x.o.Bounded {
			continue
		}
		if x.o.Bounded {
			pre := preemptionsOf(x, t.prefix)
			if prev >= 0 && q != prev && all&(1<<prev) != 0 {
				pre++
			}
			if pre > x.o.Preemptions {
				continue
			}
		}
		acc, _ := probe(q)
		mask := rt.SumAccesses(acc)
		var sl []sleeper
		if !x.o.Naive && !x.o.Bounded {
			for _, c := range t.sleep {
				if !dependent(c.acc, c.mask, acc, mask) {
					sl = append(sl, c)
				}
			}
			for _, c := range accs {
				if !dependent(c.acc, c.mask, acc, mask) {
					sl = append(sl, c)
				}
			}
		}
		accs = append(accs, sleeper{q, acc, mask})
		kids = append(kids, task{prefix: append(append([]int(nil), t.prefix...), q), sleep: sl})
	}
	if len(kids) == 0 {
		// Every enabled thread is asleep: covered elsewhere.
		return nil, false
	}
	return kids, false
}

// preemptionsOf counts the preemptions of a schedule prefix by replaying
// it and noting who was enabled at each turn.
func preemptionsOf(x *explorer, prefix []int) int {
	n := 0
	opts := Options{MaxSteps: x.o.MaxSteps, Kernel: x.o.Kernel, NoMovers: x.o.NoMovers, allReleases: x.o.allReleases}
	opts.pick = func(turn int, runnable []int) int {
		if turn >= len(prefix) {
			return -1
		}
		if turn > 0 && prefix[turn] != prefix[turn-1] && containsInt(runnable, prefix[turn-1]) {
			n++
		}
		return prefix[turn]
	}
	Run(x.p, opts)
	return n
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// merge adds a subtree's result to the search's.
func (x *explorer) merge(r *taskResult) {
	for k, f := range r.findings {
		g := x.findings[k]
		if g == nil {
			c := *f
			x.findings[k] = &c
			continue
		}
		g.Count += f.Count
		if shorter(f.Schedule, g.Schedule) {
			g.Diag, g.Schedule = f.Diag, f.Schedule
		}
	}
	for k, o := range r.outcomes {
		g := x.outcomes[k]
		if g == nil {
			c := *o
			x.outcomes[k] = &c
			continue
		}
		g.Count += o.Count
	}
}

func (x *explorer) sorted() ([]Finding, []Outcome) {
	return sortFindings(x.findings), sortOutcomes(x.outcomes)
}

func sortFindings(m map[string]*Finding) []Finding {
	var fs []Finding
	for _, f := range m {
		fs = append(fs, *f)
	}
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i].Diag.Pos, fs[j].Diag.Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return fs[i].Key < fs[j].Key
	})
	return fs
}

func sortOutcomes(m map[string]*Outcome) []Outcome {
	var os []Outcome
	for _, o := range m {
		os = append(os, *o)
	}
	sort.Slice(os, func(i, j int) bool { return strings.Join(os[i].Keys, "\x00") < strings.Join(os[j].Keys, "\x00") })
	return os
}
