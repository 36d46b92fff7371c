package interp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
	rt "github.com/mmscript/mmscript/runtime"
)

// exec runs t's top script frame until it performs one kernel-operation
// step (yield), returns into a native frame, or ends. ok is false when the
// run must stop.
func (m *Machine) exec(t *Thread) (ok, yield bool) {
	fr := &t.fr[len(t.fr)-1]
	f := fr.f
	code := f.code
	p := m.prog
	for {
		in := code[fr.pc]
		fr.pc++
		switch in.op {
		case opStmt:
			m.steps++
			t.steps++
			if t.steps > t.limit {
				m.stepLimit(t, f.pos[in.pos])
				return true, true
			}
			if m.steps&1023 == 0 && m.stop != nil && m.stop.Load() {
				m.fail(t, f.pos[in.pos], "interrupted")
				return false, true
			}
		case opConst:
			t.stack = append(t.stack, p.consts[in.a])
		case opLoadL:
			t.stack = append(t.stack, t.stack[fr.base+int(in.a)])
		case opStoreL:
			n := len(t.stack) - 1
			t.stack[fr.base+int(in.a)] = t.stack[n]
			t.stack = t.stack[:n]
		case opLoadG:
			if m.fp != nil {
				m.fp.Add(rt.AGlobal, uint32(in.a), false)
			}
			t.stack = append(t.stack, m.globals[in.a])
		case opStoreG:
			if m.fp != nil {
				m.fp.Add(rt.AGlobal, uint32(in.a), true)
			}
			n := len(t.stack) - 1
			if v := t.stack[n]; v.T == rt.TRef && v.Int >= 0 {
				m.fail(t, f.pos[in.pos], "a pointer to a local variable stored in global "+p.globals[in.a]+": it would outlive the function (pass it down as an argument instead)")
				return true, true
			}
			m.globals[in.a] = t.stack[n]
			t.stack = t.stack[:n]
		case opPop:
			t.stack = t.stack[:len(t.stack)-1]
			if in.a != 0 { // a __must_check result discarded (compiler.discards)
				t.Task.Pos = f.pos[in.pos]
				m.k.ResultUnused(t.Task, p.sites[in.a-1].op)
			}
		case opJmp:
			fr.pc = int(in.b)
		case opJmpF:
			n := len(t.stack) - 1
			v := t.stack[n]
			t.stack = t.stack[:n]
			if !v.Truth() {
				fr.pc = int(in.b)
			}
		case opAndJ, opOrJ:
			n := len(t.stack) - 1
			truth := t.stack[n].Truth()
			if truth == (in.op == opOrJ) {
				t.stack[n] = rt.Bool(truth)
				fr.pc = int(in.b)
			} else {
				t.stack = t.stack[:n]
			}
		case opVMAEnd:
			n := len(t.stack) - 1
			v, ok := t.stack[n].Obj.(*mmcore.VMA)
			if !ok || t.stack[n].T != rt.TVMA {
				v, _ = t.stack[fr.base+int(in.a)].Obj.(*mmcore.VMA)
			}
			t.stack[n] = rt.Int(int64(v.End()))
		case opToBool:
			n := len(t.stack) - 1
			t.stack[n] = rt.Bool(t.stack[n].Truth())
		case opUnary:
			n := len(t.stack) - 1
			v := t.stack[n]
			switch byte(in.a) {
			case '-':
				if v.T != rt.TInt {
					m.fail(t, f.pos[in.pos], fmt.Sprintf("cannot negate %s", v.T))
					return true, true
				}
				t.stack[n] = rt.Int(-v.Int)
			case '~':
				if v.T != rt.TInt {
					m.fail(t, f.pos[in.pos], fmt.Sprintf("cannot complement %s (~ takes an int)", v.T))
					return true, true
				}
				t.stack[n] = rt.Int(^v.Int)
			case '&':
				if v.T < rt.TMM || v.T == rt.TWord {
					m.fail(t, f.pos[in.pos], fmt.Sprintf("& of %s (%s)", v.T, addrOfMsg))
					return true, true
				}
			default:
				t.stack[n] = rt.Bool(!v.Truth())
			}
		case opBinary:
			n := len(t.stack) - 2
			r, err := binary(binop(in.a), t.stack[n], t.stack[n+1])
			if err != "" {
				m.fail(t, f.pos[in.pos], err)
				return true, true
			}
			t.stack[n] = r
			t.stack = t.stack[:n+1]
		case opCheckT:
			v := t.stack[len(t.stack)-1]
			want := rt.Type(in.a)
			if v.T != want && !(v.T == rt.TNil && want >= rt.TMM) {
				m.fail(t, f.pos[in.pos], fmt.Sprintf("cannot use %s value as %s", v.T, want))
				return true, true
			}
		case opField:
			n := len(t.stack) - 1
			if m.fp != nil {
				m.k.TouchesField(t.stack[n])
			}
			unstable := false
			if x := t.stack[n]; x.T == rt.TVMA {
				// a freed or stale VMA is wrong to read, not only to pass
				m.k.VMAField(t.Task, x, p.names[in.a], f.pos[in.pos])
				unstable = m.k.VMAFieldUnstable(t.Task, x)
			}
			if x := t.stack[n]; int(x.T) < len(p.fields[in.a]) {
				if get := p.fields[in.a][x.T]; get != nil {
					t.stack[n] = get(m.k, x.Obj)
					if unstable {
						return true, true
					}
					break
				}
			}
			// nil, or no such field: Field explains.
			if o := t.stack[n].NilOrigin(); o != nil {
				t.Task.Pos = f.pos[in.pos]
				m.k.NullDereferenced(t.Task, o, "the read of ."+p.names[in.a])
				return true, true
			}
			v, err := m.k.Field(t.stack[n], p.names[in.a])
			if err != nil {
				m.fail(t, f.pos[in.pos], err.Error())
				return true, true
			}
			t.stack[n] = v
			if unstable {
				// The load is a step of its own: the kernel's plain read of a
				// field no held lock keeps stable races with its writers until
				// the lock it takes next (v6.4 lock_vma_under_rcu() tested
				// vma->anon_vma before vma_start_read(); 657b5146955e).
				return true, true
			}
		case opNewObj:
			if m.fp != nil {
				m.fp.Alloc()
			}
			v, err := m.newObj(rt.Type(in.a), p.names[in.b])
			if err != nil {
				m.fail(t, f.pos[in.pos], err.Error())
				return true, true
			}
			rt.SetOwner(v, t.Task) // a kernel struct is its declarer's (runtime/owned.go)
			t.stack = append(t.stack, v)
		case opNewLock:
			if m.fp != nil {
				m.fp.Alloc()
			}
			d := p.lockDecls[in.a]
			t.stack = append(t.stack, rt.Obj(rt.TLock, m.k.NewScriptLock(m.lockClasses[in.a], d.name, d.kind)))
		case opAssert:
			n := len(t.stack) - 1
			v := t.stack[n]
			t.stack = t.stack[:n]
			if !v.Truth() {
				d := &rt.Diagnostic{Kind: rt.Error, Pos: f.pos[in.pos], Rule: "assert", Msg: p.consts[in.a].Obj.(string), Thread: t.Name}
				m.k.Report(d)
				t.done, t.fail = true, true
				return true, true
			}
		case opPrint:
			n := len(t.stack) - int(in.b)
			if m.opts.Output != nil {
				var parts []string
				for _, v := range t.stack[n:] {
					parts = append(parts, v.String())
				}
				fmt.Fprintf(m.opts.Output, "%s: %s\n", t.Name, strings.Join(parts, " "))
			}
			t.stack = append(t.stack[:n], rt.Nil)
		case opEcho:
			n := len(t.stack) - 1
			v := t.stack[n]
			t.stack = t.stack[:n]
			if m.echo != nil {
				m.echo(v)
			}
		case opAddr:
			// &var: a pointer to the variable (Value.Int: its slot on
			// the thread's stack, or -1-index for a global), or the
			// object it holds (mmscript's objects are references)
			var v rt.Value
			if in.b == 1 {
				v = m.globals[in.a]
			} else {
				v = t.stack[fr.base+int(in.a)]
			}
			if v.T < rt.TMM || v.T == rt.TWord {
				if in.b == 1 {
					v = rt.Value{T: rt.TRef, Int: -1 - int64(in.a)}
				} else {
					v = rt.Value{T: rt.TRef, Int: int64(fr.base) + int64(in.a)}
				}
			}
			t.stack = append(t.stack, v)
		case opDeref, opStoreRef:
			n := len(t.stack) - 1
			r := t.stack[n]
			if r.T != rt.TRef {
				if r.T == rt.TNil {
					m.fail(t, f.pos[in.pos], "NULL pointer dereference: * of nil (the caller passed NULL; test the pointer first, as C's if (p))")
				} else {
					m.fail(t, f.pos[in.pos], fmt.Sprintf("* of %s: * reads through a pointer to a variable, &var", r.T))
				}
				return true, true
			}
			var slot *rt.Value
			if r.Int < 0 {
				g := int(-1 - r.Int)
				if m.fp != nil {
					m.fp.Add(rt.AGlobal, uint32(g), in.op == opStoreRef)
				}
				slot = &m.globals[g]
			} else {
				slot = &t.stack[r.Int]
			}
			if in.op == opDeref {
				t.stack[n] = *slot
				break
			}
			v := t.stack[n-1]
			if v.T == rt.TRef && v.Int >= 0 && r.Int < 0 {
				m.fail(t, f.pos[in.pos], "a pointer to a local variable stored in a global: it would outlive the function")
				return true, true
			}
			*slot = v
			t.stack = t.stack[:n-1]
		case opPathArg:
			site := p.sites[in.a]
			op := site.op
			if v := m.k.Config.Version; v != rt.Mainline {
				// A kernel older than the path: a script's call fails
				// (the library's own calls are its steps on that kernel);
				// an older signature is checked as that kernel had it.
				if msg := op.MissingIn(v); msg != "" && f.kind != "kernel" {
					m.fail(t, f.pos[in.pos], msg)
					return true, true
				}
				op = op.In(v)
			}
			if msg := checkArgs(op, t.stack[len(t.stack)-site.nargs:]); msg != "" {
				msg += op.OlderNote(m.k.Config.Version)
				m.badArg(t, f.pos[in.pos], op, t.stack[len(t.stack)-site.nargs:], msg)
				return true, true
			}
		case opPathForm:
			// the values decide the form where the types did not show
			// at compile time: the MMForm when they fit it and not the
			// kernel's form (which, fitting neither, reports against
			// the kernel's, as the compiler does)
			vals := t.stack[len(t.stack)-p.sites[in.a].nargs:]
			if checkArgs(p.sites[in.a].op, vals) != "" && checkArgs(p.sites[in.a+1].op, vals) == "" {
				fr.pc = int(in.b)
			}
		case opKernelVersion:
			t.stack = append(t.stack, rt.Int(m.k.Config.Version.Code()))
		case opRemovedArg:
			if r := p.sites[in.a].op.Removed; !m.k.Config.Version.Before(r.Change.Version) {
				m.fail(t, f.pos[in.pos], fmt.Sprintf("%s: the %s argument does not exist in %s: removed in %s; %s",
					p.sites[in.a].op.Name, r.Name, m.k.Config.Version, r.Change, r.Note))
				return true, true
			}
		case opStoreField:
			x := t.stack[len(t.stack)-2]
			var site *callSite
			for _, s := range p.sites[in.a : in.a+in.b] {
				if s.op.Params[0].Type == x.T {
					site = s
				}
			}
			if site == nil {
				var ts []string
				for _, s := range p.sites[in.a : in.a+in.b] {
					ts = append(ts, s.op.Params[0].Type.String())
				}
				m.fail(t, f.pos[in.pos], fmt.Sprintf("cannot assign the field %s of %s: only %s store it", p.sites[in.a].op.Params[1].Name, x.T, strings.Join(ts, " and ")))
				return true, true
			}
			return m.opCall(t, f, in, site)
		case opOpCall:
			return m.opCall(t, f, in, p.sites[in.a])
		case opFnCall:
			if len(t.fr) >= maxFrames {
				m.fail(t, f.pos[in.pos], "call stack too deep (recursion?)")
				return true, true
			}
			callee := p.funcs[in.a]
			if callee.path {
				t.Task.EnterPath(callee.name, f.pos[in.pos])
			}
			m.push(t, callee, int(in.b))
			return true, false
		case opRet, opRetNil:
			v := rt.Nil
			if in.op == opRet {
				v = t.stack[len(t.stack)-1]
				if v.T == rt.TRef && v.Int >= int64(fr.base) {
					m.fail(t, f.pos[in.pos], "return of a pointer to a local variable of "+f.name+": it does not outlive the function")
					return true, true
				}
			}
			t.stack = t.stack[:fr.base]
			t.fr = t.fr[:len(t.fr)-1]
			if f.path {
				v = t.Task.PathResult(v)
				t.Task.LeavePath()
			}
			if len(t.fr) == 0 {
				t.done = true
				if !t.live {
					m.k.ExitTask(t.Task, t.end)
				}
				return true, true
			}
			if top := &t.fr[len(t.fr)-1]; top.cont != nil {
				top.call.RetPos = f.pos[in.pos] // a handler returns to its operation
			}
			m.pushValue(t, v)
			return true, false
		}
	}
}

