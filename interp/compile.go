package interp

import (
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

type opcode uint8

const (
	opStmt          opcode = iota // statement boundary: counts a step
	opConst                       // push consts[A]
	opLoadL                       // push locals[A]
	opStoreL                      // locals[A] = pop
	opLoadG                       // push globals[A]
	opStoreG                      // globals[A] = pop
	opCheckT                      // check the type of the top against declared type A (nil allowed for objects)
	opField                       // replace top with its field names[A]
	opUnary                       // A: '-', '!' or '~'
	opBinary                      // A: binop
	opAndJ                        // if !top: top=false, jump B; else pop
	opOrJ                         // if top: top=true, jump B; else pop
	opToBool                      // top = bool(top)
	opJmp                         // jump B
	opJmpF                        // pop; jump B if false
	opPop                         // pop
	opOpCall                      // kernel operation sites[A]
	opFnCall                      // script function funcs[A] with B args
	opRet                         // return pop
	opRetNil                      // return nil
	opAssert                      // pop; fail with consts[A] if false
	opNewObj                      // push a fresh object of type A named names[B]
	opNewLock                     // push a fresh script lock of declaration lockDecls[A]
	opPrint                       // print B values
	opEcho                        // pop; show the value (a REPL expression statement)
	opVMAEnd                      // replace top with its vm_end if a VMA, else with locals[A]'s (for VAR in vmas())
	opPathArg                     // check the top sites[A].nargs values against sites[A].op's parameters (a kernel path's call)
	opAddr                        // &var: push a pointer to locals[A] (globals[A] when B is 1), or the object var holds
	opDeref                       // *p: replace the pointer on top with the variable's value
	opStoreRef                    // *p = v: pop the pointer, pop v, store v into the variable
	opStoreField                  // x.f = v with x and v on top: the operation of sites[A..A+B) whose first parameter takes x's type
	opKernelVersion               // push LINUX_VERSION_CODE of the kernel modelled
	opRemovedArg                  // fail unless the kernel modelled is older than sites[A].op.Removed.Change (an argument it removed was passed)
	opPathForm                    // jump B when the top sites[A].nargs values fit sites[A+1].op (an MMForm) and not sites[A].op (a call whose form the run decides)
)

type instr struct {
	op  opcode
	a   int32
	b   int32
	pos int32 // index into fn.pos
}

// fn is a compiled function body: a thread, a handler, a func or the
// set-up code.
type fn struct {
	name    string
	kind    string // "thread", "handler", "func", "setup"
	nparams int
	nlocals int
	code    []instr
	pos     []lang.Pos
	end     lang.Pos // the closing brace
	handler *rt.Handler
	// path: a kernel-library function, or the script's own function that
	// overrides one; a thread in it shows it in call paths.
	path bool
	// local[pc] (see localFrom), worked out on first use: a session
	// appends code, and the explorer's workers share the function.
	local atomic.Pointer[[]bool]
}

// localFrom reports whether every path from pc to the function's return
// touches only the thread running it: locals, constants, arithmetic,
// asserts (a failed one ends the thread, which only the thread sees),
// forward jumps and the return. An operation, a call, a global, a field
// (a shared object's state), an allocation, output or a backward jump (a
// loop, which could run long) is not local. The machine runs a local
// tail in the same turn as the step before it (Machine.turn).
func (f *fn) localFrom(pc int) bool {
	tab := f.local.Load()
	if tab == nil || len(*tab) != len(f.code)+1 {
		t := make([]bool, len(f.code)+1)
		for i := len(f.code) - 1; i >= 0; i-- {
			in := f.code[i]
			switch in.op {
			case opStmt, opConst, opLoadL, opStoreL, opCheckT, opUnary, opBinary, opToBool, opPop, opAssert:
				t[i] = t[i+1]
			case opAndJ, opOrJ, opJmpF:
				t[i] = t[i+1] && int(in.b) > i && int(in.b) < len(t) && t[in.b]
			case opJmp:
				t[i] = int(in.b) > i && int(in.b) < len(t) && t[in.b]
			case opRet, opRetNil:
				t[i] = true
			}
		}
		tab = &t
		f.local.Store(tab)
	}
	return pc < len(*tab) && (*tab)[pc]
}

// callSite is one call of a kernel operation, bound at compile time.
type callSite struct {
	op    *rt.Op
	nargs int // values pushed: len(op.Params) plus variadic extras
	// alt is op's MMForm where the call fits both forms alike and its
	// values pick one at run time (runTimeForm): the MMForm when they
	// fit it and not op.
	alt *rt.Op
	// store marks the setter a field store stands for (vma.vm_flags =
	// flags): written as C writes it, it is the kernel's own step on
	// every kernel (rt.Call.AsKernel).
	store bool
}

// Program is a compiled script.
type Program struct {
	File *lang.File
	// kernel is the script's `kernel X.Y` line, nil without one.
	kernel *lang.KernelDecl
	// kernelVersion is the version it names.
	kernelVersion rt.KernelVersion
	setup         *fn
	threads       []*fn
	funcs         []*fn
	consts        []rt.Value
	names         []string
	fields        []fieldGetters // by name index: the getter of that field per type
	sites         []*callSite
	globals       []string
	expects       []*lang.ExpectDecl
	// singleRun: the script opted out of exploration (expect single_run);
	// mmscript test checks it on the default run only.
	singleRun bool
	// lockDecls are the script's lock declarations (mutex, spinlock, rwsem, srcu, bitlock).
	lockDecls []lockDecl
	// handlers are the ops blocks' handlers, which kernel operations call
	// (the mover analysis counts them as reachable from every thread).
	handlers []*fn
	// movers caches moverClasses (movers.go); gen counts the changes of
	// the program's code since it was compiled (a session's chunks), so
	// that the cache knows when it is stale.
	movers atomic.Pointer[moverCache]
	gen    atomic.Int64
	// stages are top-level code that runs between the threads' turns,
	// as a REPL session ran it (Session.Explore): each runs on the
	// top-level thread, alone and to completion, before thread turn at.
	// A script has none: its top-level code is all set-up.
	stages []stage
}

// stage is top-level code due before thread turn at (at > 0).
type stage struct {
	at int
	f  *fn
}

type lockDecl struct {
	name string
	kind rt.ScriptLockKind
}

// fieldGetters resolves a field name for each value type, so that a field
// read costs no map lookup.
type fieldGetters [rt.NumTypes]rt.FieldGetter

type binop uint8

const (
	bAdd binop = iota
	bSub
	bMul
	bDiv
	bMod
	bShl
	bShr
	bAnd
	bOr
	bXor
	bEq
	bNe
	bLt
	bLe
	bGt
	bGe
	bMin // the builtins min(a, b) and max(a, b)
	bMax
)

var binops = map[string]binop{
	"+": bAdd, "-": bSub, "*": bMul, "/": bDiv, "%": bMod, "<<": bShl, ">>": bShr,
	"&": bAnd, "|": bOr, "^": bXor, "==": bEq, "!=": bNe, "<": bLt, "<=": bLe, ">": bGt, ">=": bGe,
}

type compiler struct {
	prog *Program
	errs lang.ErrorList
	// undefinedHints counts the hints given for undefined names and
	// unknown operations.
	undefinedHints int
	globalIx       map[string]int
	globalT        map[string]rt.Type
	// globalTypes, in a session, are the static types earlier chunks
	// gave the globals (typecheck joins this chunk's into them).
	globalTypes map[string]sType
	// wordsUsed, in a session, records the bare words given to word
	// parameters (prot=r): a later variable of that name would make
	// them variable references in the saved session.
	wordsUsed map[string]lang.Pos
	fnResults map[string]sType // the static result type of each func (typecheck.go)
	funcIx    map[string]int
	funcDefs  map[string]*lang.FuncDef
	// libIx and libDefs: the library functions the script has a function
	// of the same name but other parameters for (kernellib.go); the
	// library's own calls reach these, the script's its own.
	libIx    map[string]int
	libDefs  map[string]*lang.FuncDef
	opsIx    map[string]*rt.Ops
	constIx  map[string]int
	declared map[string]bool // globals the set-up code has declared so far
	// forms are the calls bound to an operation's MMForm (forms.go);
	// declTypes the names the file declares with one type (evidentType).
	forms     map[*lang.CallExpr]*rt.Op
	declTypes map[string]rt.Type
	// newGlobals are the globals in the order declareGlobal added them
	// (a session takes back or indexes a chunk's own by it).
	newGlobals []string

	// noGlobals: compiling the kernel library, whose functions see no
	// script global (kernellib.go).
	noGlobals bool
	// walkLocks: the walk_lock each ops block was given (walkLock).
	walkLocks map[*rt.Ops]int64

	// per function
	f      *fn
	locals map[string]int
	setup  bool
	loops  []*loop // the loops around the statement being compiled, innermost last
	// labels: the code index of each label of the function compiled so
	// far; gotos: its goto jumps, patched by finish; decls: the
	// variables it declares, in order (a goto must not skip one it uses
	// after the label).
	labels map[string]int
	gotos  []gotoJump
	decls  []varDecl
}

// gotoJump is a goto's opJmp, pointed at its label when the function is
// finished.
type gotoJump struct {
	at int
	s  *lang.GotoStmt
}

// varDecl is where a function declares a variable: the code index of its
// first store, and the slot (a local's, or a global's in the set-up code).
type varDecl struct {
	name   string
	pos    lang.Pos
	at     int
	slot   int
	global bool
}

// loop collects the jumps of the break and continue statements in one
// loop, patched when the loop's end and its continue point are known.
type loop struct {
	breaks, continues []int
}

// Compile compiles a parsed script. Errors are a lang.ErrorList with
// file:line:col positions.
func Compile(file *lang.File) (*Program, error) { return compileStaged(file, nil) }

// compileStaged compiles file with its top-level statements split into
// stages: at[i] is the thread turn item i runs before, 0 for set-up (nil:
// all set-up). at never decreases along the items.
func compileStaged(file *lang.File, at []int) (*Program, error) {
	desugarIndex(file)
	c := &compiler{
		prog:     &Program{File: file},
		globalIx: map[string]int{},
		globalT:  map[string]rt.Type{},
		funcIx:   map[string]int{},
		funcDefs: map[string]*lang.FuncDef{},
		libIx:    map[string]int{},
		libDefs:  map[string]*lang.FuncDef{},
		opsIx:    map[string]*rt.Ops{},
		constIx:  map[string]int{},
		declared: map[string]bool{},
	}
	// Declarations first, so that order in the file does not matter.
	for _, it := range file.Items {
		switch it := it.(type) {
		case *lang.FuncDecl:
			c.funcIx[it.Def.Name] = len(c.prog.funcs)
			c.funcDefs[it.Def.Name] = it.Def
			c.prog.funcs = append(c.prog.funcs, &fn{name: it.Def.Name, kind: "func", nparams: len(it.Def.Params)})
			if op := rt.LookupOp(it.Def.Name); op != nil && !op.Path {
				// A pre-fix kernel is modelled by replacing a library
				// path; an operation is one atomic step in Go, which
				// its callers in Go would go on calling.
				c.errorf(it.Pos, "func %s shadows the kernel operation of that name (an atomic step, not a kernel-library path a script can replace): "+
					"give the func another name, or replace the library function that calls it and change the line there", it.Def.Name)
			}
		case *lang.OpsDecl:
			c.opsIx[it.Name] = &rt.Ops{Name: it.Name}
		case *lang.ExpectDecl:
			c.prog.expects = append(c.prog.expects, it)
		case *lang.KernelDecl:
			c.kernelDecl(it)
		}
	}
	lib, err := kernelFuncs()
	if err != nil {
		return nil, err
	}
	kernelUsed := c.declareKernelFuncs(lib)
	c.checkExpects()
	// Globals are the names the set-up code declares or assigns; handlers
	// and threads may use them wherever they stand in the file.
	c.declareGlobals(file.Items)
	for _, it := range file.Items {
		if f, ok := it.(*lang.FuncDecl); ok {
			c.compileFunc(c.prog.funcs[c.funcIx[f.Def.Name]], f.Def, "func "+f.Def.Name)
		}
		if o, ok := it.(*lang.OpsDecl); ok {
			c.compileOps(o)
		}
	}
	c.compileKernelFuncs(kernelUsed)
	// Set-up code: the top-level statements, in order.
	setup := &fn{name: "main", kind: "setup", end: file.End}
	c.begin(setup, true)
	c.prog.setup = setup
	cur := 0
	for i, it := range file.Items {
		s, ok := it.(lang.Stmt)
		if !ok {
			continue
		}
		if at != nil && at[i] > cur {
			c.emit(opRetNil, 0, 0, lang.Pos{Filename: file.Name})
			c.finish()
			cur = at[i]
			f := &fn{name: "main", kind: "setup", end: file.End}
			c.begin(f, true)
			c.prog.stages = append(c.prog.stages, stage{at: cur, f: f})
		}
		c.stmt(s)
	}
	c.emit(opRetNil, 0, 0, lang.Pos{Filename: file.Name})
	c.finish()
	for _, it := range file.Items {
		if t, ok := it.(*lang.ThreadDecl); ok {
			f := &fn{name: t.Name, kind: "thread", end: t.Body.Close.Pos}
			c.begin(f, false)
			c.block(t.Body)
			c.emit(opRetNil, 0, 0, t.Body.Close.Pos)
			c.finish()
			c.prog.threads = append(c.prog.threads, f)
		}
	}
	c.prog.fields = make([]fieldGetters, len(c.prog.names))
	for i, n := range c.prog.names {
		for t := range c.prog.fields[i] {
			c.prog.fields[i][t], _ = rt.LookupField(rt.Type(t), n)
		}
	}
	c.prog.globals = make([]string, len(c.globalIx))
	for n, i := range c.globalIx {
		c.prog.globals[i] = n
	}
	c.typecheck(file) // typecheck.go
	c.errs.Sort()
	if err := c.errs.Err(); err != nil {
		return nil, err
	}
	return c.prog, nil
}

func (c *compiler) errorf(pos lang.Pos, format string, args ...any) {
	c.errs.Add(pos, format, args...)
}

// declareGlobals declares the names that top-level items declare or
// assign: the globals of the set-up code.
func (c *compiler) declareGlobals(items []lang.Item) {
	for _, it := range items {
		switch s := it.(type) {
		case *lang.VarDecl:
			c.declareGlobal(s.Name)
		case *lang.AssignStmt:
			c.declareGlobal(s.Name)
		case *lang.ForStmt:
			c.declareGlobal(s.Var)
		}
	}
}

func (c *compiler) checkExpects() {
	var kept []*lang.ExpectDecl
	for _, e := range c.prog.expects {
		if msg := expectLineError(e); msg != "" {
			c.errorf(e.Pos, "%s", msg)
		}
		if e.Kind == "single_run" {
			c.prog.singleRun = true
			continue
		}
		kept = append(kept, e)
	}
	c.prog.expects = kept
	if ok := okConflict(kept); ok != nil {
		c.errorf(ok.Pos, "%s", okConflictMsg)
	}
}

// expectLineError is what is wrong with one expect line by itself, or "".
// A session checks its typed expect lines with it and okConflict, as a
// script's are checked.
func expectLineError(e *lang.ExpectDecl) string {
	switch {
	case e.Kind == "single_run" && (e.Text != "" || e.AtLine != 0 || e.Quant != ""):
		return "expect single_run takes no message, line or quantifier"
	case e.Kind == "ok" && (e.Text != "" || e.AtLine != 0):
		return "expect ok takes no message or line"
	}
	return ""
}

const okConflictMsg = "expect ok conflicts with the other expectations (say expect ok sometimes, or never)"

// okConflict returns the `expect ok` (meaning always) of a list of expect
// lines when the list also expects a finding, which it contradicts.
func okConflict(list []*lang.ExpectDecl) *lang.ExpectDecl {
	var ok *lang.ExpectDecl
	findings := 0
	for _, e := range list {
		switch {
		case e.Kind == "single_run" || expectLineError(e) != "":
		case e.Kind == "ok" && e.Quant != "sometimes" && e.Quant != "never":
			ok = e
		case e.Kind != "ok" && e.Quant != "never":
			findings++
		}
	}
	if findings > 0 {
		return ok
	}
	return nil
}

func (c *compiler) compileOps(o *lang.OpsDecl) {
	ops := c.opsIx[o.Name]
	for _, h := range o.Handlers {
		params, known := rt.HandlerSlots[h.Name]
		if !known {
			var names []string
			for n := range rt.HandlerSlots {
				names = append(names, n)
			}
			sort.Strings(names)
			c.errorf(h.Pos, "unknown handler %s in ops %s (want one of %s)%s", h.Name, o.Name, strings.Join(names, ", "), suggest(h.Name, names))
			continue
		}
		if len(h.Params) != len(params) {
			c.errorf(h.Pos, "handler %s takes %s (%s), got %d", h.Name, plural(len(params), "parameter"), strings.Join(params, ", "), len(h.Params))
			continue
		}
		f := &fn{name: o.Name + "." + h.Name, kind: "handler", nparams: len(params)}
		handler := &rt.Handler{Name: f.name, Params: len(params), Impl: f}
		f.handler = handler
		ops.SetHandler(h.Name, handler)
		c.prog.handlers = append(c.prog.handlers, f)
		c.compileFunc(f, h, "handler "+f.name)
	}
}

func (c *compiler) compileFunc(f *fn, d *lang.FuncDef, _ string) {
	f.end = d.Body.Close.Pos
	c.begin(f, false)
	for _, p := range d.Params {
		c.declareLocal(d.Pos, p)
	}
	c.block(d.Body)
	c.emit(opRetNil, 0, 0, d.Body.Close.Pos)
	c.finish()
}

func (c *compiler) begin(f *fn, setup bool) {
	c.f = f
	c.locals = map[string]int{}
	c.setup = setup
	c.loops = nil
	c.labels = map[string]int{}
	c.gotos = c.gotos[:0]
	c.decls = c.decls[:0]
}

func (c *compiler) finish() {
	c.f.nlocals = len(c.locals)
	c.patchGotos()
}

// patchGotos points each goto of the function at its label. lang has
// checked that the label exists in the goto's block or one around it;
// here a goto may still not find it in the function: in a session's
// explored script, the set-up code is cut at the turns the threads took,
// and a goto may not jump across one. A forward goto must not skip the
// declaration of a variable the code from the label on uses, as in Go:
// the variable would hold nil there, not a value the kernel's C, which
// declares its variables at the top of a block, would have.
func (c *compiler) patchGotos() {
	code := c.f.code
	for _, g := range c.gotos {
		to, ok := c.labels[g.s.Label]
		if !ok {
			c.errorf(g.s.Pos, "goto %s jumps across a thread turn of the session (the set-up code runs in pieces between the turns the threads took)", g.s.Label)
			continue
		}
		code[g.at].b = int32(to)
		for _, d := range c.decls {
			if d.at <= g.at || d.at >= to || !usesVar(code[to:], d.slot, d.global) {
				continue
			}
			c.errorf(g.s.Pos, "goto %s jumps over the declaration of %s at %s, which is used after the label: declare %s before the goto (as C declares it at the top of the function)", g.s.Label, d.name, d.pos, d.name)
			break
		}
	}
}

// usesVar reports whether code reads, stores or takes the address of the
// local slot (or the global, global set).
func usesVar(code []instr, slot int, global bool) bool {
	for _, in := range code {
		switch in.op {
		case opLoadL, opStoreL:
			if !global && int(in.a) == slot {
				return true
			}
		case opLoadG, opStoreG:
			if global && int(in.a) == slot {
				return true
			}
		case opAddr:
			if int(in.a) == slot && (in.b == 1) == global {
				return true
			}
		}
	}
	return false
}

func (c *compiler) emit(op opcode, a, b int32, pos lang.Pos) int {
	c.f.pos = append(c.f.pos, pos)
	c.f.code = append(c.f.code, instr{op: op, a: a, b: b, pos: int32(len(c.f.pos) - 1)})
	return len(c.f.code) - 1
}

func (c *compiler) patch(at int) { c.f.code[at].b = int32(len(c.f.code)) }

func (c *compiler) konst(v rt.Value) int32 {
	c.prog.consts = append(c.prog.consts, v)
	return int32(len(c.prog.consts) - 1)
}

func (c *compiler) name(s string) int32 {
	c.prog.names = append(c.prog.names, s)
	return int32(len(c.prog.names) - 1)
}

func (c *compiler) declareLocal(pos lang.Pos, name string) int {
	if i, ok := c.locals[name]; ok {
		return i
	}
	i := len(c.locals)
	c.locals[name] = i
	return i
}

// store emits a store to name, declaring it in the current scope if new:
// a global in the set-up code, a local elsewhere.
func (c *compiler) store(pos lang.Pos, name string, declare bool) {
	if c.reserved(pos, name) {
		return
	}
	if c.setup {
		c.declareGlobal(name)
		if declare && c.declared[name] {
			c.errorf(pos, "%s redeclared", name)
		}
		if !c.declared[name] {
			c.decls = append(c.decls, varDecl{name: name, pos: pos, at: len(c.f.code), slot: c.globalIx[name], global: true})
		}
		c.declared[name] = true
		c.emit(opStoreG, int32(c.globalIx[name]), 0, pos)
		return
	}
	if i, ok := c.locals[name]; ok {
		if declare {
			c.errorf(pos, "%s redeclared in this function", name)
		}
		c.emit(opStoreL, int32(i), 0, pos)
		return
	}
	if i, ok := c.globalIx[name]; ok && !declare && !c.noGlobals {
		c.emit(opStoreG, int32(i), 0, pos)
		return
	}
	i := c.declareLocal(pos, name)
	c.decls = append(c.decls, varDecl{name: name, pos: pos, at: len(c.f.code), slot: i})
	c.emit(opStoreL, int32(i), 0, pos)
}

func (c *compiler) declareGlobal(name string) {
	if _, ok := c.globalIx[name]; !ok {
		c.globalIx[name] = len(c.globalIx)
		c.newGlobals = append(c.newGlobals, name)
	}
}

func (c *compiler) reserved(pos lang.Pos, name string) bool {
	if _, ok := rt.Constants[name]; ok {
		c.errorf(pos, "cannot assign to constant %s", name)
		return true
	}
	if _, ok := c.opsIx[name]; ok {
		c.errorf(pos, "cannot assign to ops %s", name)
		return true
	}
	return false
}

func (c *compiler) block(b *lang.Block) {
	for _, s := range b.Stmts {
		c.stmt(s)
	}
}

func (c *compiler) stmt(s lang.Stmt) {
	pos := s.Position()
	if l, ok := s.(*lang.LabelStmt); ok {
		// A label is no statement that runs: no step of its own, the
		// statement after it is where a goto lands.
		c.labels[l.Name] = len(c.f.code)
		return
	}
	c.emit(opStmt, 0, 0, pos)
	switch s := s.(type) {
	case *lang.VarDecl:
		if kind, ok := rt.ScriptLockKindOf(s.Type); ok {
			c.lockDecl(s, kind)
			return
		}
		t, ok := rt.TypeByName(s.Type)
		if !ok {
			c.errorf(pos, "unknown type %s (want mm, file, page, page_array, vma, vmf, pte, lock, %s, int, bool or string)%s",
				s.Type, strings.Join(rt.ScriptLockKinds[:], ", "), suggest(s.Type, append([]string{"mm", "file", "page", "page_array", "vma", "vmf", "pte", "lock", "int", "bool", "string"}, rt.ScriptLockKinds[:]...)))
			return
		}
		if s.Value == nil {
			switch t {
			case rt.TMM, rt.TFile, rt.TPage, rt.TPageArray, rt.TFollowPfnmapArgs, rt.TFolioWalk, rt.TVMAIter:
				c.emit(opNewObj, int32(t), c.name(s.Name), pos)
			case rt.TInt:
				c.emit(opConst, c.konst(rt.Int(0)), 0, pos)
			case rt.TBool:
				c.emit(opConst, c.konst(rt.Bool(false)), 0, pos)
			default:
				c.emit(opConst, c.konst(rt.Nil), 0, pos)
			}
		} else {
			c.expr(s.Value)
			c.emit(opCheckT, int32(t), 0, s.Value.Position())
		}
		c.store(pos, s.Name, true)
	case *lang.AssignStmt:
		c.expr(assignValue(s))
		c.store(pos, s.Name, false)
	case *lang.FieldAssignStmt:
		if id, ok := s.X.X.(*lang.Ident); ok && s.X.Name == "walk_lock" {
			if o, isOps := c.opsIx[id.Name]; isOps {
				c.walkLock(s, o)
				return
			}
		}
		if stores := rt.FieldStoresByName(s.X.Name); len(stores) > 1 {
			c.fieldStoreDispatch(s, stores)
			return
		}
		if call := c.fieldStoreCall(s); call != nil {
			// The operation itself, even where the script defines a
			// func of its name (a pre-fix vma_replace_policy() whose
			// body is this very store).
			op := rt.LookupOp(call.Name)
			site := &callSite{op: op, nargs: c.bindArgs(call, op), store: true}
			c.prog.sites = append(c.prog.sites, site)
			c.emit(opOpCall, int32(len(c.prog.sites)-1), 0, pos)
			c.emit(opPop, 0, 0, pos)
		}
	case *lang.DerefAssignStmt:
		// *p = v, *p op= v: the store through a pointer to a variable
		if s.Op != "" {
			b, ok := binops[s.Op]
			if !ok {
				c.errorf(pos, "unknown operator %s=", s.Op)
				return
			}
			c.expr(s.X)
			c.emit(opDeref, 0, 0, pos)
			c.expr(s.Value)
			c.emit(opBinary, int32(b), 0, pos)
		} else {
			c.expr(s.Value)
		}
		c.expr(s.X)
		c.emit(opStoreRef, 0, 0, pos)
	case *lang.ExprStmt:
		c.expr(s.X)
		c.emit(opPop, c.discards(s.X), 0, pos)
	case *lang.WhileStmt:
		top := len(c.f.code) - 1 // the opStmt above: a step per iteration
		c.expr(s.Cond)
		exit := c.emit(opJmpF, 0, 0, pos)
		l := c.loopBody(s.Body)
		c.emit(opJmp, 0, int32(top), pos)
		c.patch(exit)
		c.endLoop(l, top)
	case *lang.BranchStmt:
		if len(c.loops) == 0 {
			c.errorf(pos, "%s is not in a loop (for, while or repeat)", s.Tok)
			return
		}
		l := c.loops[len(c.loops)-1]
		j := c.emit(opJmp, 0, 0, pos)
		if s.Tok == "break" {
			l.breaks = append(l.breaks, j)
		} else {
			l.continues = append(l.continues, j)
		}
	case *lang.GotoStmt:
		// A jump, as break is: no scheduling point. Leaving a loop by
		// it leaves the loop's hidden iterator state as break does;
		// entering the loop again starts it afresh.
		c.gotos = append(c.gotos, gotoJump{at: c.emit(opJmp, 0, 0, pos), s: s})
	case *lang.IfStmt:
		c.ifStmt(s)
	case *lang.ForStmt:
		if s.X != nil {
			c.forVMAs(s)
			return
		}
		c.expr(s.Lo)
		c.store(s.Pos, s.Var, false)
		hi := c.hidden(s.Pos, "for")
		c.expr(s.Hi)
		c.emit(opStoreL, int32(hi), 0, pos)
		v := c.lookupVar(s.Var)
		top := len(c.f.code)
		c.emit(opStmt, 0, 0, pos)
		c.load(v, pos)
		c.emit(opLoadL, int32(hi), 0, pos)
		c.emit(opBinary, int32(bLt), 0, pos)
		exit := c.emit(opJmpF, 0, 0, pos)
		l := c.loopBody(s.Body)
		next := len(c.f.code)
		c.load(v, pos)
		c.emit(opConst, c.konst(rt.Int(1)), 0, pos)
		c.emit(opBinary, int32(bAdd), 0, pos)
		c.store(s.Pos, s.Var, false)
		c.emit(opJmp, 0, int32(top), pos)
		c.patch(exit)
		c.endLoop(l, next)
	case *lang.RepeatStmt:
		n := c.hidden(s.Pos, "repeat")
		c.expr(s.Count)
		c.emit(opStoreL, int32(n), 0, pos)
		top := len(c.f.code)
		c.emit(opStmt, 0, 0, pos)
		c.emit(opLoadL, int32(n), 0, pos)
		c.emit(opConst, c.konst(rt.Int(0)), 0, pos)
		c.emit(opBinary, int32(bGt), 0, pos)
		exit := c.emit(opJmpF, 0, 0, pos)
		l := c.loopBody(s.Body)
		next := len(c.f.code)
		c.emit(opLoadL, int32(n), 0, pos)
		c.emit(opConst, c.konst(rt.Int(1)), 0, pos)
		c.emit(opBinary, int32(bSub), 0, pos)
		c.emit(opStoreL, int32(n), 0, pos)
		c.emit(opJmp, 0, int32(top), pos)
		c.patch(exit)
		c.endLoop(l, next)
	case *lang.AssertStmt:
		c.expr(s.Cond)
		msg := s.Msg
		if msg == "" {
			msg = "assertion failed"
		} else {
			msg = "assertion failed: " + msg
		}
		c.emit(opAssert, c.konst(rt.Str(msg)), 0, pos)
	case *lang.ReturnStmt:
		if s.Value == nil {
			c.emit(opRetNil, 0, 0, pos)
		} else {
			c.expr(s.Value)
			c.emit(opRet, 0, 0, pos)
		}
	default:
		c.errorf(pos, "unsupported statement %T", s)
	}
}

// fieldStoreCall is the call a store to a field stands for: the kernel's
// setter of the field (runtime.FieldStore), with the object and the value
// (for `x.f OP= v`, x.f OP (v)); nil after reporting a field that cannot
// be stored.
func (c *compiler) fieldStoreCall(s *lang.FieldAssignStmt) *lang.CallExpr {
	name := s.X.Name
	op, _ := rt.FieldStoreByName(name)
	if op == "" {
		if _, why := rt.FieldStore(rt.TVMA, name); why != "" {
			c.errorf(s.Pos, "cannot assign vma.%s: %s", name, why)
		} else if typ, why := rt.FieldNoStoreByName(name); why != "" {
			c.errorf(s.Pos, "cannot assign %s.%s: %s", typ, name, why)
		} else {
			c.errorf(s.Pos, "cannot assign the field %s: only fields the kernel stores alone can be (vma.vm_flags as vm_flags_reset(), vma.vm_policy as vma_replace_policy())", name)
		}
		return nil
	}
	value := s.Value
	if s.Op != "" {
		if !sideEffectFree(s.X.X) {
			c.errorf(s.Pos, "%s= on a field of a call's result: store it in a variable first", s.Op)
			return nil
		}
		value = &lang.BinaryExpr{Pos: s.Pos, Op: s.Op, X: s.X, Y: &lang.ParenExpr{Pos: s.Value.Position(), X: s.Value}}
	}
	return &lang.CallExpr{Pos: s.Pos, Name: op, RParen: s.Pos, Args: []*lang.Arg{
		{Pos: s.X.X.Position(), Value: s.X.X},
		{Pos: s.Value.Position(), Value: value},
	}}
}

// walkLock sets an ops block's mm_walk_ops.walk_lock (ops.walk_lock =
// PGWALK_WRLOCK) when the program is compiled: the kernel's ops are
// static const, the mode given in their initializer (`.walk_lock =
// PGWALK_RDLOCK`: fs/proc/task_mmu.c: smaps_walk_ops), so the store is a
// declaration, at the top level, of one constant.
func (c *compiler) walkLock(s *lang.FieldAssignStmt, o *rt.Ops) {
	if !c.setup || c.noGlobals {
		c.errorf(s.Pos, "%s.walk_lock is the kernel's const struct mm_walk_ops' .walk_lock: set it at the top level, not in a thread or a function", o.Name)
		return
	}
	var v int64
	switch x := s.Value.(type) {
	case *lang.Ident:
		n, ok := rt.Constants[x.Name]
		if !ok || !strings.HasPrefix(x.Name, "PGWALK_") {
			c.errorf(s.Value.Position(), "%s.walk_lock takes a PGWALK_* constant (PGWALK_RDLOCK, PGWALK_WRLOCK, PGWALK_WRLOCK_VERIFY, PGWALK_VMA_RDLOCK_VERIFY)", o.Name)
			return
		}
		v = n
	default:
		c.errorf(s.Value.Position(), "%s.walk_lock takes a PGWALK_* constant (PGWALK_RDLOCK, PGWALK_WRLOCK, PGWALK_WRLOCK_VERIFY, PGWALK_VMA_RDLOCK_VERIFY)", o.Name)
		return
	}
	if s.Op != "" {
		c.errorf(s.Pos, "%s.walk_lock %s= : set it with =", o.Name, s.Op)
		return
	}
	if c.walkLocks == nil {
		c.walkLocks = map[*rt.Ops]int64{}
	}
	if old, set := c.walkLocks[o]; set && old != v {
		c.errorf(s.Pos, "%s.walk_lock set twice to different modes: one struct mm_walk_ops has one walk_lock (declare another ops block for another mode, as the kernel declares one struct per mode)", o.Name)
		return
	}
	c.walkLocks[o] = v
	o.WalkLock = v
}

// fieldStoreDispatch compiles a store to a field that several types store
// (x.vma: a vma_remap_struct's, a follow_pfnmap_args's): the type x has
// where it is evident (follow_pfnmap_args args), else the one the object
// has at run time (opStoreField), each type's store being its own
// operation with the object and the value.
func (c *compiler) fieldStoreDispatch(s *lang.FieldAssignStmt, stores []rt.TypedStore) {
	value := s.Value
	if s.Op != "" {
		if !sideEffectFree(s.X.X) {
			c.errorf(s.Pos, "%s= on a field of a call's result: store it in a variable first", s.Op)
			return
		}
		value = &lang.BinaryExpr{Pos: s.Pos, Op: s.Op, X: s.X, Y: &lang.ParenExpr{Pos: s.Value.Position(), X: s.Value}}
	}
	if t, ok := c.evidentType(s.X.X); ok {
		for _, st := range stores {
			if st.Type == t {
				op := rt.LookupOp(st.Op)
				call := &lang.CallExpr{Pos: s.Pos, Name: st.Op, RParen: s.Pos, Args: []*lang.Arg{
					{Pos: s.X.X.Position(), Value: s.X.X}, {Pos: s.Value.Position(), Value: value}}}
				site := &callSite{op: op, nargs: c.bindArgs(call, op)}
				c.prog.sites = append(c.prog.sites, site)
				c.emit(opOpCall, int32(len(c.prog.sites)-1), 0, s.Pos)
				c.emit(opPop, 0, 0, s.Pos)
				return
			}
		}
	}
	c.expr(s.X.X)
	c.expr(value)
	first := len(c.prog.sites)
	for _, st := range stores {
		c.prog.sites = append(c.prog.sites, &callSite{op: rt.LookupOp(st.Op), nargs: 2})
	}
	c.emit(opStoreField, int32(first), int32(len(stores)), s.Pos)
	c.emit(opPop, 0, 0, s.Pos)
}

// sideEffectFree reports whether x is a name or a chain of fields of one,
// which x.f OP= v may read twice.
func sideEffectFree(x lang.Expr) bool {
	switch x := x.(type) {
	case *lang.Ident:
		return true
	case *lang.SelectorExpr:
		return sideEffectFree(x.X)
	case *lang.ParenExpr:
		return sideEffectFree(x.X)
	}
	return false
}

// assignValue is the value an assignment stores: for `x OP= v`, x OP (v).
func assignValue(s *lang.AssignStmt) lang.Expr {
	if s.Op == "" {
		return s.Value
	}
	return &lang.BinaryExpr{Pos: s.Pos, Op: s.Op, X: &lang.Ident{Pos: s.Pos, Name: s.Name}, Y: s.Value}
}

// loopBody compiles a loop's body with a new loop context for its break
// and continue statements.
func (c *compiler) loopBody(b *lang.Block) *loop {
	l := &loop{}
	c.loops = append(c.loops, l)
	c.block(b)
	c.loops = c.loops[:len(c.loops)-1]
	return l
}

// endLoop points the loop's breaks past the code emitted so far and its
// continues at next.
func (c *compiler) endLoop(l *loop, next int) {
	for _, j := range l.breaks {
		c.patch(j)
	}
	for _, j := range l.continues {
		c.f.code[j].b = int32(next)
	}
}

// vmaIterMax is the end of vmas(mm): for_each_vma() walks to ULONG_MAX.
const vmaIterMax = 1<<63 - 1

// forVMAs compiles `for VAR in vmas(mm[, start, end]) { }`, the kernel's
// for_each_vma_range(vmi, vma, end) (for_each_vma() without a range).
// Like the kernel's VMA iterator it looks each VMA up when the loop
// reaches it (vma_find(): the first VMA that ends above the iterator's
// position and starts below end), so the body may change the tree: each
// lookup is a vma_find step with the iterator's locking rule (the mmap
// lock or RCU; under RCU alone the VMA must be read-locked before use),
// and other threads run between them. The iterator goes on after the VMA the loop variable
// holds when the next iteration starts: a body that replaces it with
// what a split or merge left (as mprotect_fixup() does) continues after
// that one, as the kernel's iterator, which those operations reposition,
// does. When the loop ends VAR is nil, as the kernel's vma is NULL.
// isVMAs reports whether x is a vmas(...) call, the for_each_vma form of
// a for loop (any other expression is a page array to iterate).
func isVMAs(x lang.Expr) bool {
	call, ok := x.(*lang.CallExpr)
	return ok && call.Name == "vmas"
}

// forPages compiles `for VAR in PAGES`: VAR takes each entry of a
// page_array in index order (for (i = 0; i < nr; i++) page = pages[i]),
// the array's length read again before each entry.
func (c *compiler) forPages(s *lang.ForStmt) {
	pos := s.Pos
	arrL := c.hidden(pos, "pages.array")
	iL := c.hidden(pos, "pages.i")
	c.expr(s.X)
	c.emit(opStoreL, int32(arrL), 0, pos)
	c.emit(opConst, c.konst(rt.Int(0)), 0, pos)
	c.emit(opStoreL, int32(iL), 0, pos)
	top := len(c.f.code)
	c.emit(opStmt, 0, 0, pos)
	c.emit(opLoadL, int32(iL), 0, pos)
	c.emit(opLoadL, int32(arrL), 0, pos)
	c.prog.sites = append(c.prog.sites, &callSite{op: rt.LookupOp("page_array_len"), nargs: 1})
	c.emit(opOpCall, int32(len(c.prog.sites)-1), 0, pos)
	c.emit(opBinary, int32(bLt), 0, pos)
	exit := c.emit(opJmpF, 0, 0, pos)
	c.emit(opLoadL, int32(arrL), 0, pos)
	c.emit(opLoadL, int32(iL), 0, pos)
	c.prog.sites = append(c.prog.sites, &callSite{op: rt.LookupOp("page_array_get"), nargs: 2})
	c.emit(opOpCall, int32(len(c.prog.sites)-1), 0, pos)
	c.store(pos, s.Var, false)
	l := c.loopBody(s.Body)
	next := len(c.f.code)
	c.emit(opLoadL, int32(iL), 0, pos)
	c.emit(opConst, c.konst(rt.Int(1)), 0, pos)
	c.emit(opBinary, int32(bAdd), 0, pos)
	c.emit(opStoreL, int32(iL), 0, pos)
	c.emit(opJmp, 0, int32(top), pos)
	c.patch(exit)
	c.endLoop(l, next)
}

// isVMAIterLoop reports whether s is a kernel loop macro over a VMA
// iterator: for_each_vma(vmi, vma) { } or for_each_vma_range(vmi, vma,
// end) { }.
func isVMAIterLoop(s *lang.ForStmt) bool {
	call, ok := s.X.(*lang.CallExpr)
	return ok && s.Macro && (call.Name == "for_each_vma" || call.Name == "for_each_vma_range")
}

// forEachVMA compiles the kernel's macros over a VMA iterator as they
// expand (include/linux/mm.h): for_each_vma(vmi, vma) is while ((vma =
// vma_next(&vmi)) != NULL), for_each_vma_range(vmi, vma, end) is while
// ((vma = vma_find(&vmi, end)) != NULL), end evaluated at each step as
// the macro's argument is. The iterator moves after each VMA found; the
// body may reposition it (vma_iter_set); continue takes the next step;
// vma is NULL when the loop ends, unless left by break.
func (c *compiler) forEachVMA(s *lang.ForStmt) {
	pos := s.Pos
	call := s.X.(*lang.CallExpr)
	step := &lang.CallExpr{Pos: call.Pos, Name: "vma_next", RParen: call.RParen, Args: []*lang.Arg{{Pos: call.Args[0].Pos, Value: call.Args[0].Value}}}
	if call.Name == "for_each_vma_range" {
		step.Name = "vma_find"
		step.Args = append(step.Args, &lang.Arg{Pos: call.Args[1].Pos, Value: call.Args[1].Value})
	}
	top := len(c.f.code)
	c.emit(opStmt, 0, 0, pos)
	c.expr(step)
	c.store(pos, s.Var, false)
	c.load(c.lookupVar(s.Var), pos)
	exit := c.emit(opJmpF, 0, 0, pos)
	l := c.loopBody(s.Body)
	c.emit(opJmp, 0, int32(top), pos)
	c.patch(exit)
	c.endLoop(l, top)
}

func (c *compiler) forVMAs(s *lang.ForStmt) {
	pos := s.Pos
	if isVMAIterLoop(s) {
		c.forEachVMA(s)
		return
	}
	if !isVMAs(s.X) {
		c.forPages(s)
		return
	}
	call := s.X.(*lang.CallExpr)
	if n := len(call.Args); n != 1 && n != 3 {
		c.errorf(call.Pos, "vmas takes mm, or mm, start and end (for_each_vma / for_each_vma_range), got %s", plural(n, "argument"))
		return
	}
	for _, a := range call.Args {
		if a.Name != "" {
			c.errorf(a.Pos, "vmas takes no named arguments")
			return
		}
	}
	find := rt.LookupOp("vma_find").MMForm // vma_find(mm, addr, end): the iterator is the loop's own
	mmL := c.hidden(pos, "vmas.mm")
	addrL := c.hidden(pos, "vmas.addr")
	endL := c.hidden(pos, "vmas.end")
	curL := c.hidden(pos, "vmas.vma")
	c.expr(call.Args[0].Value)
	c.emit(opStoreL, int32(mmL), 0, pos)
	if len(call.Args) == 3 {
		c.expr(call.Args[1].Value)
		c.emit(opStoreL, int32(addrL), 0, pos)
		c.expr(call.Args[2].Value)
		c.emit(opStoreL, int32(endL), 0, pos)
	} else {
		c.emit(opConst, c.konst(rt.Int(0)), 0, pos)
		c.emit(opStoreL, int32(addrL), 0, pos)
		c.emit(opConst, c.konst(rt.Int(vmaIterMax)), 0, pos)
		c.emit(opStoreL, int32(endL), 0, pos)
	}
	top := len(c.f.code)
	c.emit(opStmt, 0, 0, pos)
	c.emit(opLoadL, int32(mmL), 0, pos)
	c.emit(opLoadL, int32(addrL), 0, pos)
	c.emit(opLoadL, int32(endL), 0, pos)
	c.prog.sites = append(c.prog.sites, &callSite{op: find, nargs: 3})
	c.emit(opOpCall, int32(len(c.prog.sites)-1), 0, pos)
	c.emit(opStoreL, int32(curL), 0, pos)
	c.emit(opLoadL, int32(curL), 0, pos)
	c.store(pos, s.Var, false)
	c.emit(opLoadL, int32(curL), 0, pos)
	exit := c.emit(opJmpF, 0, 0, pos) // no VMA left below end: VAR is nil
	l := c.loopBody(s.Body)
	next := len(c.f.code)
	c.load(c.lookupVar(s.Var), pos)
	c.emit(opVMAEnd, int32(curL), 0, pos)
	c.emit(opStoreL, int32(addrL), 0, pos)
	c.emit(opJmp, 0, int32(top), pos)
	c.patch(exit)
	c.endLoop(l, next)
}

// lockDecl compiles `mutex NAME`, `spinlock NAME`, `rwsem NAME`, `srcu NAME` or `bitlock NAME`: a lock
// of the script's own (a driver's mutex). Each declaration is one lockdep
// class, as a statically declared lock is in the kernel.
func (c *compiler) lockDecl(s *lang.VarDecl, kind rt.ScriptLockKind) {
	if s.Value != nil {
		c.errorf(s.Value.Position(), "a %s is declared without a value: %s %s", s.Type, s.Type, s.Name)
		return
	}
	if len(c.prog.lockDecls) >= rt.MaxScriptLocks {
		c.errorf(s.Pos, "too many lock declarations (%s; at most %d)", strings.Join(rt.ScriptLockKinds[:], ", "), rt.MaxScriptLocks)
		return
	}
	c.prog.lockDecls = append(c.prog.lockDecls, lockDecl{name: s.Name, kind: kind})
	c.emit(opNewLock, int32(len(c.prog.lockDecls)-1), 0, s.Pos)
	c.store(s.Pos, s.Name, true)
}

// hidden allocates an unnamed local (loop counters). In the set-up code
// locals live in the setup frame too.
func (c *compiler) hidden(pos lang.Pos, what string) int {
	return c.declareLocal(pos, fmt.Sprintf(" %s%d", what, len(c.locals)))
}

func (c *compiler) ifStmt(s *lang.IfStmt) {
	pos := s.Pos
	c.expr(s.Cond)
	jf := c.emit(opJmpF, 0, 0, pos)
	c.block(s.Then)
	if s.Else == nil {
		c.patch(jf)
		return
	}
	jend := c.emit(opJmp, 0, 0, pos)
	c.patch(jf)
	if s.Else.If != nil {
		c.ifStmt(s.Else.If)
	} else {
		c.block(s.Else.Block)
	}
	c.patch(jend)
}

type varRef struct {
	global bool
	index  int
	ok     bool
}

func (c *compiler) lookupVar(name string) varRef {
	if !c.setup {
		if i, ok := c.locals[name]; ok {
			return varRef{index: i, ok: true}
		}
	} else if i, ok := c.locals[name]; ok && strings.HasPrefix(name, " ") {
		return varRef{index: i, ok: true}
	}
	if i, ok := c.globalIx[name]; ok && !c.noGlobals {
		return varRef{global: true, index: i, ok: true}
	}
	return varRef{}
}

func (c *compiler) load(v varRef, pos lang.Pos) {
	if v.global {
		c.emit(opLoadG, int32(v.index), 0, pos)
	} else {
		c.emit(opLoadL, int32(v.index), 0, pos)
	}
}

func (c *compiler) expr(e lang.Expr) {
	pos := e.Position()
	switch e := e.(type) {
	case *lang.IntLit:
		c.emit(opConst, c.konst(rt.Int(e.Value)), 0, pos)
	case *lang.StringLit:
		c.emit(opConst, c.konst(rt.Str(e.Value)), 0, pos)
	case *lang.BoolLit:
		c.emit(opConst, c.konst(rt.Bool(e.Value)), 0, pos)
	case *lang.NilLit:
		c.emit(opConst, c.konst(rt.Nil), 0, pos)
	case *lang.ParenExpr:
		c.expr(e.X)
	case *lang.Ident:
		c.ident(e)
	case *lang.SelectorExpr:
		c.expr(e.X)
		c.emit(opField, c.name(e.Name), 0, pos)
	case *lang.UnaryExpr:
		if e.Op == "&" {
			// &obj where the kernel passes a pointer to a struct
			// (walk_page_vma(vma, &ops, NULL), spin_lock(&m.page_table_lock)):
			// mmscript's objects are references already, so it is obj;
			// & of an int or a bool is taken only by a by-reference
			// parameter (arg), and is an error here (opUnary '&')
			if id, ok := e.X.(*lang.Ident); ok {
				// &var: a pointer to the variable, as C passes
				// fixup_user_fault(mm, addr, flags, &unlocked); the
				// object var holds where it holds one
				if v := c.lookupVar(id.Name); v.ok {
					g := int32(0)
					if v.global {
						g = 1
					}
					c.emit(opAddr, int32(v.index), g, pos)
					return
				}
			}
			if t, ok := c.evidentType(e.X); ok && (t == rt.TInt || t == rt.TBool || t == rt.TNil) {
				c.errorf(pos, "unexpected & of %s (%s)", t, addrOfMsg)
				return
			}
			c.expr(e.X)
			c.emit(opUnary, int32('&'), 0, pos)
			return
		}
		if e.Op == "*" {
			c.expr(e.X)
			c.emit(opDeref, 0, 0, pos)
			return
		}
		c.expr(e.X)
		c.emit(opUnary, int32(e.Op[0]), 0, pos)
	case *lang.BinaryExpr:
		switch e.Op {
		case "&&", "||":
			c.expr(e.X)
			op := opAndJ
			if e.Op == "||" {
				op = opOrJ
			}
			j := c.emit(op, 0, 0, pos)
			c.expr(e.Y)
			c.emit(opToBool, 0, 0, pos)
			c.patch(j)
			return
		}
		b, ok := binops[e.Op]
		if !ok {
			c.errorf(pos, "unknown operator %s", e.Op)
			return
		}
		c.expr(e.X)
		c.expr(e.Y)
		c.emit(opBinary, int32(b), 0, pos)
	case *lang.CallExpr:
		c.call(e)
	default:
		c.errorf(pos, "unsupported expression %T", e)
	}
}

func (c *compiler) ident(e *lang.Ident) {
	if v := c.lookupVar(e.Name); v.ok {
		c.load(v, e.Pos)
		return
	}
	if o, ok := c.opsIx[e.Name]; ok {
		c.emit(opConst, c.konst(rt.Obj(rt.TOps, o)), 0, e.Pos)
		return
	}
	if k, ok := rt.Constants[e.Name]; ok {
		c.emit(opConst, c.konst(rt.Int(k)), 0, e.Pos)
		return
	}
	if e.Name == linuxVersionCode {
		c.emit(opKernelVersion, 0, 0, e.Pos)
		return
	}
	if note, ok := rt.AliasNote(e.Name); ok {
		c.errorf(e.Pos, "undefined: %s (%s)", e.Name, note)
		return
	}
	hint := ""
	if c.undefinedHints < maxUndefinedHints {
		// Each hint compares the name with every name in scope: a
		// script of thousands of undefined names among thousands of
		// declared ones took minutes (200,000: hours) to check.
		c.undefinedHints++
		hint = suggest(e.Name, c.knownNames())
	}
	c.errorf(e.Pos, "undefined: %s%s", e.Name, hint)
}

// maxUndefinedHints bounds the "did you mean" hints for undefined names
// and unknown operations in one compilation.
const maxUndefinedHints = 100

func (c *compiler) knownNames() []string {
	var ns []string
	for n := range c.locals {
		ns = append(ns, n)
	}
	for n := range c.globalIx {
		ns = append(ns, n)
	}
	for n := range c.opsIx {
		ns = append(ns, n)
	}
	for n := range rt.Constants {
		ns = append(ns, n)
	}
	return ns
}

// word returns the literal word an argument spells for a word parameter:
// a bare identifier that is not a variable, or such identifiers joined by |.
func (c *compiler) word(e lang.Expr) (string, bool) {
	switch e := e.(type) {
	case *lang.Ident:
		if c.lookupVar(e.Name).ok {
			return "", false
		}
		return e.Name, true
	case *lang.StringLit:
		return e.Value, true
	case *lang.BinaryExpr:
		if e.Op != "|" {
			return "", false
		}
		x, ok1 := c.word(e.X)
		y, ok2 := c.word(e.Y)
		return x + "|" + y, ok1 && ok2
	}
	return "", false
}

// wordParts calls f with each word of an expression word accepted, and
// the position to report it at.
func wordParts(e lang.Expr, f func(w string, pos lang.Pos)) {
	switch e := e.(type) {
	case *lang.Ident:
		f(e.Name, e.Pos)
	case *lang.StringLit:
		if e.Value == "" {
			return // no words: no flags (mmap()'s vm= default)
		}
		for _, w := range strings.Split(e.Value, "|") {
			f(w, e.Pos)
		}
	case *lang.BinaryExpr:
		wordParts(e.X, f)
		wordParts(e.Y, f)
	}
}

// discards is the A of the opPop that ends the expression statement x
// just compiled: 1 + the call site when x is a call of an operation whose
// result the kernel declares __must_check (rt.API.UnusedRule), so that
// the run reports the discarded result; 0 otherwise.
func (c *compiler) discards(x lang.Expr) int32 {
	if _, ok := x.(*lang.CallExpr); !ok || len(c.f.code) == 0 {
		return 0
	}
	in := c.f.code[len(c.f.code)-1]
	if in.op != opOpCall {
		return 0
	}
	if op := c.prog.sites[in.a].op; op.API == nil || op.API.UnusedRule() == nil {
		return 0
	}
	return in.a + 1
}

func (c *compiler) call(e *lang.CallExpr) {
	if isMinMax(c, e.Name) {
		c.minMax(e)
		return
	}
	if e.Name == "print" {
		for _, a := range e.Args {
			if a.Name != "" {
				c.errorf(a.Pos, "print takes no named arguments")
			}
			c.expr(a.Value)
		}
		c.emit(opPrint, 0, int32(len(e.Args)), e.Pos)
		return
	}
	if isKernelVersion(c, e.Name) {
		c.kernelVersion(e)
		return
	}
	e = c.removedArg(e)
	_, ownSignature := c.libIx[e.Name]
	if op := rt.LookupOp(e.Name); op != nil && op.Path && (c.noGlobals || !ownSignature) {
		c.pathCall(e, c.pickForm(e, op))
		return
	}
	if _, isFunc := c.funcIx[e.Name]; e.Name == "vmas" && !isFunc {
		c.errorf(e.Pos, "vmas is the VMA iterator of a for loop: for vma in vmas(mm, start, end) { }")
		return
	}
	if i, d, ok := c.funcFor(e.Name); ok {
		if len(e.Args) != len(d.Params) {
			if !c.noGlobals { // in the library: the override is reported
				c.errorf(e.Pos, "%s takes %s, got %d", e.Name, plural(len(d.Params), "argument"), len(e.Args))
			}
			return
		}
		for _, a := range e.Args {
			if a.Name != "" {
				c.errorf(a.Pos, "func %s takes no named arguments", e.Name)
			}
			c.expr(a.Value)
		}
		c.emit(opFnCall, int32(i), int32(len(e.Args)), e.Pos)
		return
	}
	op := rt.LookupOp(e.Name)
	if op == nil {
		if note, ok := rt.AliasNote(e.Name); ok {
			c.errorf(e.Pos, "unknown operation %s (%s)", e.Name, note)
			return
		}
		hint := ""
		if c.undefinedHints < maxUndefinedHints {
			// As for undefined names: each hint sorts and compares the
			// thousand operation names and the script's funcs, and a
			// file of two million misspelled calls took minutes.
			c.undefinedHints++
			names := rt.OpNames()
			for n := range c.funcIx {
				names = append(names, n)
			}
			hint = suggest(e.Name, names)
		}
		c.errorf(e.Pos, "unknown operation %s%s", e.Name, hint)
		return
	}
	op = c.pickForm(e, op)
	site := &callSite{op: op, nargs: c.bindArgs(e, op), alt: c.runTimeForm(e, op)}
	c.prog.sites = append(c.prog.sites, site)
	c.emit(opOpCall, int32(len(c.prog.sites)-1), 0, e.Pos)
	c.refsOut(e, op)
}

// refsOut stores, after a call of op, what its by-reference parameters
// (rt.Param.Ref) hold into the variables passed for them (&num): the
// machine pushes them above the result, in parameter order.
func (c *compiler) refsOut(e *lang.CallExpr, op *rt.Op) {
	bound := boundArgs(e, op)
	for i := len(op.Params) - 1; i >= 0; i-- {
		if !op.Params[i].Ref {
			continue
		}
		if v, ok := refVar(bound[i]); ok {
			c.store(v.Pos, v.Name, false)
		} else {
			c.emit(opPop, 0, 0, e.Pos)
		}
	}
}

// refKind names what a by-reference parameter points to, as C declares it.
func refKind(p rt.Param) string {
	if p.Type == rt.TBool {
		return "bool *" + p.Name
	}
	return "unsigned long *" + p.Name
}

// refVar is the variable x passes by reference, &v.
func refVar(x lang.Expr) (*lang.Ident, bool) {
	u, ok := x.(*lang.UnaryExpr)
	if !ok || u.Op != "&" {
		return nil, false
	}
	v, ok := u.X.(*lang.Ident)
	return v, ok
}

// addrOfMsg ends the error for a unary & mmscript does not take.
const addrOfMsg = "&obj of an object is the object (spin_lock(&m.page_table_lock), walk_page_vma(vma, &ops, NULL)); " +
	"&var of an int or bool variable is a pointer to it (vm_insert_pages(vma, addr, pages, &num), fixup_user_fault(mm, addr, flags, &unlocked), a func's *p)"

// funcFor returns the function a call of name reaches from the code being
// compiled: in the library, the library's own where the script's function
// of that name takes other parameters.
func (c *compiler) funcFor(name string) (int, *lang.FuncDef, bool) {
	if i, ok := c.libIx[name]; ok && c.noGlobals {
		return i, c.libDefs[name], true
	}
	i, ok := c.funcIx[name]
	return i, c.funcDefs[name], ok
}

// isMinMax reports whether a call of name is the builtin min or max (the
// kernel's min()/max() macros), which a script func of that name hides.
func isMinMax(c *compiler, name string) bool {
	if name != "min" && name != "max" {
		return false
	}
	_, isFunc := c.funcIx[name]
	return !isFunc
}

// minMax compiles min(a, b, ...) or max(a, b, ...) over integers.
func (c *compiler) minMax(e *lang.CallExpr) {
	if len(e.Args) < 2 {
		c.errorf(e.Pos, "%s takes two or more integers, got %d", e.Name, len(e.Args))
		return
	}
	op := bMin
	if e.Name == "max" {
		op = bMax
	}
	for i, a := range e.Args {
		if a.Name != "" {
			c.errorf(a.Pos, "%s takes no named arguments", e.Name)
		}
		c.expr(a.Value)
		if i > 0 {
			c.emit(opBinary, int32(op), 0, e.Pos)
		}
	}
}

// bindArgs pushes a call's arguments bound to op's parameters (positional,
// named, defaults) and returns how many values it pushed.
func (c *compiler) bindArgs(e *lang.CallExpr, op *rt.Op) int {
	bound := make([]lang.Expr, len(op.Params))
	var extra []lang.Expr
	next := 0
	for _, a := range e.Args {
		if a.Name != "" {
			i := paramIndex(op, a.Name)
			if i < 0 {
				var pn []string
				for _, p := range op.Params {
					pn = append(pn, p.Name)
				}
				c.errorf(a.Pos, "%s has no parameter %s (parameters: %s)%s", op.Name, a.Name, strings.Join(pn, ", "), suggest(a.Name, pn))
				continue
			}
			if bound[i] != nil {
				c.errorf(a.Pos, "%s: parameter %s given twice", op.Name, a.Name)
			}
			bound[i] = a.Value
			continue
		}
		for next < len(op.Params) && bound[next] != nil {
			next++
		}
		switch {
		case next < len(op.Params):
			bound[next] = a.Value
			next++
		case len(op.Params) > 0 && op.Params[len(op.Params)-1].Variadic:
			extra = append(extra, a.Value)
		default:
			c.errorf(a.Pos, "too many arguments to %s (want %d)", op.Name, len(op.Params))
		}
	}
	for i, p := range op.Params {
		if bound[i] == nil {
			if !p.Optional && !p.Variadic {
				c.errorf(e.Pos, "%s: missing argument %s", op.Name, p.Name)
				continue
			}
			c.emit(opConst, c.konst(p.Default), 0, e.Pos)
			continue
		}
		c.arg(op, p, bound[i])
	}
	for _, x := range extra {
		c.arg(op, op.Params[len(op.Params)-1], x)
	}
	nargs := len(op.Params) + len(extra)
	if n := len(op.Params); n > 0 && op.Params[n-1].Variadic && bound[n-1] == nil {
		nargs-- // no variadic value at all: the default was not pushed
		c.f.code = c.f.code[:len(c.f.code)-1]
		c.f.pos = c.f.pos[:len(c.f.pos)-1]
	}
	return nargs
}

// pathCall compiles a call of a kernel path (rt.Op.Path): the arguments
// bind to the operation's parameters as for any operation, and the call
// goes to the function of that name, the kernel library's or the
// script's own.
func (c *compiler) pathCall(e *lang.CallExpr, op *rt.Op) {
	i, _, ok := c.funcFor(op.LibFunc())
	if !ok {
		c.errorf(e.Pos, "%s: the kernel library has no function %s", op.Name, op.LibFunc())
		return
	}
	n := c.bindArgs(e, op)
	if want := c.prog.funcs[i].nparams; n != want {
		c.errorf(e.Pos, "%s: %s takes %s, the operation passes %d", op.Name, op.LibFunc(), plural(want, "parameter"), n)
		return
	}
	if alt := c.runTimeForm(e, op); alt != nil {
		// Both forms fit and bind the same values: the run decides
		// (copy_to_user(mm, addr, n) in a func whose mm is a parameter
		// is mmscript's form; copy_to_user(ubuf, &karg, n) the kernel's).
		if j, _, ok := c.funcFor(alt.LibFunc()); ok && c.prog.funcs[j].nparams == n && c.prog.funcs[i].kind == "kernel" && c.prog.funcs[j].kind == "kernel" {
			c.prog.sites = append(c.prog.sites, &callSite{op: op, nargs: n}, &callSite{op: alt, nargs: n})
			at := len(c.prog.sites) - 2
			form := c.emit(opPathForm, int32(at), 0, e.Pos)
			c.emit(opPathArg, int32(at), 0, e.Pos)
			c.emit(opFnCall, int32(i), int32(n), e.Pos)
			end := c.emit(opJmp, 0, 0, e.Pos)
			c.patch(form)
			c.emit(opPathArg, int32(at+1), 0, e.Pos)
			c.emit(opFnCall, int32(j), int32(n), e.Pos)
			c.patch(end)
			return
		}
	}
	if c.prog.funcs[i].kind == "kernel" {
		// The library's function takes what the operation's parameters
		// take, checked at run time as an operation's arguments are (a
		// script's own version takes what its own code takes).
		c.prog.sites = append(c.prog.sites, &callSite{op: op, nargs: n})
		c.emit(opPathArg, int32(len(c.prog.sites)-1), 0, e.Pos)
	}
	c.emit(opFnCall, int32(i), int32(n), e.Pos)
	c.lockedOut(e, op)
}

// lockedOut stores, after a GUP call given a variable for the kernel's
// int *locked (rt.Param.LockedOut), whether the caller still holds the
// mm's mmap lock: the kernel's *locked = 0 when a fault dropped it.
func (c *compiler) lockedOut(e *lang.CallExpr, op *rt.Op) {
	var locked, mm lang.Expr
	for i, x := range boundArgs(e, op) {
		switch {
		case x == nil:
		case op.Params[i].LockedOut:
			locked = x
		case op.Params[i].Name == "mm":
			mm = x
		}
	}
	if r, ok := refVar(locked); ok {
		locked = r // &locked, as the kernel passes it
	}
	v, ok := locked.(*lang.Ident)
	if !ok || mm == nil {
		return
	}
	if _, isConst := rt.Constants[v.Name]; isConst || v.Name == "true" || v.Name == "false" {
		return
	}
	_, local := c.locals[v.Name]
	_, global := c.globalIx[v.Name]
	if !local && !(global && !c.noGlobals) {
		return
	}
	held := &lang.CallExpr{Pos: v.Pos, Name: "lockdep_is_held", Args: []*lang.Arg{{Pos: v.Pos, Value: &lang.SelectorExpr{Pos: v.Pos, X: mm, Name: "mmap_lock"}}}}
	c.expr(held)
	c.store(v.Pos, v.Name, false)
}

// boundArgs is which argument of a call binds to each of op's parameters
// (nil: none), as bindArgs binds them.
func boundArgs(e *lang.CallExpr, op *rt.Op) []lang.Expr {
	bound := make([]lang.Expr, len(op.Params))
	next := 0
	for _, a := range e.Args {
		if a.Name != "" {
			if i := paramIndex(op, a.Name); i >= 0 {
				bound[i] = a.Value
			}
			continue
		}
		for next < len(op.Params) && bound[next] != nil {
			next++
		}
		if next < len(op.Params) {
			bound[next] = a.Value
			next++
		}
	}
	return bound
}

func (c *compiler) arg(op *rt.Op, p rt.Param, x lang.Expr) {
	if p.Ref && op.Path {
		// A kernel path's pointer parameter (fixup_user_fault()'s bool
		// *unlocked): the library function gets the pointer, tests it
		// as C does (if (unlocked)) and stores through it
		// (*unlocked = true).
		if _, ok := refVar(x); ok {
			c.expr(x)
			return
		}
		if _, ok := x.(*lang.NilLit); ok && p.Nilable {
			c.expr(x)
			return
		}
		if _, ok := c.evidentType(x); ok {
			c.errorf(x.Position(), "%s: argument %s is the kernel's pointer, %s: pass a variable by reference, &%s, or NULL%s", op.Name, p.Name, refKind(p), p.Name, hint(p))
			return
		}
		c.expr(x) // a pointer a func was given, passed on
		return
	}
	if p.Ref || p.LockedOut {
		if v, ok := refVar(x); ok {
			c.expr(v)
			return
		}
		if u, ok := x.(*lang.UnaryExpr); ok && u.Op == "&" {
			c.errorf(u.Pos, "%s: argument %s: & takes a variable here (&%s)", op.Name, p.Name, p.Name)
			return
		}
		if p.Ref {
			what := "an int"
			if p.Type >= rt.TMM {
				what = "a " + p.Type.String() + " pointer" // find_vma_prev()'s struct vm_area_struct **pprev
			}
			c.errorf(x.Position(), "%s: argument %s is the kernel's pointer to %s, which the call sets: pass a variable by reference, &%s", op.Name, p.Name, what, p.Name)
			return
		}
	}
	if p.Type == rt.TInt && p.WordValue != nil {
		// mmap's words for an int parameter (mprotect's prot=rw): the
		// value the kernel's flags give (PROT_READ|PROT_WRITE)
		if w, ok := c.word(x); ok && !c.allConstants(x) {
			if v, ok := p.WordValue(w); ok {
				c.emit(opConst, c.konst(rt.Int(v)), 0, x.Position())
				return
			}
			if p.Hint != "" {
				c.errorf(x.Position(), "%s: %s is not a valid %s%s", op.Name, w, p.Name, hint(p))
				return
			}
			c.errorf(x.Position(), "%s: %s is not a valid %s (the kernel's flags, e.g. PROT_READ | PROT_WRITE, or mmap's words, e.g. rw; none excludes the others)", op.Name, w, p.Name)
			return
		}
	}
	if p.Type == rt.TWord {
		if w, ok := c.word(x); ok {
			if c.wordsUsed != nil {
				wordParts(x, func(part string, pos lang.Pos) {
					if _, seen := c.wordsUsed[part]; !seen {
						c.wordsUsed[part] = pos
					}
				})
			}
			if len(p.Words) > 0 {
				wordParts(x, func(part string, pos lang.Pos) {
					if !contains(p.Words, part) {
						want := wantWords(op.Name, p.Words)
						c.errorf(pos, "%s: %s is not a valid %s (want %s)%s", op.Name, part, p.Name, want, suggest(part, p.Words))
					}
				})
			}
			c.emit(opConst, c.konst(rt.Word(w)), 0, x.Position())
			return
		}
	}
	c.expr(x)
}

// wantWords lists the words a word parameter takes, for an error: all of
// them when they are few; mmscript's own words and the prefix of the
// kernel's names (MAP_*, FAULT_FLAG_*) when those make them many; else
// where to find them.
func wantWords(op string, words []string) string {
	if len(words) <= 12 {
		return strings.Join(words, ", ")
	}
	var own, kernel []string
	for _, w := range words {
		if strings.ToUpper(w) == w {
			kernel = append(kernel, w)
		} else {
			own = append(own, w)
		}
	}
	// the kernel's names' common prefix, up to its last '_'
	prefix := ""
	if len(kernel) > 0 {
		prefix = kernel[0]
		for _, w := range kernel[1:] {
			for !strings.HasPrefix(w, prefix) {
				prefix = prefix[:len(prefix)-1]
			}
		}
		prefix = prefix[:strings.LastIndex(prefix, "_")+1]
	}
	if len(own) == 0 || len(own) > 12 || prefix == "" {
		return "one of the words `mmscript explain " + op + "` lists"
	}
	return strings.Join(own, ", ") + ", or the kernel's " + prefix + "* names"
}

// allConstants reports whether the words of x are all constants of the
// kernel's (PROT_READ | PROT_WRITE), which compile as ints.
func (c *compiler) allConstants(x lang.Expr) bool {
	all := true
	wordParts(x, func(w string, _ lang.Pos) {
		if _, ok := rt.Constants[w]; !ok {
			all = false
		}
	})
	return all
}

// plural spells n things: "1 argument", "2 arguments".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

func paramIndex(op *rt.Op, name string) int {
	for i, p := range op.Params {
		if p.Name == name {
			return i
		}
	}
	return -1
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// suggest returns " (did you mean X?)" for the closest known name.
func suggest(name string, known []string) string {
	// At most two edits, and fewer than the name has letters: "y" is not
	// a typo of "m".
	best, bestD := "", min(3, len(name))
	for _, k := range known {
		if strings.HasPrefix(k, " ") || abs(len(k)-len(name)) > bestD {
			// The distance is at least the difference in length:
			// this skips most of the thousand operation names, and
			// a paste of many typos took a second for each 2,000.
			continue
		}
		if d := rt.EditDistance(name, k); d < bestD || d == bestD && best != "" && k < best {
			best, bestD = k, d
		}
	}
	if best == "" || best == name {
		return ""
	}
	return " (did you mean " + best + "?)"
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
