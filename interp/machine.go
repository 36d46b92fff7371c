package interp

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
	rt "github.com/mmscript/mmscript/runtime"
)

// Options control a run.
type Options struct {
	// Seed, when non-zero, makes the scheduler pick the next thread at
	// random from a generator seeded with it; zero means round-robin.
	Seed uint64
	// Schedule, when non-nil, replays a schedule: the thread names, one per
	// turn, as printed in a deadlock report. Turns beyond it fall back to
	// round-robin.
	Schedule []string
	// MaxSteps bounds the statements each thread executes, the set-up
	// code counting as thread main (0: DefaultMaxSteps).
	MaxSteps int64
	// Output receives print() output (nil: discarded).
	Output io.Writer
	// Kernel is the kernel modelled: version (behaviour and reactions
	// where they changed) and build (what a production kernel prints).
	Kernel rt.KernelConfig

	// pick, when set, chooses each turn's thread (the explorer's hook):
	// runnable holds thread indices in declaration order. A negative
	// choice stops the run there (the explorer's sleep set blocked it).
	pick func(turn int, runnable []int) int
	// fp, when set, records each turn's footprint; after is called once
	// the turn has run, with fp holding what it touched.
	fp    *rt.Footprint
	after func(turn, thread, ndiag int)
	// known, when set, says how many steps a turn merged when an earlier
	// run took it with the same schedule before it (Machine.turnSteps
	// then), 0 when no run did: a replayed turn is run without recording
	// its footprint, which the explorer has (see turn).
	known func(turn int) int
	// pool, when set, recycles what a run allocates in bulk from run to
	// run (the explorer's runs are many and short): the machine of the
	// last run that used it must never be used again.
	pool *runPool
	// res, when set, is the result the run fills, cleared first: the
	// explorer's, one per searcher, as nothing keeps a run's result past
	// the next run (what outlives it, its findings and their schedule,
	// is no part of the record).
	res *Result
	// trace, when set, receives a line per turn (run -trace).
	Trace io.Writer
	// Footprints, with Trace, prints under each turn what it touched, as
	// the explorer's partial-order reduction records it (run -trace
	// -footprints), and the earlier turns of other threads it depends on:
	// the orders the reduction must try. For checking the footprint a
	// new primitive declares (runtime: Op.Touches).
	Footprints bool
	// onStart, when set, is called once the set-up code has finished and
	// before the threads' first turn (the explorer keeps the machine to
	// fingerprint its states, and takes a snapshot of the first).
	onStart func(m *Machine)
	// from, when set, is the state after set-up to start from instead
	// of running the set-up code (snapshot.go).
	from *snapshot
	// NoMovers turns off merging a release into the turn before it
	// (movers.go): a turn ends after its first step that touches shared
	// state. The soundness tests' exhaustive search runs so; a schedule
	// replays only with the setting it was found with.
	NoMovers bool
	// allReleases takes every declared release as a left mover, sound or
	// not: the soundness test shows that it notices.
	allReleases bool
}

// DefaultMaxSteps is the step limit when Options.MaxSteps is 0.
const DefaultMaxSteps = 10_000_000

const maxFrames = 200

// runPool is what runs recycle: the threads' value and frame stacks and
// call records, the tasks and the page tables. A run's set-up and
// replayed turns allocate the same things every time, and allocation and
// the garbage collector were half of the explorer's CPU.
type runPool struct {
	threads []*Thread
	stacks  [][]rt.Value
	frames  [][]frame
	calls   []*rt.Call
	sched   []int32 // a schedule log's first chunk
	// The machine's lists: its threads, set-up's and then the
	// threads', and schedule's scratch buffers.
	setupList, threadList []*Thread
	runnable              []*Thread
	pickBuf               []int
	tasks                 rt.TaskPool
	tables                mmcore.TablePool
}

// Thread is a script thread: a runtime task plus an explicit frame stack.
type Thread struct {
	Name  string
	Task  *rt.Task
	stack []rt.Value // locals and operands of every frame
	fr    []frame
	done  bool
	fail  bool       // stopped by a script error or a failed assert
	call  *rt.Call   // reusable call record; nil while a native frame holds it
	spare []*rt.Call // finished call records of returned native frames
	end   lang.Pos
	idx   int // index in Machine.threads
	// live marks a session's top-level thread: finishing a chunk of
	// input is not the thread's exit, so its locks stay held.
	live bool
	// steps counts the thread's statements; it may run them up to limit
	// (base is the count when its budget was given: a session gives every
	// command a fresh one). See Machine.stepLimit.
	steps, base, limit int64
}