// stepLimitMsg starts the message of the step limit's error.
const stepLimitMsg = "step limit of"

// stepLimit stops t, which has run its budget of statements (Thread.limit).
//
// The limit is per thread, and it stops only that thread, for the
// explorer's soundness: a step's footprint (runtime/footprint.go) declares
// what it reads and writes, and DPOR takes steps whose footprints do not
// meet as independent. A global count of statements is read and written
// by every statement of every thread, so with it the order of "independent"
// steps decided which thread the limit cut short and where, and ending the
// whole run disabled every other thread's steps: DPOR and the sleep sets
// then missed findings the naive search made. Declaring the global count
// in every footprint would make all steps dependent (no reduction left).
// A thread's own count depends only on the thread's own steps, and the
// thread's control flow on what its steps read, which their footprints
// declare; stopping only the thread is like any other script error (the
// thread ends, its locks stay held, the others go on). The guarantee that
// no script hangs holds: every thread runs at most limit statements, so a
// run at most (threads+1) x limit.
func (m *Machine) stepLimit(t *Thread, pos lang.Pos) {
	m.stepLimitHit = true
	m.fail(t, pos, fmt.Sprintf(stepLimitMsg+" %d statements exceeded by thread %s (an unbounded loop? each thread may run %d statements; raise it with -max-steps)", t.limit-t.base, t.Name, t.limit-t.base))
}

