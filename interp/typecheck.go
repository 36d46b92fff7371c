package interp

import (
	"strings"

	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// The type check runs after compilation and reports, with file:line:col,
// what would otherwise fail only at run time, when the run reaches it: an
// operation's argument of the wrong type (mmap_read_lock(0x100)), a field
// its value's type lacks (vmf.adress), a declaration whose value has
// another type, arithmetic on a non-integer.
//
// Types are inferred flow-insensitively: a variable's type is the join of
// every value the function (or, for a global, the set-up code) stores in
// it; a variable given values of two types, a func's parameters, a func's
// result and anything the checker cannot see are of no static type and
// are left to the run-time checks. So the check reports only what fails on
// every run that gets there, never a script that is right.

// sType is a static type: a runtime type, or one of the two ends of the
// lattice. nil joins with an object type to that type, since an object
// variable may hold nil.
type sType uint8

const (
	tBottom sType = 254 // not yet given a value (during inference)
	tAny    sType = 255 // no static type: checked at run time
)

func known(t rt.Type) sType { return sType(t) }

func (t sType) known() bool { return t != tBottom && t != tAny }

func (t sType) String() string {
	switch t {
	case tBottom:
		return "unset"
	case tAny:
		return "any"
	}
	return rt.Type(t).String()
}

func isObject(t sType) bool { return t.known() && rt.Type(t) >= rt.TMM && rt.Type(t) != rt.TWord }

func join(a, b sType) sType {
	switch {
	case a == b:
		return a
	case a == tBottom:
		return b
	case b == tBottom:
		return a
	case a == known(rt.TNil) && isObject(b):
		return b
	case b == known(rt.TNil) && isObject(a):
		return a
	}
	return tAny
}

// handlerParamTypes are the types of the values the runtime passes each
// handler (runtime.HandlerSlots names them). ->mmap gets a nil file for an
// anonymous mapping, which the file type admits.
var handlerParamTypes = map[string][]rt.Type{
	"fault":        {rt.TVMF},
	"map_pages":    {rt.TVMF, rt.TInt, rt.TInt},
	"page_mkwrite": {rt.TVMF},
	"open":         {rt.TVMA},
	"close":        {rt.TVMA},
	"may_split":    {rt.TVMA, rt.TInt},
	"mprotect":     {rt.TVMA, rt.TInt, rt.TInt, rt.TInt},
	"mremap":       {rt.TVMA},
	"mmap":         {rt.TFile, rt.TVMA},
	"pte_entry":    {rt.TInt, rt.TInt},
}

// tscope is the variables a function body sees, with their types.
type tscope struct {
	locals  map[string]sType
	globals map[string]sType
	setup   bool // the set-up code: every variable is global
}

func (s *tscope) lookup(name string) (sType, bool) {
	if !s.setup {
		if t, ok := s.locals[name]; ok {
			return t, true
		}
	}
	t, ok := s.globals[name]
	return t, ok
}

// store records that name is given a value of type t.
func (s *tscope) store(name string, t sType) {
	if !s.setup {
		if old, ok := s.locals[name]; ok {
			s.locals[name] = join(old, t)
			return
		}
	}
	if old, ok := s.globals[name]; ok {
		s.globals[name] = join(old, t)
	}
}

type body struct {
	stmts  []lang.Stmt
	params []string
	ptypes []rt.Type // nil: a func's parameters, of no static type
	fn     string    // the func's name, for a func
}

// typecheck infers the types of the script's variables and checks every
// expression against them. It returns the globals' types; a session
// passes them back (c.globalTypes) as what earlier chunks assigned.
//
// Only the globals the file names take part: in a session, a chunk's check
// costs what the chunk holds, not what the session has declared so far.
func (c *compiler) typecheck(file *lang.File) map[string]sType {
	globals := map[string]sType{}
	for n := range namesIn(file) {
		if _, ok := c.globalIx[n]; !ok {
			continue
		}
		globals[n] = tBottom
		if t, ok := c.globalTypes[n]; ok {
			globals[n] = t
		}
	}
	var setup []lang.Stmt
	var bodies []body
	for _, it := range file.Items {
		switch it := it.(type) {
		case lang.Stmt:
			setup = append(setup, it)
		case *lang.ThreadDecl:
			bodies = append(bodies, body{stmts: it.Body.Stmts})
		case *lang.FuncDecl:
			bodies = append(bodies, body{stmts: it.Def.Body.Stmts, params: it.Def.Params, fn: it.Def.Name})
		case *lang.OpsDecl:
			for _, h := range it.Handlers {
				pt := handlerParamTypes[h.Name]
				if len(pt) != len(h.Params) {
					pt = nil // reported by the compiler
				}
				bodies = append(bodies, body{stmts: h.Body.Stmts, params: h.Params, ptypes: pt})
			}
		}
	}
	// A global a function body assigns may take any value there: it has
	// no static type.
	scopes := make([]*tscope, len(bodies))
	for i, b := range bodies {
		scopes[i] = c.localScope(b, globals)
	}
	gs := &tscope{globals: globals, setup: true}
	// A func's result is the join of what its returns give (nil for a
	// return without a value or an end it can reach); variables and
	// results depend on each other, so they are inferred together until
	// nothing changes.
	c.fnResults = map[string]sType{}
	for _, b := range bodies {
		if b.fn != "" {
			c.fnResults[b.fn] = tBottom
		}
	}
	for range 8 {
		c.infer(gs, setup)
		for i, b := range bodies {
			c.infer(scopes[i], b.stmts)
		}
		changed := false
		for i, b := range bodies {
			if b.fn == "" {
				continue
			}
			if r := c.resultType(scopes[i], b.stmts); r != c.fnResults[b.fn] {
				c.fnResults[b.fn], changed = r, true
			}
		}
		if !changed {
			break
		}
	}
	for n, t := range globals {
		if t == tBottom {
			globals[n] = tAny
		}
	}
	for _, s := range scopes {
		for n, t := range s.locals {
			if t == tBottom {
				s.locals[n] = tAny
			}
		}
	}
	for n, t := range c.fnResults {
		if t == tBottom {
			c.fnResults[n] = tAny
		}
	}
	for _, s := range setup {
		c.checkStmt(gs, s)
	}
	for i, b := range bodies {
		for _, s := range b.stmts {
			c.checkStmt(scopes[i], s)
		}
	}
	return globals
}

// namesIn is every name a file's statements declare, assign or use.
func namesIn(file *lang.File) map[string]bool {
	names := map[string]bool{}
	var expr func(e lang.Expr)
	expr = func(e lang.Expr) {
		switch e := e.(type) {
		case *lang.Ident:
			names[e.Name] = true
		case *lang.ParenExpr:
			expr(e.X)
		case *lang.SelectorExpr:
			expr(e.X)
		case *lang.UnaryExpr:
			expr(e.X)
		case *lang.BinaryExpr:
			expr(e.X)
			expr(e.Y)
		case *lang.CallExpr:
			for _, a := range e.Args {
				expr(a.Value)
			}
		}
	}
	stmt := func(st lang.Stmt) {
		switch st := st.(type) {
		case *lang.VarDecl:
			names[st.Name] = true
			expr(st.Value)
		case *lang.AssignStmt:
			names[st.Name] = true
			expr(st.Value)
		case *lang.FieldAssignStmt:
			expr(st.X)
			expr(st.Value)
		case *lang.DerefAssignStmt:
			expr(st.X)
			expr(st.Value)
		case *lang.ExprStmt:
			expr(st.X)
		case *lang.IfStmt:
			for ; st != nil; st = st.Else.If {
				expr(st.Cond)
				if st.Else == nil {
					break
				}
			}
		case *lang.ForStmt:
			names[st.Var] = true
			expr(st.Lo)
			expr(st.Hi)
			expr(st.X)
		case *lang.WhileStmt:
			expr(st.Cond)
		case *lang.RepeatStmt:
			expr(st.Count)
		case *lang.AssertStmt:
			expr(st.Cond)
		case *lang.ReturnStmt:
			expr(st.Value)
		}
	}
	for _, it := range file.Items {
		switch it := it.(type) {
		case lang.Stmt:
			walkStmts([]lang.Stmt{it}, stmt)
		case *lang.ThreadDecl:
			walkStmts(it.Body.Stmts, stmt)
		case *lang.FuncDecl:
			walkStmts(it.Def.Body.Stmts, stmt)
		case *lang.OpsDecl:
			for _, h := range it.Handlers {
				walkStmts(h.Body.Stmts, stmt)
			}
		}
	}
	return names
}

// localScope finds a body's locals (parameters, declarations, and names it
// assigns that are not globals) with the types the parameters have. A
// name declared locally that is also a global, or a global the body
// assigns, loses its static type: which one a use means depends on the
// order of statements.
func (c *compiler) localScope(b body, globals map[string]sType) *tscope {
	s := &tscope{locals: map[string]sType{}, globals: globals}
	for i, p := range b.params {
		t := tAny
		if b.ptypes != nil {
			t = sType(b.ptypes[i])
		}
		s.locals[p] = t
	}
	walkStmts(b.stmts, func(st lang.Stmt) {
		var name string
		decl := false
		switch st := st.(type) {
		case *lang.VarDecl:
			name, decl = st.Name, true
		case *lang.AssignStmt:
			name = st.Name
		case *lang.ForStmt:
			name = st.Var
		default:
			return
		}
		_, global := globals[name]
		_, local := s.locals[name]
		switch {
		case global && (decl || !local):
			globals[name] = tAny
			if decl {
				s.locals[name] = tAny
			}
		case !local:
			s.locals[name] = tBottom
		}
	})
	return s
}

// resultType is the join of the values a func body returns, nil included
// when a return has no value or the end of the body can be reached.
func (c *compiler) resultType(s *tscope, stmts []lang.Stmt) sType {
	t := tBottom
	walkStmts(stmts, func(st lang.Stmt) {
		if r, ok := st.(*lang.ReturnStmt); ok {
			if r.Value == nil {
				t = join(t, known(rt.TNil))
			} else {
				t = join(t, c.typeOf(s, r.Value))
			}
		}
	})
	if !returns(stmts) {
		t = join(t, known(rt.TNil))
	}
	return t
}

// returns reports whether a block always ends in a return: its last
// statement is a return, or an if whose every branch (an else included)
// always returns.
func returns(stmts []lang.Stmt) bool {
	if len(stmts) == 0 {
		return false
	}
	switch s := stmts[len(stmts)-1].(type) {
	case *lang.ReturnStmt:
		return true
	case *lang.IfStmt:
		for s != nil {
			if !returns(s.Then.Stmts) || s.Else == nil {
				return false
			}
			if s.Else.Block != nil {
				return returns(s.Else.Block.Stmts)
			}
			s = s.Else.If
		}
	}
	return false
}

// walkStmts calls f for every statement in stmts and the blocks inside
// them.
func walkStmts(stmts []lang.Stmt, f func(lang.Stmt)) {
	for _, s := range stmts {
		f(s)
		switch s := s.(type) {
		case *lang.IfStmt:
			for s != nil {
				walkStmts(s.Then.Stmts, f)
				if s.Else == nil {
					break
				}
				if s.Else.Block != nil {
					walkStmts(s.Else.Block.Stmts, f)
				}
				s = s.Else.If
			}
		case *lang.ForStmt:
			walkStmts(s.Body.Stmts, f)
		case *lang.RepeatStmt:
			walkStmts(s.Body.Stmts, f)
		case *lang.WhileStmt:
			walkStmts(s.Body.Stmts, f)
		}
	}
}

// infer joins into each variable the types of the values stored in it,
// until nothing changes (the lattice is finite and join monotone).
func (c *compiler) infer(s *tscope, stmts []lang.Stmt) {
	for range 8 {
		changed := false
		walkStmts(stmts, func(st lang.Stmt) {
			// a variable an object-typed by-reference parameter sets
			// (find_vma_prev(mm, addr, &prev)) is given that type
			for _, r := range refOuts(st) {
				before, _ := s.lookup(r.name)
				s.store(r.name, r.t)
				if after, _ := s.lookup(r.name); after != before {
					changed = true
				}
			}
			var name string
			var t sType
			switch st := st.(type) {
			case *lang.VarDecl:
				name, t = st.Name, declType(st.Type)
			case *lang.AssignStmt:
				name, t = st.Name, c.typeOf(s, assignValue(st))
			case *lang.ForStmt:
				name, t = st.Var, known(rt.TInt)
				if st.X != nil {
					name, t = st.Var, known(rt.TVMA)
					if !isVMAs(st.X) && !isVMAIterLoop(st) {
						t = known(rt.TPage) // for page in pages: a page_array
					}
				}
			default:
				return
			}
			before, _ := s.lookup(name)
			s.store(name, t)
			if after, _ := s.lookup(name); after != before {
				changed = true
			}
		})
		if !changed {
			return
		}
	}
}

type refOut struct {
	name string
	t    sType
}

// refOuts are the variables the call a statement makes (its value or
// the statement itself) passes by reference (&prev) to an object-typed
// by-reference parameter (rt.Param.Ref), with that parameter's type: the
// call stores into them.
func refOuts(st lang.Stmt) []refOut {
	var x lang.Expr
	switch st := st.(type) {
	case *lang.ExprStmt:
		x = st.X
	case *lang.AssignStmt:
		x = st.Value
	}
	e, ok := x.(*lang.CallExpr)
	if !ok {
		return nil
	}
	op := rt.LookupOp(e.Name)
	if op == nil {
		return nil
	}
	var out []refOut
	for i, a := range boundArgs(e, op) {
		if p := op.Params[i]; p.Ref && p.Type >= rt.TMM {
			if v, ok := refVar(a); ok {
				out = append(out, refOut{v.Name, known(p.Type)})
			}
		}
	}
	return out
}

// declType is the static type of a declaration's type word.
func declType(name string) sType {
	if _, ok := rt.ScriptLockKindOf(name); ok {
		return known(rt.TLock)
	}
	if t, ok := rt.TypeByName(name); ok {
		return known(t)
	}
	return tAny
}

// typeOf infers the static type of e; it reports nothing.
func (c *compiler) typeOf(s *tscope, e lang.Expr) sType {
	switch e := e.(type) {
	case *lang.IntLit:
		return known(rt.TInt)
	case *lang.StringLit:
		return known(rt.TString)
	case *lang.BoolLit:
		return known(rt.TBool)
	case *lang.NilLit:
		return known(rt.TNil)
	case *lang.ParenExpr:
		return c.typeOf(s, e.X)
	case *lang.Ident:
		if t, ok := s.lookup(e.Name); ok {
			return t
		}
		if _, ok := c.opsIx[e.Name]; ok {
			return known(rt.TOps)
		}
		if _, ok := rt.Constants[e.Name]; ok || e.Name == linuxVersionCode {
			return known(rt.TInt)
		}
		return tAny
	case *lang.SelectorExpr:
		return selectorType(c.typeOf(s, e.X), e.Name)
	case *lang.UnaryExpr:
		if e.Op == "-" || e.Op == "~" {
			return known(rt.TInt)
		}
		if e.Op == "&" {
			return c.typeOf(s, e.X) // &num: the variable passed by reference
		}
		if e.Op == "*" {
			return tAny // *p: what the variable p points to holds
		}
		return known(rt.TBool)
	case *lang.BinaryExpr:
		switch e.Op {
		case "&&", "||", "==", "!=", "<", "<=", ">", ">=":
			return known(rt.TBool)
		case "|":
			return orType(c.typeOf(s, e.X), c.typeOf(s, e.Y)) // words combine with |
		case "+":
			return addType(c.typeOf(s, e.X), c.typeOf(s, e.Y))
		}
		return known(rt.TInt)
	case *lang.CallExpr:
		if e.Name == "print" {
			return known(rt.TNil)
		}
		if isMinMax(c, e.Name) || isKernelVersion(c, e.Name) {
			return known(rt.TInt)
		}
		if _, ok := c.funcIx[e.Name]; ok && !c.typedPath(e.Name) {
			if t, ok := c.fnResults[e.Name]; ok {
				return t
			}
			return tAny // a func of an earlier session chunk
		}
		if op := rt.LookupOp(e.Name); op != nil && op.Result != rt.TNil {
			// An object result may be nil (a failed lookup), which the
			// object type admits.
			return known(op.Result)
		}
		return tAny
	}
	return tAny
}

// checkStmt checks the expressions of a statement and the blocks in it.
func (c *compiler) checkStmt(s *tscope, st lang.Stmt) {
	switch st := st.(type) {
	case *lang.VarDecl:
		if _, lock := rt.ScriptLockKindOf(st.Type); st.Value == nil || lock {
			return // a lock declared with a value: the compiler reports it
		}
		v := c.checkExpr(s, st.Value)
		want := declType(st.Type)
		if want.known() && v.known() && v != want && !(v == known(rt.TNil) && isObject(want)) {
			c.errorf(st.Value.Position(), "cannot use %s value as %s", v, want)
		}
	case *lang.AssignStmt:
		c.checkExpr(s, assignValue(st))
	case *lang.FieldAssignStmt:
		c.checkFieldStore(s, st)
	case *lang.DerefAssignStmt:
		c.checkExpr(s, st.X)
		c.checkExpr(s, st.Value)
	case *lang.WhileStmt:
		c.checkExpr(s, st.Cond)
		for _, x := range st.Body.Stmts {
			c.checkStmt(s, x)
		}
	case *lang.ExprStmt:
		c.checkExpr(s, st.X)
	case *lang.IfStmt:
		for st != nil {
			c.checkExpr(s, st.Cond)
			for _, x := range st.Then.Stmts {
				c.checkStmt(s, x)
			}
			if st.Else == nil {
				break
			}
			if st.Else.Block != nil {
				for _, x := range st.Else.Block.Stmts {
					c.checkStmt(s, x)
				}
			}
			st = st.Else.If
		}
	case *lang.ForStmt:
		if isVMAIterLoop(st) {
			call := st.X.(*lang.CallExpr)
			c.checkExpr(s, call.Args[0].Value)
			if len(call.Args) > 1 {
				c.checkExpr(s, call.Args[1].Value)
			}
		} else if st.X != nil && !isVMAs(st.X) {
			if t := c.checkExpr(s, st.X); t.known() && t != known(rt.TPageArray) {
				c.errorf(st.X.Position(), "cannot iterate over a %s: want for %s in vmas(mm, start, end), for %s in PAGE_ARRAY or for %s in LO..HI", t, st.Var, st.Var, st.Var)
			}
		}
		if call, ok := st.X.(*lang.CallExpr); ok && isVMAs(st.X) {
			for i, a := range call.Args {
				want := known(rt.TInt)
				if i == 0 {
					want = known(rt.TMM)
				}
				if t := c.checkExpr(s, a.Value); t.known() && t != want {
					c.errorf(a.Value.Position(), "vmas: argument %s must be %s, got %s", []string{"mm", "start", "end"}[min(i, 2)], want, t)
				}
			}
		}
		for _, x := range []lang.Expr{st.Lo, st.Hi} {
			if x == nil {
				continue
			}
			if t := c.checkExpr(s, x); t.known() && t != known(rt.TInt) {
				c.errorf(x.Position(), "for range bound must be int, got %s", t)
			}
		}
		for _, x := range st.Body.Stmts {
			c.checkStmt(s, x)
		}
	case *lang.RepeatStmt:
		if t := c.checkExpr(s, st.Count); t.known() && t != known(rt.TInt) {
			c.errorf(st.Count.Position(), "repeat count must be int, got %s", t)
		}
		for _, x := range st.Body.Stmts {
			c.checkStmt(s, x)
		}
	case *lang.AssertStmt:
		c.checkExpr(s, st.Cond)
	case *lang.ReturnStmt:
		if st.Value != nil {
			c.checkExpr(s, st.Value)
		}
	}
}

// checkExpr checks e and the expressions in it, and returns its type.
func (c *compiler) checkExpr(s *tscope, e lang.Expr) sType {
	switch e := e.(type) {
	case *lang.ParenExpr:
		return c.checkExpr(s, e.X)
	case *lang.SelectorExpr:
		x := c.checkExpr(s, e.X)
		switch {
		case x == known(rt.TNil):
			c.errorf(e.Pos, "nil has no field %s", e.Name)
			return tAny
		case x.known():
			if _, ok := rt.FieldType(rt.Type(x), e.Name); !ok {
				names := rt.FieldNames(rt.Type(x))
				if len(names) == 0 {
					c.errorf(e.Pos, "%s has no fields (no field %s)", x, e.Name)
				} else {
					c.errorf(e.Pos, "%s has no field %s (fields: %s)%s", x, e.Name, strings.Join(names, ", "), suggest(e.Name, names))
				}
				return tAny
			}
		}
		return selectorType(x, e.Name)
	case *lang.UnaryExpr:
		x := c.checkExpr(s, e.X)
		if e.Op == "-" && x.known() && x != known(rt.TInt) {
			c.errorf(e.Pos, "cannot negate %s", x)
		}
		if e.Op == "~" && x.known() && x != known(rt.TInt) {
			c.errorf(e.Pos, "cannot complement %s (~ takes an int)", x)
		}
	case *lang.BinaryExpr:
		x, y := c.checkExpr(s, e.X), c.checkExpr(s, e.Y)
		switch e.Op {
		case "&&", "||", "==", "!=":
		case "|":
			words := func(t sType) bool { return t == known(rt.TWord) || t == known(rt.TString) || !t.known() }
			if x.known() && y.known() && !(x == known(rt.TInt) && y == known(rt.TInt)) && !(words(x) && words(y)) {
				c.errorf(e.Pos, "invalid operation: %s | %s", x, y)
			}
			return orType(x, y)
		default:
			if e.Op == "+" && addType(x, y) == known(rt.TPageArray) {
				break // pages + i
			}
			if x.known() && y.known() && (x != known(rt.TInt) || y != known(rt.TInt)) {
				c.errorf(e.Pos, "invalid operation: %s %s %s", x, e.Op, y)
			}
		}
	case *lang.CallExpr:
		c.checkCall(s, e)
	}
	// Parentheses, selectors and | take their type from their operands'
	// types just checked (above); typeOf would walk the operands again at
	// every level of a tall expression, quadratic in its height. What is
	// left does not look at its operands' types.
	return c.typeOf(s, e)
}

// selectorType is the type of x.name, x of type x.
func selectorType(x sType, name string) sType {
	if !x.known() {
		return tAny
	}
	if ft, ok := rt.FieldType(rt.Type(x), name); ok && ft != rt.TNil {
		return known(ft)
	}
	return tAny
}

// orType is the type of x | y: an int of two ints, else words combined.
func orType(x, y sType) sType {
	if x == known(rt.TInt) && y == known(rt.TInt) {
		return known(rt.TInt)
	}
	return tAny
}

// checkCall checks the arguments of a call: for an operation, each against
// its parameter's type, binding them as the compiler does.
func (c *compiler) checkCall(s *tscope, e *lang.CallExpr) {
	if isMinMax(c, e.Name) {
		for _, a := range e.Args {
			if t := c.checkExpr(s, a.Value); t.known() && t != known(rt.TInt) {
				c.errorf(a.Value.Position(), "%s: arguments must be int, got %s", e.Name, t)
			}
		}
		return
	}
	op := c.opFor(e)
	if _, isFunc := c.funcIx[e.Name]; isFunc && !c.typedPath(e.Name) || e.Name == "print" || op == nil {
		for _, a := range e.Args {
			c.checkExpr(s, a.Value)
		}
		return
	}
	next := 0
	bound := make([]bool, len(op.Params))
	for _, a := range e.Args {
		i := -1
		if a.Name != "" {
			i = paramIndex(op, a.Name)
		} else {
			for next < len(op.Params) && bound[next] {
				next++
			}
			switch {
			case next < len(op.Params):
				i = next
				next++
			case len(op.Params) > 0 && op.Params[len(op.Params)-1].Variadic:
				i = len(op.Params) - 1
			}
		}
		if i < 0 {
			c.checkExpr(s, a.Value) // an unknown parameter or one too many: the compiler reports it
			continue
		}
		bound[i] = true
		c.checkArg(s, op, op.Params[i], a.Value)
	}
}

// checkArg checks one argument against its parameter, as checkArgs does at
// run time: the parameter's type, nil for an object parameter that admits
// it, a string or bare words for a word parameter.
func (c *compiler) checkArg(s *tscope, op *rt.Op, p rt.Param, x lang.Expr) {
	if p.Type == rt.TWord && c.isWord(s, x) {
		return // words are checked against the parameter's list by the compiler
	}
	if p.Any {
		c.checkExpr(s, x)
		return // a void *private: any value
	}
	t := c.checkExpr(s, x)
	if !t.known() || rt.Type(t) == p.Type {
		return
	}
	switch {
	case t == known(rt.TNil) && (p.Nilable || p.Optional && p.Type >= rt.TMM):
		return
	case p.Type == rt.TWord && t == known(rt.TString):
		return
	case p.Type == rt.TWord && t == known(rt.TInt) && p.FromInt != nil:
		return // prot= of an int (PROT_READ | PROT_WRITE): checkArgs converts it
	case p.Type == rt.TInt && t == known(rt.TString) && p.WordValue != nil:
		return // flags named in a string ("TTU_BATCH_FLUSH"): the compiler or checkArgs converts it
	case p.Type == rt.TBool && (t == known(rt.TInt) || t == known(rt.TNil) || rt.Type(t) >= rt.TMM):
		return // as C converts a scalar or a pointer to bool: WARN_ON_ONCE(flags & FOLL_PIN)
	case t == known(rt.TNil):
		c.errorf(x.Position(), "%s: argument %s is nil, want %s", op.Name, p.Name, p.Type)
		return
	case olderFormTakes(op, p, rt.Type(t)):
		return // an older kernel's signature (expand_stack(vma, address)): checked at run time for the kernel of the run
	}
	c.errorf(x.Position(), "%s: argument %s must be %s, got %s%s", op.Name, p.Name, p.Type, t, hint(p))
}

// isWord reports whether x spells bare words (idents that are no variable,
// ops or constant, joined by |) or a string, as word parameters take them.
func (c *compiler) isWord(s *tscope, x lang.Expr) bool {
	switch x := x.(type) {
	case *lang.Ident:
		if _, ok := s.lookup(x.Name); ok {
			return false
		}
		return true
	case *lang.StringLit:
		return true
	case *lang.BinaryExpr:
		return x.Op == "|" && c.isWord(s, x.X) && c.isWord(s, x.Y)
	}
	return false
}

// isPath reports whether name is a kernel path: an operation whose
// arguments bind and check as an operation's, run by a function.
func isPath(name string) bool {
	op := rt.LookupOp(name)
	return op != nil && op.Path
}

// typedPath reports whether a call of name is typed by the kernel path's
// operation: a library function the script does not replace. A script's
// own version of a path (a pre-fix kernel, e.g. v6.1's expand_stack(vma,
// address) where mainline has expand_stack(mm, addr)) takes what its own
// parameters take, as any script func.
func (c *compiler) typedPath(name string) bool {
	if !isPath(name) {
		return false
	}
	i, ok := c.funcIx[name]
	return !ok || c.prog.funcs[i].kind == "kernel"
}

// checkFieldStore checks x.f = v before the run: x must be of the type
// whose field f has a setter (rt.FieldStore), v of the field's type.
func (c *compiler) checkFieldStore(s *tscope, st *lang.FieldAssignStmt) {
	x := c.checkExpr(s, st.X.X)
	v := c.checkExpr(s, st.Value)
	op, t := rt.FieldStoreByName(st.X.Name)
	if stores := rt.FieldStoresByName(st.X.Name); len(stores) > 1 {
		// several types store a field of that name (vma: a
		// vma_remap_struct's, a follow_pfnmap_args's): x's own
		for _, s := range stores {
			if x == known(s.Type) {
				op, t = s.Op, s.Type
			}
		}
		if op == "" && x.known() && x != known(rt.TNil) {
			c.errorf(st.X.Pos, "%s has no stored field %s", x, st.X.Name)
		}
	}
	if op == "" {
		return // the compiler reports it, or the run checks the object's type
	}
	if x.known() && x != known(t) && x != known(rt.TNil) {
		if _, ok := rt.FieldType(rt.Type(x), st.X.Name); ok {
			c.errorf(st.Pos, "cannot assign %s.%s: only %s.%s can be stored (with %s)", x, st.X.Name, t, st.X.Name, op)
		} else {
			c.errorf(st.X.Pos, "%s has no field %s", x, st.X.Name)
		}
		return
	}
	if ft, ok := rt.FieldType(t, st.X.Name); ok && ft != rt.TNil && v.known() && v != known(ft) && !(v == known(rt.TNil) && ft == rt.TVMA) {
		c.errorf(st.Value.Position(), "cannot assign %s to %s.%s (%s)", v, t, st.X.Name, ft)
	}
}

// olderFormTakes reports whether an older kernel's signature of op
// (rt.Op.OlderParams) takes a value of type t where op takes p.
func olderFormTakes(op *rt.Op, p rt.Param, t rt.Type) bool {
	older := op.OlderParams()
	for i, q := range op.Params {
		if q.Name == p.Name && i < len(older) {
			return older[i].Type == t
		}
	}
	return false
}

// addType is the type of x + y: a page array for C's pages + i (either
// order), an int for two ints, no static type while an operand has none
// (it may be an array).
func addType(x, y sType) sType {
	switch {
	case x == known(rt.TPageArray) && y == known(rt.TInt), x == known(rt.TInt) && y == known(rt.TPageArray):
		return known(rt.TPageArray)
	case !x.known() && x != tBottom && y != known(rt.TString), !y.known() && y != tBottom && x != known(rt.TString):
		return tAny
	}
	return known(rt.TInt)
}
