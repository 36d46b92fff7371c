package interp

import (
	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// An operation the kernel names alike may have two forms: the kernel's
// signature (get_user_pages(start, nr_pages, gup_flags, pages) on
// current->mm) and mmscript's own earlier form (rt.Op.MMForm:
// get_user_pages(mm, addr, pages=N, write=W, array=A)), kept for the
// scripts written for it. A call binds to the kernel's form unless it
// does not fit it and fits the other: an argument name the kernel's
// lacks, more arguments than it takes, or an argument whose type is known
// before the run (a literal, a constant, a variable declared `mm m`) and
// is not what the kernel's parameter takes. A call that fits neither is
// reported against the kernel's form, its parameter's hint naming the
// other.

// pickForm returns the form of op a call binds to.
func (c *compiler) pickForm(e *lang.CallExpr, op *rt.Op) *rt.Op {
	if op.MMForm == nil || c.fits(e, op) {
		return op
	}
	if c.fits(e, op.MMForm) {
		if c.forms == nil {
			c.forms = map[*lang.CallExpr]*rt.Op{}
		}
		c.forms[e] = op.MMForm
		return op.MMForm
	}
	return op
}

// runTimeForm returns op's MMForm when a call bound to op (the kernel's
// form) fits the MMForm too, its arguments positional and binding the
// same values to both (copy_to_user(x, y, n) with x's type not evident:
// an mm is mmscript's form, a user address the kernel's). The call's
// values then pick the form at run time (opPathForm for a kernel path,
// callSite.alt for an operation of Go); nil when the types
// decided it at compile time or the two bind differently.
func (c *compiler) runTimeForm(e *lang.CallExpr, op *rt.Op) *rt.Op {
	alt := op.MMForm
	if alt == nil || alt.Path != op.Path || len(e.Args) != len(op.Params) || len(e.Args) != len(alt.Params) || !c.fits(e, alt) {
		return nil
	}
	for _, a := range e.Args {
		if a.Name != "" {
			return nil
		}
	}
	for _, ps := range [][]rt.Param{op.Params, alt.Params} {
		for _, p := range ps {
			if p.Variadic || p.Ref || p.LockedOut {
				return nil
			}
		}
	}
	return alt
}

// opFor is the operation (the form) a call of an operation binds to.
func (c *compiler) opFor(e *lang.CallExpr) *rt.Op {
	if op, ok := c.forms[e]; ok {
		return op
	}
	return rt.LookupOp(e.Name)
}

// fits reports whether a call's arguments bind to op's parameters with no
// argument of a type known to be wrong.
func (c *compiler) fits(e *lang.CallExpr, op *rt.Op) bool {
	bound := make([]bool, len(op.Params))
	next := 0
	for _, a := range e.Args {
		i := -1
		if a.Name != "" {
			i = paramIndex(op, a.Name)
			if i < 0 || bound[i] {
				return false
			}
		} else {
			for next < len(op.Params) && bound[next] {
				next++
			}
			switch {
			case next < len(op.Params):
				i = next
				next++
			case len(op.Params) > 0 && op.Params[len(op.Params)-1].Variadic:
				i = len(op.Params) - 1 // the trailing pages of vm_insert_pages(vma, addr, p0, p1)
			default:
				return false
			}
		}
		bound[i] = true
		// &var binds only to a parameter the kernel takes by pointer,
		// and such a parameter only to &var
		if _, ref := refVar(a.Value); op.Params[i].Ref && !ref || ref && !op.Params[i].Ref && !op.Params[i].LockedOut && !op.Params[i].Any && op.Params[i].Type < rt.TMM {
			return false
		}
		if t, ok := c.evidentType(a.Value); ok && !typeFits(op.Params[i], t) {
			return false
		}
		// a void *private takes a value, not a bare word (lock=rdlock
		// is the mode of mmscript's earlier walk_page_vma)
		if op.Params[i].Any {
			if _, isWord := c.word(a.Value); isWord && !c.allConstants(a.Value) {
				return false
			}
		}
	}
	for i, p := range op.Params {
		if !bound[i] && !p.Optional && !p.Variadic {
			return false
		}
	}
	return true
}

// typeFits is checkArgs's test of a value of type t for p.
func typeFits(p rt.Param, t rt.Type) bool {
	switch {
	case p.Any:
		return p.TakesAny(t)
	case t == p.Type:
		return true
	case t == rt.TNil:
		return p.Nilable || p.Optional && p.Type >= rt.TMM || p.Type == rt.TBool
	case p.Type == rt.TBool:
		return t == rt.TInt || t >= rt.TMM // C's conversion to bool
	case p.Type == rt.TWord:
		return t == rt.TString || t == rt.TInt && p.FromInt != nil // prot=PROT_READ | PROT_WRITE
	case p.Type == rt.TInt && p.WordValue != nil:
		return t == rt.TString
	}
	return false
}

// evidentType is the type of x where it shows without inference: a
// literal, a constant, arithmetic, or a variable the file declares with
// one type only (mm m, page_array pages).
func (c *compiler) evidentType(x lang.Expr) (rt.Type, bool) {
	switch x := x.(type) {
	case *lang.IntLit:
		return rt.TInt, true
	case *lang.BoolLit:
		return rt.TBool, true
	case *lang.NilLit:
		return rt.TNil, true
	case *lang.StringLit:
		return rt.TString, true
	case *lang.ParenExpr:
		return c.evidentType(x.X)
	case *lang.UnaryExpr:
		if x.Op == "-" || x.Op == "~" {
			return rt.TInt, true
		}
	case *lang.BinaryExpr:
		switch x.Op {
		case "+":
			// pages + i is a page array: an int only when both operands
			// show they are ints
			tx, okx := c.evidentType(x.X)
			ty, oky := c.evidentType(x.Y)
			switch {
			case okx && tx == rt.TPageArray || oky && ty == rt.TPageArray:
				return rt.TPageArray, true
			case okx && oky:
				return rt.TInt, true
			}
		case "-", "*", "/", "%", "<<", ">>", "&", "^":
			return rt.TInt, true
		case "|":
			// flags: FOLL_WRITE | FOLL_FORCE; bare words (prot=r|w)
			// are no evident type
			if t, ok := c.evidentType(x.X); ok && t == rt.TInt {
				return rt.TInt, true
			}
		}
	case *lang.Ident:
		if t, ok := c.declType(x.Name); ok {
			return t, true
		}
		if _, isConst := rt.Constants[x.Name]; isConst {
			return rt.TInt, true
		}
	}
	return 0, false
}

// declType is the type a name is declared with (`mm m`, `page_array a`)
// in the file, or in an earlier chunk of a session, when it is declared
// with that type alone and never assigned.
func (c *compiler) declType(name string) (rt.Type, bool) {
	if c.declTypes == nil {
		c.declTypes = map[string]rt.Type{}
		bad := map[string]bool{}
		note := func(n string, t rt.Type, ok bool) {
			if old, seen := c.declTypes[n]; !ok || seen && old != t {
				bad[n] = true
			}
			c.declTypes[n] = t
		}
		each := func(st lang.Stmt) {
			switch st := st.(type) {
			case *lang.VarDecl:
				t, ok := rt.TypeByName(st.Type)
				note(st.Name, t, ok)
			case *lang.AssignStmt:
				note(st.Name, 0, false)
			case *lang.ForStmt:
				note(st.Var, 0, false)
			}
		}
		for _, it := range c.prog.File.Items {
			switch it := it.(type) {
			case lang.Stmt:
				walkStmts([]lang.Stmt{it}, each)
			case *lang.ThreadDecl:
				walkStmts(it.Body.Stmts, each)
			case *lang.FuncDecl:
				for _, p := range it.Def.Params {
					note(p, 0, false)
				}
				walkStmts(it.Def.Body.Stmts, each)
			case *lang.OpsDecl:
				for _, h := range it.Handlers {
					for _, p := range h.Params {
						note(p, 0, false)
					}
					walkStmts(h.Body.Stmts, each)
				}
			}
		}
		for n := range bad {
			delete(c.declTypes, n)
		}
		for n, t := range c.globalTypes {
			if _, here := c.declTypes[n]; !here && !bad[n] && t.known() {
				c.declTypes[n] = rt.Type(t)
			}
		}
	}
	if c.noGlobals {
		return 0, false // the kernel library: its names are its own
	}
	t, ok := c.declTypes[name]
	return t, ok
}
