package interp

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// A Session is a live, incremental run: the REPL's kernel. Each chunk of
// input (a line, a block, a loaded file) is compiled against the
// declarations of the chunks before it and run once, on the live machine,
// by the top-level thread "main", which keeps its locks from one chunk to
// the next. Threads defined with `thread NAME { }` do not start by
// themselves: Step advances one of them a kernel step at a time, Run runs
// every thread to completion. Findings are handed to OnDiag as they
// happen, each once.
//
// Nothing is ever re-run: the kernel state, lockdep's graph and the
// findings so far are those of the one run the session is.
type Session struct {
	opts SessionOptions
	m    *Machine
	c    *compiler
	main *Thread
	// mains counts the top-level threads: a BUG or a deadlock ends one
	// (it keeps its locks, as a dead or hung task does) and the next
	// chunk runs in a new one, main#2, main#3, ...
	mains   int
	shown   int // findings handed to OnDiag
	threads map[string]*Thread
	hung    map[*Thread]bool // reported in a deadlock: they wait forever
	line    int              // the next line number of typed input
	log     []entry          // what ran, for Script
	// mainLine is the chunk the top-level thread is still running when
	// it blocked, for messages.
	mainLine lang.Pos
	steps    int // thread steps taken, for Script's notes
	// mainEntry is the log entry of the chunk the top-level thread ran
	// last (-1: none).
	mainEntry int
	// words are the bare words earlier chunks gave word parameters,
	// with where (see compile).
	words map[string]lang.Pos
	// labels are the labels of earlier chunks' top-level code: the
	// saved session is one script, whose set-up code is one body.
	labels map[string]lang.Pos
}

// SessionOptions configure a session.
type SessionOptions struct {
	// Output receives print() output, echoed values and notes (nil:
	// discarded).
	Output io.Writer
	// OnDiag receives each finding once, as soon as it is made.
	OnDiag func(*rt.Diagnostic)
	// MaxSteps bounds the statements each thread runs in one command
	// (0: DefaultMaxSteps).
	MaxSteps int64
	// Kernel is the kernel modelled (Options.Kernel).
	Kernel rt.KernelConfig
	// Limits bound typed input and loaded files as they bound a script
	// (zero fields: lang.DefaultLimits).
	Limits lang.Limits
	// Interrupt, when set, stops the command running when it becomes
	// true (within 1024 statements; the thread running stops with an
	// error). Each command clears it when it starts.
	Interrupt *atomic.Bool
}

// StdinName is the file name of typed input in positions.
const StdinName = "<stdin>"

// entry is a chunk that compiled and ran, or a note (a thread step).
type entry struct {
	name string
	line int // first line
	src  string
	bare [][2]int // byte spans of echoed expressions (no effect; not script statements)
	// calls are the byte offsets of echoed expressions that call something
	// (mmap_read_trylock(m) == 1): they act, and a script keeps them as
	// `_ = EXPR`.
	calls []int
	note  string
	error bool       // stopped by a script error, a failed assert or a BUG
	file  *lang.File // its syntax tree, for Explore
	// look: the chunk only echoed expressions that call nothing (m.mmap_lock,
	// v.vm_start): it changed no state, and its turns [from, to) in the
	// schedule do not keep a script from replaying the session.
	look     bool
	from, to int
}

// NewSession starts an empty session: a new kernel, no declarations.
func NewSession(opts SessionOptions) *Session {
	if opts.MaxSteps <= 0 {
		opts.MaxSteps = DefaultMaxSteps
	}
	p := &Program{File: &lang.File{Name: StdinName}}
	s := &Session{
		opts:      opts,
		m:         &Machine{prog: p, opts: Options{Output: opts.Output}, k: rt.NewKernel()},
		threads:   map[string]*Thread{},
		hung:      map[*Thread]bool{},
		line:      1,
		mainEntry: -1,
		words:     map[string]lang.Pos{},
		labels:    map[string]lang.Pos{},
	}
	s.c = &compiler{
		prog:     p,
		globalIx: map[string]int{},
		globalT:  map[string]rt.Type{},
		funcIx:   map[string]int{},
		funcDefs: map[string]*lang.FuncDef{},
		opsIx:    map[string]*rt.Ops{},
		constIx:  map[string]int{},
		declared: map[string]bool{},
	}
	// The kernel library, as Compile gives it to a script (kernellib.go);
	// at the prompt a func of a library function's name is a redeclaration.
	if lib, err := kernelFuncs(); err == nil {
		s.c.compileKernelFuncs(s.c.declareKernelFuncs(lib))
	}
	s.m.k.Config = opts.Kernel
	s.m.stop = opts.Interrupt
	s.m.echo = func(v rt.Value) {
		if v.T == rt.TNil || s.opts.Output == nil {
			return
		}
		if l, ok := v.Obj.(*rt.Lock); ok {
			fmt.Fprintf(s.opts.Output, "%s: %s\n", l.Name, s.lockState(l))
			return
		}
		fmt.Fprintln(s.opts.Output, v.String())
	}
	s.newMain()
	return s
}