// frame is a script frame, or a native one holding an operation's
// continuation while it waits or while a handler it called runs.
type frame struct {
	f    *fn
	pc   int
	base int // locals start here in Thread.stack; operands follow them
	cont rt.Cont
	call *rt.Call
	desc string // the handler's description, for Task.Stack
}

// Result is the outcome of a run.
type Result struct {
	Diagnostics []*rt.Diagnostic
	Steps       int64 // statements run, by all threads
	StepLimit   bool  // some thread ran into the step limit
	Deadlock    bool
	aborted     bool // the explorer stopped the run (sleep-set blocked)
	// The thread of each turn, as indices into names: Schedule builds the
	// list of names only when asked (BenchmarkStepRate's runs of 600k
	// turns spent a tenth of their time building a list nobody read),
	// once, so that goroutines may share a result.
	sched     schedLog
	names     []string
	schedOnce sync.Once
	schedule  []string // Schedule's answer once built
	turns     int
}

// Schedule returns the thread of each turn. The explorer's runs (pooled)
// keep it only when they found something: their schedule log goes back
// to the pool for the next run.
func (r *Result) Schedule() []string {
	r.schedOnce.Do(func() {
		if r.schedule == nil {
			r.schedule = r.sched.names(r.names)
		}
		r.sched = schedLog{}
	})
	return r.schedule
}

// Turns is the number of turns the run took (len(Schedule()), without
// building it).
func (r *Result) Turns() int { return r.turns }

// Machine runs one program once.
type Machine struct {
	prog    *Program
	opts    Options
	k       *rt.Kernel
	globals []rt.Value
	threads []*Thread
	steps   int64 // statements run, by all threads
	max     int64 // the step limit of each thread
	// stepLimitHit records that a thread ran into its step limit.
	stepLimitHit bool
	sched        schedLog // the thread of each turn
	rng          *rand.Rand
	runnable     []*Thread // scratch buffer of schedule
	// lockClasses are the lockdep classes of the script's lock declarations.
	lockClasses []rt.Class
	// echo, when set, receives the values of a session's expression
	// statements.
	echo func(rt.Value)
	// stop, when set and true, stops the run at the next check (every
	// 1024 statements): a session's Ctrl-C.
	stop    *atomic.Bool
	fp      *rt.Footprint // the explorer's step recorder, or nil
	aborted bool
	lastOp  *rt.Op  // the operation of the current turn, for -trace
	yielded bool    // the current step called an operation that Yields
	pickBuf []int   // the runnable threads handed to Options.pick
	main    *Thread // the top-level thread, which runs Program.stages
	stage   int     // the next of Program.stages to run
	// known is the number of steps of the turn being replayed (see
	// Options.known), -1 in set-up, 0 otherwise; turnSteps is the
	// number of steps the last turn merged.
	known, turnSteps int
	// movers are the lock classes whose read releases are left movers
	// (movers.go), allReleases Options.allReleases.
	movers      rt.ClassSet
	allReleases bool
	// peek is nextOp's scratch memory.
	peek peekScratch
	// movedFrom are, for -trace, the operations of the turn's steps
	// that releases were merged after.
	movedFrom []string
	// restored: the machine is a snapshot's (snapshot.go), its threads
	// and lists are the snapshot's, not the pool's.
	restored bool
	// traced are the footprints of the turns traced so far
	// (Options.Footprints), by turn.
	traced []tracedTurn
}

// tracedTurn is a traced turn's thread and footprint.
type tracedTurn struct {
	thread int
	acc    []rt.Access
}

// useRunParts gives m the parts a run brings of its own, which a
// snapshot's machine (snapshot.go) leaves out as a fresh one has none:
// the pool's page tables, task records and scratch buffers, and the
// explorer's footprint recorder. It returns the pool, if any.
func (m *Machine) useRunParts(opts Options) *runPool {
	pl := opts.pool
	if pl != nil {
		pl.tables.Reset()
		m.k.Mem.Tables = &pl.tables
		pl.tasks.Reset()
		m.k.TaskPool = &pl.tasks
		m.sched.cur, pl.sched = pl.sched, nil
		m.runnable, pl.runnable = pl.runnable[:0], nil
		m.pickBuf, pl.pickBuf = pl.pickBuf[:0], nil
	}
	if opts.fp != nil {
		m.fp = opts.fp
		m.k.SetFootprint(opts.fp)
	}
	return pl
}