// badArg stops t at a bad argument of op (checkArgs said msg): a NULL
// result of an API that the caller did not test is the kernel's NULL
// dereference, a finding of that API's rule; anything else is the
// script's error.
func (m *Machine) badArg(t *Thread, pos lang.Pos, op *rt.Op, args []rt.Value, msg string) {
	for i, v := range args {
		if o := v.NilOrigin(); o != nil && !acceptsNil(op.Params[min(i, len(op.Params)-1)]) {
			t.Task.Pos = pos
			m.k.NullDereferenced(t.Task, o, op.Name+"() (argument "+op.Params[min(i, len(op.Params)-1)].Name+")")
			return // an oops: the task is dead, its locks stay held
		}
	}
	m.fail(t, pos, msg)
}

// acceptsNil says whether p takes a nil argument (checkArgs lets it pass).
func acceptsNil(p rt.Param) bool {
	return p.Nilable || p.Optional && p.Type >= rt.TMM || p.Type == rt.TBool
}

// checkArgs checks argument types against the operation's parameters.
func checkArgs(op *rt.Op, args []rt.Value) string {
	for i, v := range args {
		pi := min(i, len(op.Params)-1)
		p := op.Params[pi]
		if v.T == p.Type || p.TakesAny(v.T) {
			continue
		}
		switch {
		case p.Any:
			return fmt.Sprintf("%s: argument %s cannot be %s (%s)", op.Name, p.Name, v.T, p.Hint)
		case v.T == rt.TRef && p.Ref:
			continue // a kernel path's pointer parameter (fixup_user_fault()'s &unlocked)
		case v.T == rt.TRef:
			return fmt.Sprintf("%s: argument %s must be %s, got a pointer (pass the value, *%s)", op.Name, p.Name, p.Type, p.Name)
		case v.T == rt.TNil && (p.Nilable || p.Optional && p.Type >= rt.TMM):
			continue
		case p.Type == rt.TWord && v.T == rt.TString:
			args[i] = rt.Word(v.Obj.(string))
			continue
		case p.Type == rt.TWord && v.T == rt.TInt && p.FromInt != nil:
			if w, ok := p.FromInt(v.Int); ok {
				args[i] = rt.Word(w)
				continue
			}
			return fmt.Sprintf("%s: argument %s: %#x is not a valid %s%s", op.Name, p.Name, v.Int, p.Name, flagBitsHint(p, v.Int))
		case p.Type == rt.TInt && (v.T == rt.TString || v.T == rt.TWord) && p.WordValue != nil:
			if n, ok := p.WordValue(v.Obj.(string)); ok {
				args[i] = rt.Int(n)
				continue
			}
			return fmt.Sprintf("%s: argument %s: %q is not a valid %s%s", op.Name, p.Name, v.Obj, p.Name, hint(p))
		case p.Type == rt.TBool && v.T == rt.TWord && (v.Obj == "true" || v.Obj == "false"):
			args[i] = rt.Bool(v.Obj == "true")
			continue
		case p.Type == rt.TBool && (v.T == rt.TInt || v.T == rt.TNil || v.T >= rt.TMM):
			args[i] = rt.Bool(v.Truth()) // C's conversion of a scalar or a pointer to bool
			continue
		case v.T == rt.TNil:
			return fmt.Sprintf("%s: argument %s is nil (did a lookup or lock attempt fail?)", op.Name, p.Name)
		}
		return fmt.Sprintf("%s: argument %s must be %s, got %s%s", op.Name, p.Name, p.Type, v.T, hint(p))
	}
	if op.Consistent != nil {
		return op.Consistent(args)
	}
	return ""
}

