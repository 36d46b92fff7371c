package lang

// check runs the static checks that need no knowledge of the operations:
// statements that cannot appear where they stand, and duplicate names.
// It collects every error before returning.
func check(f *File) error {
	var errs ErrorList
	threads := map[string]Pos{}
	ops := map[string]Pos{}
	funcs := map[string]Pos{}
	var kernel Pos
	dup := func(seen map[string]Pos, kind, name string, pos Pos) {
		if prev, ok := seen[name]; ok {
			errs.Add(pos, "%s %s redeclared (previous declaration at %s)", kind, name, prev)
			return
		}
		seen[name] = pos
	}
	for _, it := range f.Items {
		switch it := it.(type) {
		case *ThreadDecl:
			if it.Name == "main" {
				errs.Add(it.Pos, "thread name main is reserved for the set-up code")
			}
			dup(threads, "thread", it.Name, it.Pos)
			checkBlock(&errs, it.Body, ctx{})
			checkLabels(&errs, it.Body.Stmts, it.Body)
		case *OpsDecl:
			dup(ops, "ops", it.Name, it.Pos)
			handlers := map[string]Pos{}
			for _, h := range it.Handlers {
				dup(handlers, "handler", h.Name, h.Pos)
				checkParams(&errs, h)
				checkBlock(&errs, h.Body, ctx{inFunc: true})
				checkLabels(&errs, h.Body.Stmts, h.Body)
			}
		case *FuncDecl:
			dup(funcs, "func", it.Def.Name, it.Pos)
			checkParams(&errs, it.Def)
			checkBlock(&errs, it.Def.Body, ctx{inFunc: true})
			checkLabels(&errs, it.Def.Body.Stmts, it.Def.Body)
		case *KernelDecl:
			if kernel.IsValid() {
				errs.Add(it.Pos, "the kernel is declared twice (also at %d:%d)", kernel.Line, kernel.Column)
			}
			kernel = it.Pos
		case *ExpectDecl:
			switch it.Kind {
			case "violation", "fatal", "error":
				if it.Text == "" {
					errs.Add(it.Pos, "expect %s needs a quoted message substring", it.Kind)
				}
			case "ok":
				if it.Text != "" || it.AtLine != 0 {
					errs.Add(it.Pos, "expect %s takes no message or line", it.Kind)
				}
			}
		case Stmt:
			checkStmt(&errs, it, ctx{})
		}
	}
	checkLabels(&errs, TopLevelStmts(f), nil)
	errs.Sort()
	return errs.Err()
}

func checkParams(errs *ErrorList, d *FuncDef) {
	seen := map[string]int{}
	for _, p := range d.Params {
		if seen[p]++; seen[p] == 2 {
			errs.Add(d.Pos, "duplicate parameter %s in %s", p, d.Name)
		}
	}
}

// ctx is where a statement stands: in a handler or func (return is
// allowed), in a loop (break and continue are).
type ctx struct{ inFunc, inLoop bool }

func checkBlock(errs *ErrorList, b *Block, c ctx) {
	for _, s := range b.Stmts {
		checkStmt(errs, s, c)
	}
}

func checkStmt(errs *ErrorList, s Stmt, c ctx) {
	switch s := s.(type) {
	case *ExprStmt:
		if _, ok := s.X.(*CallExpr); !ok {
			errs.Add(s.Pos, "expression is not a statement: only a call can stand alone")
		}
	case *ReturnStmt:
		if !c.inFunc {
			errs.Add(s.Pos, "return outside a handler or func")
		}
	case *BranchStmt:
		if !c.inLoop {
			errs.Add(s.Pos, "%s is not in a loop (for, while or repeat)", s.Tok)
		}
	case *IfStmt:
		checkBlock(errs, s.Then, c)
		for e := s.Else; e != nil; {
			if e.Block != nil {
				checkBlock(errs, e.Block, c)
				break
			}
			checkBlock(errs, e.If.Then, c)
			e = e.If.Else
		}
	case *ForStmt:
		checkBlock(errs, s.Body, ctx{c.inFunc, true})
	case *WhileStmt:
		checkBlock(errs, s.Body, ctx{c.inFunc, true})
	case *RepeatStmt:
		checkBlock(errs, s.Body, ctx{c.inFunc, true})
	}
}

// TopLevelStmts returns the set-up statements of f, in order: one body,
// whose labels a goto among them may name.
func TopLevelStmts(f *File) []Stmt {
	var stmts []Stmt
	for _, it := range f.Items {
		if s, ok := it.(Stmt); ok {
			stmts = append(stmts, s)
		}
	}
	return stmts
}

// checkLabels checks the labels and gotos of one body (a thread's, a
// handler's, a func's, or the set-up code, body nil), as Go checks its
// own: a label is local to its body, and a goto jumps to a label of its
// block or of a block around it, forward or backward, never into a
// block. An undefined, a duplicate and an unused label are errors. C
// only warns of an unused label (-Wunused-label), but a label no goto
// names in a transcribed kernel function means the goto that jumped
// there was lost, or names another label by mistake: the very slip
// gotos are here to prevent.
func checkLabels(errs *ErrorList, stmts []Stmt, body *Block) {
	type label struct {
		pos  Pos
		path []*Block // the blocks around the label, body first
		used bool
	}
	type jump struct {
		s    *GotoStmt
		path []*Block
	}
	labels := map[string]*label{}
	var order []string
	var gotos []jump
	var walk func(stmts []Stmt, path []*Block)
	walk = func(stmts []Stmt, path []*Block) {
		in := func(b *Block) {
			walk(b.Stmts, append(path[:len(path):len(path)], b))
		}
		for _, s := range stmts {
			switch s := s.(type) {
			case *LabelStmt:
				if prev, ok := labels[s.Name]; ok {
					errs.Add(s.Pos, "label %s already defined at %s", s.Name, prev.pos)
					continue
				}
				labels[s.Name] = &label{pos: s.Pos, path: path}
				order = append(order, s.Name)
			case *GotoStmt:
				gotos = append(gotos, jump{s, path})
			case *IfStmt:
				for e := s; e != nil; {
					in(e.Then)
					if e.Else == nil {
						break
					}
					if e.Else.Block != nil {
						in(e.Else.Block)
						break
					}
					e = e.Else.If
				}
			case *ForStmt:
				in(s.Body)
			case *WhileStmt:
				in(s.Body)
			case *RepeatStmt:
				in(s.Body)
			}
		}
	}
	walk(stmts, []*Block{body})
	for _, g := range gotos {
		l, ok := labels[g.s.Label]
		if !ok {
			errs.Add(g.s.LabelPos, "label %s not defined", g.s.Label)
			continue
		}
		l.used = true
		// The label's blocks the goto is not in: it would jump into
		// the outermost of them.
		for i, b := range l.path {
			if i >= len(g.path) || g.path[i] != b {
				errs.Add(g.s.Pos, "goto %s jumps into block starting at %s", g.s.Label, b.Pos)
				break
			}
		}
	}
	for _, name := range order {
		if l := labels[name]; !l.used {
			errs.Add(l.pos, "label %s defined and not used", name)
		}
	}
}