// Run runs a compiled program once and returns what it found.
func Run(p *Program, opts Options) *Result {
	if opts.Footprints && opts.Trace != nil && opts.fp == nil {
		// The explorer's recorder: every access kept, not only whether
		// the turn touched shared state; and named, for the trace.
		opts.fp = rt.NewNamingFootprint()
		for i, g := range p.globals {
			opts.fp.SetName(rt.AGlobal, uint32(i), g)
		}
	}
	if opts.from != nil {
		if m := opts.from.restore(opts); m != nil {
			// The state after set-up, threads made, as the set-up
			// code left it in every run (it runs alone).
			res := opts.newResult()
			if opts.onStart != nil {
				opts.onStart(m)
			}
			m.schedule(res)
			return m.finish(res)
		}
	}
	m := &Machine{prog: p, opts: opts, k: rt.NewKernel(), globals: make([]rt.Value, len(p.globals))}
	m.k.Config = p.KernelFor(opts.Kernel)
	if pl := m.useRunParts(opts); pl != nil {
		m.threads, pl.setupList = pl.setupList[:0], nil
	}
	m.max = opts.MaxSteps
	if m.max <= 0 {
		m.max = DefaultMaxSteps
	}
	if opts.Seed != 0 {
		m.rng = rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	}
	for _, d := range p.lockDecls {
		m.lockClasses = append(m.lockClasses, m.k.NewLockClass(d.name))
	}
	res := opts.newResult()
	// Set-up runs alone, to completion, as thread "main". The threads
	// start only if it finished: not after a script error, a failed
	// assert, the step limit, a BUG or a deadlock.
	main := m.newThread("main", p.setup)
	// With stages to come, finishing set-up is not the top-level
	// thread's exit: it keeps its locks for them, as at the prompt.
	main.live = len(p.stages) > 0
	m.main = main
	// Set-up's turns record no footprint: main runs alone to its end,
	// so where its turns end matters to no one.
	m.known = -1
	for !main.done {
		if main.Task.Blocked() || main.Task.Dead() || !m.turn(main) {
			break
		}
	}
	m.known = 0
	if main.Task.Blocked() {
		m.deadlock(res, []*Thread{main})
	} else if main.done && !main.fail {
		if pl := opts.pool; pl != nil {
			pl.setupList = m.threads
			m.threads, pl.threadList = pl.threadList[:0], nil
		} else {
			m.threads = nil
		}
		for _, f := range p.threads {
			m.newThread(f.name, f)
		}
		// Set-up ran alone: what it did to locks is where the threads
		// start from, not a use that interleaves with theirs.
		if !opts.NoMovers {
			m.movers = p.moverClasses()
			m.allReleases = opts.allReleases
		}
		if !m.allReleases {
			m.k.MoverClasses(m.movers)
		}
		if opts.onStart != nil {
			opts.onStart(m)
		}
		m.schedule(res)
	}
	return m.finish(res)
}

// newResult returns the run's result record, empty.
func (o *Options) newResult() *Result {
	if o.res == nil {
		return &Result{}
	}
	*o.res = Result{}
	return o.res
}

// finish ends a run: what it found, and its machine's parts back to the
// pool.
func (m *Machine) finish(res *Result) *Result {
	main := m.main
	res.Diagnostics = m.k.Diagnostics()
	res.aborted = m.aborted
	res.Steps = m.steps
	res.StepLimit = m.stepLimitHit
	res.turns = m.sched.n
	if pl := m.opts.pool; pl == nil {
		res.sched = m.sched
		res.names = make([]string, len(m.threads))
		for i, t := range m.threads {
			res.names[i] = t.Name
		}
	} else {
		// The log goes back to the pool: the explorer reads the
		// schedule of a run with findings only, built now.
		if len(res.Diagnostics) > 0 {
			res.schedule = m.scheduleNames()
		}
		if m.restored {
			// The threads and the list are the snapshot's: the next
			// restore writes them back. The call records the run
			// made are not, and go back to the pool as put's do.
			for _, t := range m.threads {
				pl.putCalls(t, m.opts.from.calls)
			}
			clear(m.runnable[:cap(m.runnable)])
			pl.runnable, pl.pickBuf = m.runnable, m.pickBuf
			m.threads = nil // as below: what is read of a finished run is its kernel
			if len(m.sched.full) == 0 {
				pl.sched = m.sched.cur[:0]
			}
			return res
		}
		// The machine is dead from here on: its threads go back to the
		// pool, the top-level one too (it is not among the threads once
		// set-up has finished).
		if !slices.Contains(m.threads, main) {
			pl.put(main)
		}
		for _, t := range m.threads {
			pl.put(t)
		}
		// Set-up's list is in the pool already once the threads
		// started, and m.threads is the threads' list then.
		if pl.setupList == nil {
			pl.setupList = m.threads
		} else {
			pl.threadList = m.threads
		}
		clear(pl.setupList[:cap(pl.setupList)])
		clear(pl.threadList[:cap(pl.threadList)])
		clear(m.runnable[:cap(m.runnable)])
		pl.runnable, pl.pickBuf = m.runnable, m.pickBuf
		m.threads = nil
		if len(m.sched.full) == 0 {
			pl.sched = m.sched.cur[:0]
		}
	}
	return res
}