// hint is ": " and the parameter's Hint, or nothing.
func hint(p rt.Param) string {
	if p.Hint == "" {
		return ""
	}
	return ": " + p.Hint
}

func (m *Machine) newObj(t rt.Type, name string) (rt.Value, error) {
	switch t {
	case rt.TMM:
		mm, err := m.k.NewMM(name)
		if err != nil {
			return rt.Nil, err
		}
		return rt.Obj(rt.TMM, mm), nil
	case rt.TFile:
		return rt.Obj(rt.TFile, m.k.NewFile(name, DefaultFilePages)), nil
	case rt.TPage:
		p, err := m.k.Mem.AllocPage()
		if err != nil {
			return rt.Nil, err
		}
		return rt.Obj(rt.TPage, p), nil
	case rt.TPageArray:
		// `page_array pages`: the caller's struct page *pages[] for GUP
		// to fill, empty until then.
		return rt.Obj(rt.TPageArray, &rt.PageArray{}), nil
	case rt.TFollowPfnmapArgs:
		// `follow_pfnmap_args args`: the caller's struct, zeroed, as C's
		// struct follow_pfnmap_args args = { ... }
		return rt.Obj(rt.TFollowPfnmapArgs, &rt.FollowPfnmapArgs{}), nil
	case rt.TFolioWalk:
		// `folio_walk fw`: the caller's struct folio_walk, which
		// folio_walk_start(&fw, ...) fills
		return rt.Obj(rt.TFolioWalk, &rt.FolioWalk{}), nil
	case rt.TVMAIter:
		// `vma_iterator vmi`: pointed at an mm by vma_iter_init(&vmi,
		// mm, addr) (VMA_ITERATOR(vmi, mm, addr) declares and inits)
		return rt.Obj(rt.TVMAIter, &rt.VMAIter{}), nil
	}
	return rt.Nil, fmt.Errorf("cannot make a %s", t)
}