func (s *Session) newMain() {
	s.mains++
	name := "main"
	if s.mains > 1 {
		name = fmt.Sprintf("main#%d", s.mains)
	}
	t := &Thread{Name: name, Task: s.m.k.NewTask(name), idx: len(s.m.threads), live: true, done: true}
	t.stack = make([]rt.Value, 0, 64)
	s.m.threads = append(s.m.threads, t)
	s.main = t
}

// Kernel is the session's simulated machine.
func (s *Session) Kernel() *rt.Kernel { return s.m.k }

// Line is the line number the next typed chunk starts at.
func (s *Session) Line() int { return s.line }

// Main is the current top-level thread.
func (s *Session) Main() *Thread { return s.main }

// Threads returns every thread of the session, the top-level ones first
// among them, in creation order.
func (s *Session) Threads() []*Thread { return s.m.threads }

// Thread returns the thread named name, or nil.
func (s *Session) Thread(name string) *Thread {
	if name == s.main.Name {
		return s.main
	}
	return s.threads[name]
}

// Globals returns the values of the declared top-level variables by name.
func (s *Session) Globals() map[string]rt.Value {
	g := map[string]rt.Value{}
	for n, i := range s.c.globalIx {
		if i < len(s.m.globals) && s.c.declared[n] {
			g[n] = s.m.globals[i]
		}
	}
	return g
}