func (m *Machine) newThread(name string, f *fn) *Thread {
	var t *Thread
	if pl := m.opts.pool; pl != nil && len(pl.threads) > 0 {
		t = pl.threads[len(pl.threads)-1]
		pl.threads = pl.threads[:len(pl.threads)-1]
	} else {
		t = &Thread{}
	}
	*t = Thread{Name: name, Task: m.k.NewTask(name), end: f.end, idx: len(m.threads), limit: m.max}
	if pl := m.opts.pool; pl != nil && len(pl.stacks) > 0 {
		t.stack = pl.stacks[len(pl.stacks)-1]
		pl.stacks = pl.stacks[:len(pl.stacks)-1]
	} else {
		t.stack = make([]rt.Value, 0, 64)
	}
	if pl := m.opts.pool; pl != nil && len(pl.frames) > 0 {
		t.fr = pl.frames[len(pl.frames)-1]
		pl.frames = pl.frames[:len(pl.frames)-1]
	}
	m.push(t, f, 0)
	m.threads = append(m.threads, t)
	return t
}

// put takes back a finished run's thread's stacks, cleared so that the
// pool keeps nothing of the dead run alive.
func (pl *runPool) put(t *Thread) {
	pl.putCalls(t, nil)
	clear(t.stack[:cap(t.stack)])
	pl.stacks = append(pl.stacks, t.stack[:0])
	if t.fr != nil {
		clear(t.fr[:cap(t.fr)])
		pl.frames = append(pl.frames, t.fr[:0])
	}
	*t = Thread{}
	pl.threads = append(pl.threads, t)
}

// putCalls takes back a finished run's thread's call records, cleared,
// but for those of keep (a snapshot's): the free ones, and those its
// native frames hold, of the operation the run ended in (the explorer
// stops most runs in one, a sleep set or a cache hit ending them, and
// they were a twentieth of the bytes its runs allocated). Each record is
// in one place: the thread's free record, its spares, or one frame.
func (pl *runPool) putCalls(t *Thread, keep []*rt.Call) {
	for _, c := range t.spare {
		pl.putCall(c, keep)
	}
	if t.call != nil {
		pl.putCall(t.call, keep)
	}
	for i := range t.fr {
		if c := t.fr[i].call; c != nil {
			pl.putCall(c, keep)
		}
	}
}

func (pl *runPool) putCall(c *rt.Call, keep []*rt.Call) {
	if slices.Contains(keep, c) {
		return
	}
	clear(c.Args[:cap(c.Args)])
	*c = rt.Call{Args: c.Args[:0]}
	pl.calls = append(pl.calls, c)
}

// push enters f with nargs arguments already on t's operand stack.
func (m *Machine) push(t *Thread, f *fn, nargs int) {
	base := len(t.stack) - nargs
	for i := nargs; i < f.nlocals; i++ {
		t.stack = append(t.stack, rt.Nil)
	}
	t.fr = append(t.fr, frame{f: f, base: base})
}