// DefaultFilePages is the size of a file declared with `file f`.
const DefaultFilePages = 1 << 16

func binary(op binop, x, y rt.Value) (rt.Value, string) {
	switch op {
	case bEq:
		return rt.Bool(x.Equal(y)), ""
	case bNe:
		return rt.Bool(!x.Equal(y)), ""
	}
	if op == bAdd && (x.T == rt.TPageArray && y.T == rt.TInt || x.T == rt.TInt && y.T == rt.TPageArray) {
		// pages + i: C's pointer to entry i of a page array
		if x.T == rt.TInt {
			x, y = y, x
		}
		v, err := x.Obj.(*rt.PageArray).Add(y.Int)
		if err != nil {
			return rt.Nil, err.Error()
		}
		return rt.Obj(rt.TPageArray, v), ""
	}
	if x.T != rt.TInt || y.T != rt.TInt {
		if (x.T == rt.TWord || x.T == rt.TString) && (y.T == rt.TWord || y.T == rt.TString) && op == bOr {
			return rt.Word(x.Obj.(string) + "|" + y.Obj.(string)), ""
		}
		if op == bMin || op == bMax {
			return rt.Nil, fmt.Sprintf("invalid operation: %s(%s, %s)", opName(op), x.T, y.T)
		}
		return rt.Nil, fmt.Sprintf("invalid operation: %s %s %s", x.T, opName(op), y.T)
	}
	a, b := x.Int, y.Int
	switch op {
	case bAdd:
		return rt.Int(a + b), ""
	case bSub:
		return rt.Int(a - b), ""
	case bMul:
		return rt.Int(a * b), ""
	case bDiv, bMod:
		if b == 0 {
			return rt.Nil, "division by zero"
		}
		if op == bDiv {
			return rt.Int(a / b), ""
		}
		return rt.Int(a % b), ""
	case bShl, bShr:
		if b < 0 || b > 63 {
			return rt.Nil, fmt.Sprintf("shift count %d out of range", b)
		}
		if op == bShl {
			return rt.Int(a << b), ""
		}
		return rt.Int(a >> b), ""
	case bAnd:
		return rt.Int(a & b), ""
	case bOr:
		return rt.Int(a | b), ""
	case bXor:
		return rt.Int(a ^ b), ""
	case bLt:
		return rt.Bool(a < b), ""
	case bLe:
		return rt.Bool(a <= b), ""
	case bGt:
		return rt.Bool(a > b), ""
	case bGe:
		return rt.Bool(a >= b), ""
	case bMin:
		return rt.Int(min(a, b)), ""
	case bMax:
		return rt.Int(max(a, b)), ""
	}
	return rt.Nil, "unknown operator"
}