// Names returns every name the session has declared: variables, funcs,
// ops and threads, sorted.
func (s *Session) Names() []string {
	var ns []string
	for n := range s.c.declared {
		ns = append(ns, n)
	}
	for n := range s.c.funcIx {
		ns = append(ns, n)
	}
	for n := range s.c.opsIx {
		ns = append(ns, n)
	}
	for n := range s.threads {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Schedule is the thread of each turn taken so far, top-level thread
// included.
func (s *Session) Schedule() []string { return s.m.scheduleNames() }

// Check parses and compiles typed input as the next chunk, without
// running it or keeping any of it.
func (s *Session) Check(src string) error {
	f, err := s.opts.Limits.ParseChunk(StdinName, []byte(src), s.line)
	if err != nil {
		return err
	}
	_, _, err = s.compile(f, false)
	return err
}

// Eval compiles typed input as the next chunk and runs it on the top-level
// thread. A syntax or compile error is returned (an ErrorList) and changes
// nothing but the line count; what the run finds goes to OnDiag.
func (s *Session) Eval(src string) error {
	first := s.line
	s.line += strings.Count(src, "\n") + 1
	return s.eval(StdinName, src, first)
}

// Skip advances the line count past n lines of input that are not
// script (the REPL's commands, blank lines, lines dropped for an error),
// so that <stdin>:N stays the Nth line of the input.
func (s *Session) Skip(n int) { s.line += n }

// Load runs a script file's text as one chunk, in its own positions.
func (s *Session) Load(filename string, src []byte) error {
	return s.eval(filename, string(src), 1)
}

func (s *Session) eval(name, src string, line int) error {
	s.start()
	if err := s.finishMain(); err != nil {
		return err
	}
	f, err := s.opts.Limits.ParseChunk(name, []byte(src), line)
	if err != nil {
		return err
	}
	chunk, threads, err := s.compile(f, true)
	if err != nil {
		return err
	}
	e := entry{name: name, line: line, src: src, file: f}
	for i, it := range f.Items {
		if x, ok := it.(*lang.ExprStmt); ok {
			if _, call := x.X.(*lang.CallExpr); !call && calls(x.X) {
				if start := x.Pos.Offset; start >= 0 && start <= len(src) {
					e.calls = append(e.calls, start)
				}
			} else if !call {
				end := len(src)
				if i+1 < len(f.Items) {
					end = itemPos(f.Items[i+1]).Offset
				}
				if start := x.Pos.Offset; start >= 0 && start <= end && end <= len(src) {
					e.bare = append(e.bare, [2]int{start, end})
				}
			}
		}
	}
	for _, t := range threads {
		th := s.m.newThread(t.name, t)
		s.threads[t.name] = th
	}
	t := s.main
	t.done, t.fail = false, false
	t.end = f.End
	s.mainLine = lang.Pos{Filename: name, Line: line}
	s.m.push(t, chunk, 0)
	e.look = lookOnly(f)
	e.from = s.m.sched.n
	s.runMain()
	e.to = s.m.sched.n
	e.error = t.fail || t.Task.Dead() || s.hung[t]
	s.log = append(s.log, e)
	s.mainEntry = len(s.log) - 1
	s.afterMain()
	return nil
}

// lookOnly reports whether a chunk only echoes expressions that call
// nothing, which read state and change none.
func lookOnly(f *lang.File) bool {
	for _, it := range f.Items {
		x, ok := it.(*lang.ExprStmt)
		if !ok || calls(x.X) {
			return false
		}
	}
	return len(f.Items) > 0
}

// calls reports whether an expression calls anything.
func calls(x lang.Expr) bool {
	switch x := x.(type) {
	case *lang.CallExpr:
		return true
	case *lang.SelectorExpr:
		return calls(x.X)
	case *lang.UnaryExpr:
		return calls(x.X)
	case *lang.BinaryExpr:
		return calls(x.X) || calls(x.Y)
	case *lang.ParenExpr:
		return calls(x.X)
	}
	return false
}

// itemPos is where a top-level item starts.
func itemPos(it lang.Item) lang.Pos {
	switch it := it.(type) {
	case lang.Stmt:
		return it.Position()
	case *lang.ThreadDecl:
		return it.Pos
	case *lang.OpsDecl:
		return it.Pos
	case *lang.FuncDecl:
		return it.Pos
	case *lang.ExpectDecl:
		return it.Pos
	}
	return lang.Pos{Offset: -1}
}

// finishMain lets the top-level thread finish a chunk it blocked in, once
// the lock it waited for was handed to it.
func (s *Session) finishMain() error {
	t := s.main
	if t.done {
		return nil
	}
	if t.Task.Blocked() {
		l, mode, _ := t.Task.WaitingFor()
		return fmt.Errorf("the top-level thread is still blocked in %s, waiting for %s (%s): let the other threads run (:step, :run) first", s.mainLine, l.Name, mode)
	}
	s.runMain()
	s.afterMain()
	return nil
}

// start begins a command: a fresh step budget, no interrupt pending.
func (s *Session) start() {
	s.m.max = s.opts.MaxSteps
	for _, t := range s.m.threads {
		t.base, t.limit = t.steps, t.steps+s.opts.MaxSteps
	}
	if s.opts.Interrupt != nil {
		s.opts.Interrupt.Store(false)
	}
}

// interrupted reports a pending interrupt.
func (s *Session) interrupted() bool {
	return s.opts.Interrupt != nil && s.opts.Interrupt.Load()
}

// runMain runs the top-level thread until its chunk is done or it blocks.
func (s *Session) runMain() {
	t := s.main
	for !t.done && !t.Task.Dead() && !t.Task.Blocked() {
		s.m.sched.add(int32(t.idx))
		ok := s.m.turn(t)
		s.flush()
		if !ok {
			break
		}
	}
}

// afterMain acts on how the top-level thread left its chunk: finished
// (it stays, idle, with its locks), failed (its frames are dropped, its
// locks kept), dead by a BUG, or blocked (waiting for a thread, or hung).
func (s *Session) afterMain() {
	t := s.main
	switch {
	case t.Task.Dead():
		t.done = true
		s.newMain()
		s.notef("%s died (BUG) holding %s; the next input runs in a new top-level thread, %s", t.Name, plural(len(t.Task.Holds()), "lock"), s.main.Name)
	case t.Task.Blocked():
		if s.anyRunnable() {
			l, mode, _ := t.Task.WaitingFor()
			s.notef("%s waits for %s (%s) held by %s: :step or :run the other threads to let it go on", t.Name, l.Name, mode, s.holders(l))
			return
		}
		s.settle()
	case t.done:
		t.fr = t.fr[:0]
		t.stack = t.stack[:0]
		t.Task.Stack = t.Task.Stack[:0]
	}
}

func (s *Session) notef(format string, args ...any) {
	if s.opts.Output != nil {
		fmt.Fprintf(s.opts.Output, "note: "+format+"\n", args...)
	}
}

// flush hands the findings made since the last flush to OnDiag.
func (s *Session) flush() {
	ds := s.m.k.Diagnostics()
	for ; s.shown < len(ds); s.shown++ {
		if s.opts.OnDiag != nil {
			s.opts.OnDiag(ds[s.shown])
		}
	}
}

// runnable reports whether t can take a turn now.
func (s *Session) runnable(t *Thread) bool {
	return !t.done && !t.Task.Dead() && !t.Task.Blocked()
}

func (s *Session) anyRunnable() bool {
	for _, t := range s.m.threads {
		if s.runnable(t) {
			return true
		}
	}
	return false
}

// holders names the tasks holding l.
func (s *Session) holders(l *rt.Lock) string {
	var ns []string
	for _, t := range s.m.k.Tasks {
		for _, h := range t.Holds() {
			if h.Lock == l {
				ns = append(ns, t.Name)
				break
			}
		}
	}
	if len(ns) == 0 {
		return "nobody (queued behind other waiters)"
	}
	return strings.Join(ns, ", ")
}

// State describes what t is doing, for :threads.
func (s *Session) State(t *Thread) string {
	switch {
	case t.Task.Dead():
		return "dead (BUG)"
	case s.hung[t]:
		l, mode, pos := t.Task.WaitingFor()
		return fmt.Sprintf("deadlocked waiting for %s (%s) at %s", l.Name, mode, pos)
	case t.Task.Blocked():
		l, mode, pos := t.Task.WaitingFor()
		return fmt.Sprintf("blocked on %s (%s) at %s, held by %s", l.Name, mode, pos, s.holders(l))
	case t.live && t.done:
		return "idle at the prompt"
	case t.fail:
		return "stopped by an error"
	case t.done:
		return "exited"
	case t.live:
		return "running " + s.mainLine.String()
	}
	if len(t.fr) == 1 && t.fr[0].pc == 0 {
		return "not started"
	}
	if t.Task.Pos.IsValid() {
		return "runnable; last step at " + t.Task.Pos.String()
	}
	return "runnable"
}

// Step gives thread name n turns: each runs its statements up to and
// including one kernel-operation step. It stops early when the thread
// finishes or blocks, and returns the turns taken.
func (s *Session) Step(name string, n int) (int, error) {
	t := s.Thread(name)
	if t == nil {
		return 0, fmt.Errorf("no thread %s%s", name, suggest(name, s.threadNames()))
	}
	if t.live && t.done {
		return 0, fmt.Errorf("%s is idle: type a statement to run it", name)
	}
	s.start()
	taken := 0
	for taken < n && s.runnable(t) && !s.interrupted() {
		s.m.sched.add(int32(t.idx))
		taken++
		ok := s.m.turn(t)
		s.flush()
		if !ok {
			break
		}
	}
	s.steps += taken
	if taken > 0 {
		s.log = append(s.log, entry{note: fmt.Sprintf(":step %s %d", name, taken)})
	}
	switch {
	case t.live:
		s.afterMain()
	case t.Task.Blocked() && !s.hung[t]:
		if s.anyRunnable() {
			l, mode, _ := t.Task.WaitingFor()
			s.notef("%s waits for %s (%s) held by %s", t.Name, l.Name, mode, s.holders(l))
		} else {
			s.settle()
		}
	}
	if taken == 0 {
		return 0, fmt.Errorf("%s cannot run: %s", name, s.State(t))
	}
	return taken, nil
}

func (s *Session) threadNames() []string {
	var ns []string
	for _, t := range s.m.threads {
		ns = append(ns, t.Name)
	}
	return ns
}

// Run runs every thread, the top-level one included when it is in the
// middle of a chunk, round-robin, until all have finished or all that are
// left wait. It returns the turns taken.
func (s *Session) Run() int {
	s.start()
	taken := 0
	next := 0
	for !s.interrupted() {
		var t *Thread
		for i := range s.m.threads {
			c := s.m.threads[(next+i)%len(s.m.threads)]
			if s.runnable(c) {
				t = c
				next = (next + i + 1) % len(s.m.threads)
				break
			}
		}
		if t == nil {
			break
		}
		s.m.sched.add(int32(t.idx))
		taken++
		ok := s.m.turn(t)
		s.flush()
		if !ok {
			break
		}
	}
	s.steps += taken
	if taken > 0 {
		s.log = append(s.log, entry{note: fmt.Sprintf(":run (%d turns)", taken)})
	}
	if !s.main.done {
		s.afterMain()
	}
	s.settle()
	return taken
}

// settle looks at the threads that wait when nothing can run. A waiter is
// only waiting, not deadlocked, while its wait-for chain ends at the idle
// top-level thread, which the next input can make release its locks; the
// others are deadlocked and reported as a run reports them.
func (s *Session) settle() {
	if s.anyRunnable() {
		return
	}
	idle := s.main.done && !s.main.Task.Dead()
	var stuck []*Thread
	for _, t := range s.m.threads {
		if !t.Task.Blocked() || t.Task.Dead() || s.hung[t] {
			continue
		}
		if idle && s.waitsFor(t, s.main, map[*Thread]bool{}) {
			l, mode, _ := t.Task.WaitingFor()
			s.notef("%s waits for %s (%s) held by %s; release it at the prompt", t.Name, l.Name, mode, s.holders(l))
			continue
		}
		stuck = append(stuck, t)
	}
	if len(stuck) == 0 {
		return
	}
	for _, t := range stuck {
		s.hung[t] = true
	}
	s.m.deadlock(&Result{}, stuck)
	s.flush()
	if s.hung[s.main] {
		// The top-level thread hangs with its locks; the next input
		// runs in a new one. Its chunk did not finish.
		if s.mainEntry >= 0 {
			s.log[s.mainEntry].error = true
		}
		t := s.main
		t.done = true
		s.newMain()
		s.notef("%s hangs holding %s; the next input runs in a new top-level thread, %s", t.Name, plural(len(t.Task.Holds()), "lock"), s.main.Name)
	}
}

// waitsFor reports whether t's wait-for chain reaches the task of target.
func (s *Session) waitsFor(t, target *Thread, seen map[*Thread]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	l, _, _ := t.Task.WaitingFor()
	if l == nil {
		return false
	}
	for _, u := range s.m.threads {
		holds := false
		for _, h := range u.Task.Holds() {
			holds = holds || h.Lock == l
		}
		if !holds {
			continue
		}
		if u == target || u.Task.Blocked() && s.waitsFor(u, target, seen) {
			return true
		}
	}
	return false
}

// compile compiles a chunk against the session's declarations. With
// commit false, or on an error, every declaration it made is taken back.
func (s *Session) compile(f *lang.File, commit bool) (chunk *fn, threads []*fn, err error) {
	desugarIndex(f)
	c := s.c
	p := c.prog
	snap := struct{ consts, names, sites, funcs, locks, expects, globals, threads int }{
		len(p.consts), len(p.names), len(p.sites), len(p.funcs), len(p.lockDecls), len(p.expects), len(c.globalIx), len(p.threads)}
	var newOps []string
	c.errs = nil
	c.wordsUsed = map[string]lang.Pos{}
	defer func() {
		// Whatever the chunk added or took back, the mover classes
		// worked out before it may be stale.
		p.gen.Add(1)
		if err == nil && commit {
			return
		}
		p.consts, p.names, p.sites = p.consts[:snap.consts], p.names[:snap.names], p.sites[:snap.sites]
		p.funcs, p.lockDecls, p.expects = p.funcs[:snap.funcs], p.lockDecls[:snap.locks], p.expects[:snap.expects]
		p.threads = p.threads[:snap.threads]
		for _, n := range c.newGlobals[snap.globals:] {
			delete(c.globalIx, n)
			delete(c.declared, n)
		}
		c.newGlobals = c.newGlobals[:snap.globals]
		for n, i := range c.funcIx {
			if i >= snap.funcs {
				delete(c.funcIx, n)
				delete(c.funcDefs, n)
			}
		}
		for _, n := range newOps {
			delete(c.opsIx, n)
		}
	}()
	newThreads := map[string]bool{}
	for _, it := range f.Items {
		switch it := it.(type) {
		case *lang.FuncDecl:
			if _, dup := c.funcIx[it.Def.Name]; dup {
				c.errorf(it.Pos, "func %s redeclared", it.Def.Name)
				continue
			}
			c.funcIx[it.Def.Name] = len(p.funcs)
			c.funcDefs[it.Def.Name] = it.Def
			p.funcs = append(p.funcs, &fn{name: it.Def.Name, kind: "func", nparams: len(it.Def.Params)})
			if rt.LookupOp(it.Def.Name) != nil {
				c.errorf(it.Pos, "func %s shadows the kernel operation of that name", it.Def.Name)
			}
		case *lang.OpsDecl:
			if _, dup := c.opsIx[it.Name]; dup {
				c.errorf(it.Pos, "ops %s redeclared", it.Name)
				continue
			}
			if _, v := c.globalIx[it.Name]; v {
				// In a script the ops would come first and the
				// assignment be the error; at the prompt the
				// variable came first.
				c.errorf(it.Pos, "ops %s: %s is already a variable", it.Name, it.Name)
				continue
			}
			c.opsIx[it.Name] = &rt.Ops{Name: it.Name}
			newOps = append(newOps, it.Name)
		case *lang.ThreadDecl:
			if s.threads[it.Name] != nil || newThreads[it.Name] {
				c.errorf(it.Pos, "thread %s redeclared", it.Name)
			}
			newThreads[it.Name] = true
		case *lang.KernelDecl:
			// The kernel of a session is chosen when it starts (repl
			// -kernel, or the line of the file it loads first, before
			// anything ran); a line naming another one later is an error.
			v, err := rt.ParseKernelVersion(it.Version)
			switch {
			case err != nil:
				c.errorf(it.Pos, "%v", err)
			case v == s.m.k.Config.Version:
			case f.Name != StdinName && s.m.steps == 0 && !s.opts.Kernel.Override:
				s.m.k.Config.Version = v
			default:
				c.errorf(it.Pos, "kernel %s: this session models %s (the kernel of a session is chosen when it starts: repl -kernel %s, or a file loaded first that says so)",
					it.Version, s.m.k.Config.Version, it.Version)
			}
		case *lang.ExpectDecl:
			// Typed ones are kept for Script (a session checks no
			// expectations; a loaded file's are left out of it).
			if f.Name != StdinName {
				continue
			}
			// Checked as a script checks them (compile.go): the saved
			// session is that script.
			p.expects = append(p.expects, it)
			if msg := expectLineError(it); msg != "" {
				c.errorf(it.Pos, "%s", msg)
			} else if okConflict(p.expects) != nil {
				c.errorf(it.Pos, "%s", okConflictMsg)
			}
		}
	}
	c.declareGlobals(f.Items)
	for _, it := range f.Items {
		switch it := it.(type) {
		case *lang.FuncDecl:
			if i, ok := c.funcIx[it.Def.Name]; ok && i >= snap.funcs && c.funcDefs[it.Def.Name] == it.Def {
				c.compileFunc(p.funcs[i], it.Def, "func "+it.Def.Name)
			}
		case *lang.OpsDecl:
			if contains(newOps, it.Name) {
				c.compileOps(it)
			}
		}
	}
	chunk = &fn{name: "main", kind: "setup", end: f.End}
	c.begin(chunk, true)
	for _, it := range f.Items {
		switch st := it.(type) {
		case *lang.ExprStmt:
			// An expression statement at the prompt shows its value,
			// unless it calls an operation that returns nothing.
			if call, ok := st.X.(*lang.CallExpr); ok {
				if op := rt.LookupOp(call.Name); op != nil && op.Result == rt.TNil && c.funcDefs[call.Name] == nil {
					c.stmt(st)
					continue
				}
			}
			c.emit(opStmt, 0, 0, st.Pos)
			c.expr(st.X)
			c.emit(opEcho, 0, 0, st.Pos)
		case lang.Stmt:
			c.stmt(st)
		}
	}
	c.emit(opRetNil, 0, 0, f.End)
	c.finish()
	for _, it := range f.Items {
		if t, ok := it.(*lang.ThreadDecl); ok {
			tf := &fn{name: t.Name, kind: "thread", end: t.Body.Close.Pos}
			c.begin(tf, false)
			c.block(t.Body)
			c.emit(opRetNil, 0, 0, t.Body.Close.Pos)
			c.finish()
			threads = append(threads, tf)
		}
	}
	// The static type check starts from the types earlier chunks gave
	// the globals: a variable has the join of every type it was given so
	// far, so a chunk is checked at least as strictly as the saved
	// session would be.
	types := c.typecheck(f)
	// A new variable may not take the name of a word an earlier chunk
	// gave a word parameter: in the saved session (where globals are
	// declared before any code runs) that word would become the variable.
	for _, n := range c.newGlobals[snap.globals:] {
		if pos, used := s.words[n]; used {
			at := f.Pos
			for _, it := range f.Items {
				if d, ok := it.(*lang.VarDecl); ok && d.Name == n {
					at = d.Pos
				} else if a, ok := it.(*lang.AssignStmt); ok && a.Name == n {
					at = a.Pos
				}
			}
			c.errorf(at, "%s is used as a word at %s: a variable of that name would mean the variable there in the saved session (choose another name)", n, pos)
		}
	}
	// A label of the top-level code may not be one an earlier chunk
	// defined (lang checked the chunk alone): the saved session would
	// define it twice. A goto names a label of its own chunk.
	var labels []*lang.LabelStmt
	for _, it := range f.Items {
		if l, ok := it.(*lang.LabelStmt); ok {
			labels = append(labels, l)
			if prev, dup := s.labels[l.Name]; dup {
				c.errorf(l.Pos, "label %s already defined at %s (the saved session is one script: give this one another name)", l.Name, prev)
			}
		}
	}
	c.errs.Sort()
	if err := c.errs.Err(); err != nil {
		c.errs = nil
		return nil, nil, err
	}
	if !commit {
		return nil, nil, nil
	}
	for _, l := range labels {
		s.labels[l.Name] = l.Pos
	}
	if c.globalTypes == nil {
		c.globalTypes = map[string]sType{}
	}
	for n, t := range types { // the globals this chunk named
		c.globalTypes[n] = t
	}
	for w, pos := range c.wordsUsed {
		if _, seen := s.words[w]; !seen {
			s.words[w] = pos
		}
	}
	p.threads = append(p.threads, threads...)
	// The field table, the globals and the lock classes grow with the
	// program.
	for i := len(p.fields); i < len(p.names); i++ {
		var g fieldGetters
		for t := range g {
			g[t], _ = rt.LookupField(rt.Type(t), p.names[i])
		}
		p.fields = append(p.fields, g)
	}
	for len(s.m.globals) < len(c.globalIx) {
		s.m.globals = append(s.m.globals, rt.Nil)
	}
	p.globals = append(p.globals, c.newGlobals[len(p.globals):]...)
	for _, d := range p.lockDecls[len(s.m.lockClasses):] {
		s.m.lockClasses = append(s.m.lockClasses, s.m.k.NewLockClass(d.name))
	}
	return chunk, threads, nil
}

// Script returns the session as a script: every chunk that ran, in order,
// and for each line of the script the position it had in the session.
// What a script cannot say is kept as comments: echoed expressions, the
// thread steps and runs taken between chunks (a script runs all its
// top-level code before its threads start), chunks stopped by an error,
// and the expect lines of loaded files (their line numbers would be off).
func (s *Session) Script() (string, []lang.Pos) {
	var b strings.Builder
	var lines []lang.Pos
	add := func(text string, pos lang.Pos) {
		b.WriteString(text)
		b.WriteByte('\n')
		lines = append(lines, pos)
	}
	add("# an mmscript session (:save)", lang.Pos{})
	turns, at, why := s.threadTurns()
	for k, e := range s.log {
		if why == "" && at[k] > 0 && !e.look && e.file != nil && hasStmt(e.file) {
			why = "top-level code ran between the threads' turns, and a script runs all of it before its threads start (:explore replays it in its place)"
		}
	}
	if len(turns) > 0 {
		sched := FormatSchedule(turns)
		if why == "" {
			add("# The threads took these turns at the prompt (:step, :run); a run of", lang.Pos{})
			add("# this script takes its own, replay the session's with", lang.Pos{})
			add("#   mmscript run -schedule '"+sched+"' FILE", lang.Pos{})
		} else {
			add("# The threads took these turns at the prompt (:step, :run): "+sched, lang.Pos{})
			add("# This script cannot replay them: "+why+".", lang.Pos{})
		}
	}
	for _, e := range s.log {
		if e.note != "" {
			add("# "+e.note, lang.Pos{})
			continue
		}
		if e.error {
			add("# stopped by an error:", lang.Pos{})
		}
		// An echoed expression has no effect and is no statement in a
		// script: it is blanked, and a line left empty shows it as a
		// comment.
		src := []byte(e.src)
		for _, sp := range e.bare {
			for i := sp[0]; i < sp[1]; i++ {
				if src[i] != '\n' {
					src[i] = ' '
				}
			}
		}
		// An echoed expression that calls something is kept, as an
		// assignment: a statement, and its calls act as they did. After
		// another statement on its line (`mm m!f()` is two), a ";" keeps
		// the two apart: `mm m_ = !f()` would be one declaration.
		for i := len(e.calls) - 1; i >= 0; i-- {
			at := e.calls[i]
			ins := "_ = "
			j := at - 1
			for j >= 0 && (src[j] == ' ' || src[j] == '\t') {
				j--
			}
			if j >= 0 && !strings.ContainsRune("\n{;", rune(src[j])) {
				ins = "; _ = "
			}
			src = append(src[:at], append([]byte(ins), src[at:]...)...)
		}
		orig := strings.Split(strings.TrimSuffix(e.src, "\n"), "\n")
		for i, l := range strings.Split(strings.TrimSuffix(string(src), "\n"), "\n") {
			pos := lang.Pos{Filename: e.name, Line: e.line + i}
			trimmed := strings.TrimSpace(l)
			switch {
			case e.error, trimmed == "" && strings.TrimSpace(orig[i]) != "":
				add("# "+orig[i], pos)
			case e.name != StdinName && (trimmed == "expect" || strings.HasPrefix(trimmed, "expect ")):
				add("# "+l, pos)
			default:
				add(l, pos)
			}
		}
	}
	return b.String(), lines
}

// Explore explores every interleaving of the session's threads from its
// current state. The explorer replays a program from its start for every
// interleaving (the kernel model has no snapshot to go back to), so the
// session is replayed as it ran: its top-level chunks, put together from
// their syntax trees (findings carry the session's own positions), each
// at its place among the threads' turns (Program.stages), and the turns
// taken so far as a prefix the search keeps to and explores no
// alternative in. The top-level thread ends after its last chunk: a lock
// it holds is held at exit, and a thread that needs it waits forever;
// Explore reports both, where the live session would wait for the next
// input.
//
// What a replay cannot reproduce makes the search start where the
// threads start instead, the turns taken being one of the interleavings
// it tries: a chunk stopped by an error, a BUG or a deadlock (the session
// went on in ways a program does not), or a top-level thread that waited
// in a chunk while the threads ran. It returns why, "" when it explored
// from the current state.
func (s *Session) Explore(o ExploreOptions) (res *ExploreResult, why string, err error) {
	file := &lang.File{Name: StdinName, End: lang.Pos{Filename: StdinName, Line: s.line}}
	turns, ats, why := s.threadTurns()
	var at []int
	for k, e := range s.log {
		if e.file == nil || e.error {
			continue
		}
		add := func(it lang.Item) {
			file.Items = append(file.Items, it)
			at = append(at, ats[k])
		}
		for _, it := range e.file.Items {
			switch it := it.(type) {
			case *lang.ExprStmt:
				if _, call := it.X.(*lang.CallExpr); !call {
					if !calls(it.X) {
						continue // an echoed expression: no effect
					}
					// It calls something: its calls act (see Script).
					add(&lang.AssignStmt{Pos: it.Pos, Name: "_", Value: it.X})
					continue
				}
			case *lang.ExpectDecl:
				continue // a session checks no expectations
			}
			add(it)
		}
	}
	if why != "" {
		at = nil // all top-level code first, as in the saved script
	}
	prog, err := compileStaged(file, at)
	if err != nil {
		return nil, "", fmt.Errorf("the session does not compile as a script: %v", err)
	}
	// The prefix: the threads' turns, as indices among the program's
	// threads.
	index := map[string]int{}
	for i, f := range prog.threads {
		index[f.name] = i
	}
	var prefix []int
	for _, name := range turns {
		i, ok := index[name]
		if !ok {
			if why == "" {
				why = "thread " + name + " is not in the script"
			}
			break
		}
		prefix = append(prefix, i)
	}
	if why == "" {
		o.prefix = prefix
	} else if len(prog.stages) > 0 {
		if prog, err = Compile(file); err != nil {
			return nil, "", fmt.Errorf("the session does not compile as a script: %v", err)
		}
	}
	return Explore(prog, o), why, nil
}

// threadTurns returns the turns the threads took at the prompt, by name;
// for each log entry, how many of them came before it; and why a replay
// of the session cannot reproduce them, "" when it can.
func (s *Session) threadTurns() (turns []string, at []int, why string) {
	// The turns of chunks that only looked at the state: no script
	// statement, no effect (Explore leaves them out).
	look := map[int]bool{}
	chunk := map[int]bool{} // turns taken by a chunk as it was typed
	for _, e := range s.log {
		for i := e.from; i < e.to; i++ {
			chunk[i] = true
			look[i] = look[i] || e.look
		}
	}
	sched := s.Schedule()
	before := make([]int, len(sched)+1)
	for i, name := range sched {
		before[i+1] = before[i]
		if look[i] {
			continue
		}
		if name == "main" || strings.HasPrefix(name, "main#") {
			if !chunk[i] && why == "" {
				// finishMain, :step or :run went on with a chunk the
				// top-level thread had blocked in: its statements ran
				// split around the threads' turns.
				why = "the top-level thread waited in a chunk while the threads ran"
			}
			continue
		}
		turns = append(turns, name)
		before[i+1]++
	}
	for _, e := range s.log {
		at = append(at, before[min(e.from, len(sched))])
		if e.error && why == "" {
			why = "a chunk stopped by an error, which the script keeps only as a comment"
		}
	}
	if !s.main.done && why == "" {
		why = "the top-level thread is in the middle of a chunk"
	}
	return turns, at, why
}

// hasStmt reports whether a chunk has a top-level statement other than an
// echoed expression that calls nothing.
func hasStmt(f *lang.File) bool {
	for _, it := range f.Items {
		if x, ok := it.(*lang.ExprStmt); ok && !calls(x.X) {
			continue
		}
		if _, ok := it.(lang.Stmt); ok {
			return true
		}
	}
	return false
}