// schedule runs the threads until all finish or all that are left wait.
// A turn allocates nothing: the runnable list is a reused buffer and the
// schedule is recorded as thread indices.
func (m *Machine) schedule(res *Result) {
	next := 0
	schedAt := 0 // the replayed schedule's entry that names the next turn
	for {
		if !m.runStages(res) {
			return
		}
		runnable := m.runnable[:0]
		blocked := false
		for _, t := range m.threads {
			switch {
			case t.done || t.Task.Dead():
			case t.Task.Blocked():
				blocked = true
			default:
				runnable = append(runnable, t)
			}
		}
		m.runnable = runnable
		if len(runnable) == 0 {
			if blocked {
				var bs []*Thread
				for _, t := range m.threads {
					if !t.done && !t.Task.Dead() && t.Task.Blocked() {
						bs = append(bs, t)
					}
				}
				m.deadlock(res, bs)
			}
			return
		}
		var t, replay *Thread
		if schedAt < len(m.opts.Schedule) {
			replay = m.replayNext(runnable, &schedAt)
		}
		turn := m.sched.n
		switch {
		case replay != nil:
			t = replay
			schedAt += m.replayAdvance(schedAt)
		case schedAt < len(m.opts.Schedule):
			name, _ := strings.CutSuffix(m.opts.Schedule[schedAt], "*")
			m.fail(runnable[0], m.replayPos(name), fmt.Sprintf("schedule replay: turn %d names %s, which cannot run now: %s", turn+1, name, m.whyNotRunnable(name, runnable)))
			return
		case m.opts.pick != nil:
			idx := m.pickBuf[:0]
			for _, r := range runnable {
				idx = append(idx, r.idx)
			}
			m.pickBuf = idx
			c := m.opts.pick(turn, idx)
			if c < 0 {
				m.aborted = true
				return
			}
			t = m.threads[c]
		case m.rng != nil:
			t = runnable[m.rng.IntN(len(runnable))]
		default:
			// Round-robin over all threads in declaration order.
			for i := 0; i < len(m.threads); i++ {
				c := m.threads[(next+i)%len(m.threads)]
				if !c.done && !c.Task.Dead() && !c.Task.Blocked() {
					t = c
					next = (next + i + 1) % len(m.threads)
					break
				}
			}
		}
		m.sched.add(int32(t.idx))
		if m.opts.known != nil {
			m.known = m.opts.known(turn)
		}
		more := m.turn(t)
		m.known = 0
		if m.opts.after != nil {
			m.opts.after(turn, t.idx, len(m.k.Diagnostics()))
		}
		if m.opts.Trace != nil {
			m.traceTurn(turn, t)
		}
		if !more {
			return
		}
	}
}

// runStages runs the top-level code due before the next turn
// (Program.stages) on the top-level thread, alone and to completion, as
// the session ran it between the threads' turns; the last stage's end is
// that thread's exit. It returns false when the run must stop: the stage
// failed or blocked (a replay that did not reproduce the session) or the
// run was interrupted.
func (m *Machine) runStages(res *Result) bool {
	st := m.prog.stages
	for m.stage < len(st) && st[m.stage].at <= m.sched.n {
		t := m.main
		f := st[m.stage].f
		m.stage++
		t.done, t.live = false, m.stage < len(st)
		t.base, t.limit = t.steps, t.steps+m.max
		m.push(t, f, 0)
		for !t.done {
			if t.Task.Blocked() || t.Task.Dead() || !m.turn(t) {
				break
			}
		}
		if t.Task.Blocked() {
			m.deadlock(res, []*Thread{t})
			return false
		}
		if !t.done || t.fail || t.Task.Dead() {
			return false
		}
	}
	return true
}

// replayNext is the thread the replayed schedule names for the next
// turn, or nil. An entry "name*" (as many turns as name can take) that
// names a thread that cannot run now is passed over: *at moves past it.
func (m *Machine) replayNext(runnable []*Thread, at *int) *Thread {
	for *at < len(m.opts.Schedule) {
		name, star := strings.CutSuffix(m.opts.Schedule[*at], "*")
		for _, r := range runnable {
			if r.Name == name {
				return r
			}
		}
		if !star {
			return nil
		}
		*at++
	}
	return nil
}

// replayAdvance is how far the schedule moves after a turn of the entry
// at: a "name*" entry stays until its thread cannot run.
func (m *Machine) replayAdvance(at int) int {
	if strings.HasSuffix(m.opts.Schedule[at], "*") {
		return 0
	}
	return 1
}