func opName(op binop) string {
	switch op {
	case bMin:
		return "min"
	case bMax:
		return "max"
	}
	for s, b := range binops {
		if b == op {
			return s
		}
	}
	return "?"
}

// flagBitsHint names, for an int a word parameter could not take, the
// bits none of the kernel's names it takes stands for (" (bits 0x80 are
// none of FAULT_FLAG_WRITE, ...)"), or "" when its words have no values.
func flagBitsHint(p rt.Param, v int64) string {
	var known int64
	var names []string
	for _, w := range p.Words {
		if c, ok := rt.Constants[w]; ok && strings.ToUpper(w) == w {
			known |= c
			names = append(names, w)
		}
	}
	if len(names) == 0 || v&^known == 0 {
		return ""
	}
	return fmt.Sprintf(" (bits %#x are none of %s)", v&^known, strings.Join(names, ", "))
}

// opCall runs one step of the kernel operation of site on the top
// site.nargs values (opOpCall, opStoreField).
func (m *Machine) opCall(t *Thread, f *fn, in instr, site *callSite) (ok, yield bool) {
	pos := f.pos[in.pos]
	n := len(t.stack) - site.nargs
	call := t.call
	if call == nil {
		call = m.newCall(t)
	}
	op := site.op
	if site.alt != nil && checkArgs(op, slices.Clone(t.stack[n:])) != "" && checkArgs(site.alt, slices.Clone(t.stack[n:])) == "" {
		op = site.alt // the values fit the MMForm only (runTimeForm)
	}
	call.Op, call.Pos, call.Ret = op, pos, rt.Nil
	call.AsKernel = site.store || f.kind == "kernel"
	call.Args = append(call.Args[:0], t.stack[n:]...)
	t.stack = t.stack[:n]
	if msg := checkArgs(op, call.Args); msg != "" {
		m.badArg(t, pos, op, call.Args, msg)
		return true, true
	}
	t.Task.Pos = pos
	if m.fp != nil {
		m.k.TouchesOp(call)
	}
	m.lastOp = op
	m.yielded = op.Yields
	m.handle(t, call, op.Fn(call))
	return true, true
}