// whyNotRunnable says why the thread a replayed schedule names cannot
// have the turn: a schedule written by hand often gives a thread more
// turns than it takes.
func (m *Machine) whyNotRunnable(name string, runnable []*Thread) string {
	var can []string
	for _, r := range runnable {
		can = append(can, r.Name)
	}
	now := "; runnable now: " + strings.Join(can, ", ")
	for _, t := range m.threads {
		if t.Name != name {
			continue
		}
		switch {
		case t.Task.Dead():
			return "it was stopped by a BUG" + now
		case t.done:
			return "it has finished (a turn count past a thread's end, as in " + name + "*N, can be written " + name + "*: as many turns as it takes)" + now
		case t.Task.Blocked():
			if l, mode, _ := t.Task.WaitingFor(); l != nil {
				return fmt.Sprintf("it is blocked waiting for %s (%s)%s", l.Name, mode, now)
			}
			return "it is blocked" + now
		}
	}
	var all []string
	for _, t := range m.threads {
		all = append(all, t.Name)
	}
	return "the script has no thread " + name + " (its threads: " + strings.Join(all, ", ") + ")"
}

// replayPos is where a replayed schedule went wrong: where the named thread
// waits or ended, or just the file when no thread has that name.
func (m *Machine) replayPos(name string) lang.Pos {
	for _, t := range m.threads {
		if t.Name != name {
			continue
		}
		if _, _, pos := t.Task.WaitingFor(); t.Task.Blocked() {
			return pos
		}
		return t.end
	}
	return lang.Pos{Filename: m.prog.File.Name}
}

// scheduleNames returns the names of the threads that had each turn so far.
// It is safe on a finished run's machine until the next run of its pool
// starts (the explorer's onExecution hook): finish gave the threads back
// to the pool (m.threads is nil then) and the log's last chunk to the
// next run (pl.sched), whose useRunParts takes it. A run's turns are of
// the program's threads, by index (Run makes them in that order once
// set-up has finished; set-up's turns are not logged), so the program
// names them.
func (m *Machine) scheduleNames() []string {
	var names []string
	if m.threads != nil {
		names = make([]string, len(m.threads))
		for i, t := range m.threads {
			names[i] = t.Name
		}
	} else {
		names = make([]string, len(m.prog.threads))
		for i, f := range m.prog.threads {
			names[i] = f.name
		}
	}
	return m.sched.names(names)
}

// names returns the log as the names of the threads (by index in names).
func (s *schedLog) names(names []string) []string {
	if s.n == 0 {
		return nil
	}
	out := make([]string, 0, s.n)
	for _, c := range s.full {
		for _, x := range c {
			out = append(out, names[x])
		}
	}
	for _, x := range s.cur {
		out = append(out, names[x])
	}
	return out
}

// schedLog records the schedule as thread indices in chunks that are
// never copied, so that recording a turn costs a store and the log grows
// without reallocating (growing one slice cost 40% of the step rate, in
// copies and the garbage collection they triggered).
type schedLog struct {
	full [][]int32 // filled chunks
	cur  []int32   // the chunk being filled
	n    int       // turns recorded
}

const maxSchedChunk = 1 << 16

func (s *schedLog) add(x int32) {
	if len(s.cur) == cap(s.cur) {
		size := 256
		if s.cur != nil {
			s.full = append(s.full, s.cur)
			size = min(2*cap(s.cur), maxSchedChunk)
		}
		s.cur = make([]int32, 0, size)
	}
	s.cur = append(s.cur, x)
	s.n++
}

func (m *Machine) deadlock(res *Result, blocked []*Thread) {
	var tasks []*rt.Task
	for _, t := range blocked {
		tasks = append(tasks, t.Task)
	}
	res.Deadlock = true
	m.k.Report(m.k.DeadlockReport(tasks, FormatSchedule(m.scheduleNames())))
}

// FormatSchedule prints a schedule compactly: runs of one thread as
// name*count.
func FormatSchedule(s []string) string {
	var parts []string
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		if j-i > 1 {
			parts = append(parts, fmt.Sprintf("%s*%d", s[i], j-i))
		} else {
			parts = append(parts, s[i])
		}
		i = j
	}
	return strings.Join(parts, " ")
}

// ParseSchedule reverses FormatSchedule. An entry name* (no count) is
// as many turns as the thread can take before it finishes or blocks, for
// schedules written by hand.
func ParseSchedule(s string) ([]string, error) {
	var out []string
	for _, part := range strings.Fields(s) {
		name, count := part, 1
		if strings.HasSuffix(part, "*") && len(part) > 1 {
			out = append(out, part) // as many turns as the thread can take
			continue
		}
		if i := strings.LastIndexByte(part, '*'); i >= 0 {
			name = part[:i]
			if _, err := fmt.Sscanf(part[i+1:], "%d", &count); err != nil || count < 1 || count > 1<<24 {
				return nil, fmt.Errorf("bad schedule entry %q", part)
			}
		}
		for range count {
			out = append(out, name)
		}
	}
	return out, nil
}

// fail reports a script error in t and stops the thread.
func (m *Machine) fail(t *Thread, pos lang.Pos, msg string) {
	d := &rt.Diagnostic{Kind: rt.Error, Pos: t.Task.ScriptPos(pos), Rule: "error", Msg: msg, Thread: t.Name}
	m.k.Report(d)
	t.done, t.fail = true, true
}

// turn runs t for one scheduling step: its statements up to and including
// one kernel-operation step that another thread can see, and on to its end
// when nothing it does after that can be seen. It returns false when the
// whole run must stop (interrupt).
//
// A step is one operation and the statements before it. A step that
// touches only its own thread (a kernel-library step on the caller's own
// gather structure, an operation that only checks the task, the thread's
// exit) commutes with every step of every other thread and neither
// enables nor disables one: it is both a left and a right mover in
// Lipton's sense ("Reduction: a method of proving properties of parallel
// programs", CACM 1975), so running it in the same turn as the thread's
// next step, or its local tail in the same turn as the step before,
// reaches the same states in the same orders of the visible steps, with
// one scheduling point instead of two. Every interleaving of visible
// steps is still a schedule, so the explorer's findings are unchanged;
// each thread's statements and deadlocks are those of the unmerged
// steps. Merging is the machine's, not the explorer's, so that a turn
// means the same in explore, run (round-robin, -seed, -schedule replay,
// -trace) and a REPL session, and a schedule printed by one replays in
// the others. Invisibility is read from the step's footprint
// (runtime/footprint.go), recorded in every run for this. An operation
// that Yields (msleep) ends the turn all the same: scripts call it to let
// the others run, and round-robin runs, the REPL's :step and schedules
// written by hand count on it.
//
// After the step that touches shared state, the turn goes on while the
// thread's next step is a left mover: a read release of a lock it holds,
// of a class nothing the threads can reach uses beyond its read side
// (movers.go has the classification and the argument; Options.NoMovers
// turns it off). Every step still runs with all its checks, and a step
// that blocks still ends the turn: a left mover never blocks.
//
// A turn the explorer replays (m.known > 0: an earlier run took it after
// the same turns, and runs are deterministic) merges the steps it merged
// then, without recording a footprint: the explorer kept it then, and
// recording was a tenth of a replay. Set-up's turns (m.known < 0) record
// none either and end after each step.
func (m *Machine) turn(t *Thread) (ok bool) {
	fp := m.fp
	if m.known != 0 {
		m.fp = nil
		m.k.SetFootprint(nil)
	}
	// A Go panic here is a bug in mmscript, not in the script: it ends
	// the thread with an error at the statement it ran, as a script error
	// does, so that run, explore (whose workers would otherwise take the
	// process down) and the REPL report it with file:line:col and go on.
	defer func() {
		if m.known != 0 {
			m.fp = fp
			m.k.SetFootprint(fp)
		}
		if r := recover(); r != nil {
			m.fail(t, t.Task.Pos, fmt.Sprintf("internal error in mmscript (please report it with this script): %v", r))
			ok = true
		}
	}()
	if m.known == 0 {
		if fp == nil {
			// Not explored: only where the turn ends is read.
			fp = rt.NewOwnFootprint()
			m.fp = fp
			m.k.SetFootprint(fp)
		}
		fp.ResetOwn(t.Task.ID)
	}
	m.turnSteps = 0
	for {
		m.yielded = false
		m.turnSteps++
		if !m.step(t) {
			return false
		}
		if t.done || t.Task.Dead() || t.Task.Blocked() {
			return true
		}
		if m.localTail(t) {
			// What is left of the thread touches only the thread:
			// its exit is part of this turn, not a turn of its own.
			return m.step(t)
		}
		switch {
		case m.known < 0:
			return true
		case m.known > 0:
			if m.turnSteps >= m.known {
				return true
			}
		case m.yielded:
			return true
		case !fp.OwnOnly():
			if !m.leftMoverNext(t) {
				// The step touched shared state, and the next one is
				// not a left mover that joins it (movers.go).
				return true
			}
			if m.opts.Trace != nil && m.lastOp != nil {
				m.movedFrom = append(m.movedFrom, m.lastOp.Name)
			}
		}
	}
}

// localTail reports whether everything t has left to run, frame by frame
// up to its end, touches only t: no operation, no global, no field of a
// shared object, no output, no loop (see fn.localFrom).
func (m *Machine) localTail(t *Thread) bool {
	for i := len(t.fr) - 1; i >= 0; i-- {
		f := &t.fr[i]
		if f.cont != nil || !f.f.localFrom(f.pc) {
			return false
		}
	}
	return true
}

// step runs t until it has performed one kernel-operation step, finished,
// or failed. It returns false when the whole run must stop (interrupt).
func (m *Machine) step(t *Thread) bool {
	for !t.done {
		top := &t.fr[len(t.fr)-1]
		if top.cont != nil {
			// A native frame: the lock it waited for was granted, or the
			// handler it called has returned.
			if t.Task.Blocked() {
				return true
			}
			cont, call := top.cont, top.call
			if top.desc != "" {
				t.Task.Stack = t.Task.Stack[:len(t.Task.Stack)-1]
			}
			t.fr = t.fr[:len(t.fr)-1]
			t.Task.Pos = call.Pos
			if m.fp != nil {
				m.k.TouchesOp(call)
			}
			m.lastOp = call.Op
			m.handle(t, call, cont(call))
			return true
		}
		ok, yield := m.exec(t)
		if !ok {
			return false
		}
		if yield {
			return true
		}
	}
	return true
}

// newCall makes t.call a free call record and returns it.
func (m *Machine) newCall(t *Thread) *rt.Call {
	if n := len(t.spare); n > 0 {
		t.call = t.spare[n-1]
		t.spare = t.spare[:n-1]
	} else if pl := m.opts.pool; pl != nil && len(pl.calls) > 0 {
		t.call = pl.calls[len(pl.calls)-1]
		pl.calls = pl.calls[:len(pl.calls)-1]
		t.call.K, t.call.T = m.k, t.Task
	} else {
		t.call = &rt.Call{K: m.k, T: t.Task}
	}
	return t.call
}

// freeCall takes back a call record whose operation has finished.
func (t *Thread) freeCall(call *rt.Call) {
	switch {
	case call == t.call:
	case t.call == nil:
		t.call = call
	default:
		t.spare = append(t.spare, call)
	}
}

// handle acts on an operation step's result.
func (m *Machine) handle(t *Thread, call *rt.Call, r rt.Result) {
	// Whatever entry the step changed, t changed (runtime: the
	// tlb_flush_pending checks blame a thread for its own changes only).
	m.k.NoteChanges(t.Task)
	switch r.Status {
	case rt.Done:
		if t.Task.Dead() {
			t.freeCall(call)
			return
		}
		rt.SetOwner(r.Value, t.Task) // a kernel struct is its maker's (runtime/owned.go)
		m.pushValue(t, t.Task.NullResultOf(call.Op, call.Pos, r.Value))
		// what a by-reference parameter (rt.Param.Ref) holds now: the
		// compiler stores it into the variable passed as &var
		if top := &t.fr[len(t.fr)-1]; top.cont == nil {
			for i, p := range call.Op.Params {
				if p.Ref {
					t.stack = append(t.stack, call.Args[i])
				}
			}
		}
		t.freeCall(call)
	case rt.Blocked:
		t.call = nil
		t.fr = append(t.fr, frame{cont: r.Next, call: call})
	case rt.CallHandler:
		t.call = nil
		f := r.Handler.Impl.(*fn)
		t.fr = append(t.fr, frame{cont: r.Next, call: call, desc: r.Desc})
		t.Task.Stack = append(t.Task.Stack, r.Desc)
		if len(t.fr) > maxFrames {
			m.fail(t, call.Pos, "handler calls nested too deeply")
			return
		}
		t.stack = append(t.stack, r.Args...)
		m.push(t, f, len(r.Args))
	case rt.Failed:
		t.freeCall(call)
		m.fail(t, call.Pos, r.Err.Error())
	}
}

// pushValue delivers an operation's value to the frame that called it, or
// to the native frame below a returning handler.
func (m *Machine) pushValue(t *Thread, v rt.Value) {
	top := &t.fr[len(t.fr)-1]
	if top.cont != nil {
		top.call.Ret = v
		return
	}
	t.stack = append(t.stack, v)
}
