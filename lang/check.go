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
		case *OpsDecl:
			dup(ops, "ops", it.Name, it.Pos)
			handlers := map[string]Pos{}
			for _, h := range it.Handlers {
				dup(handlers, "handler", h.Name, h.Pos)
				checkParams(&errs, h)
				checkBlock(&errs, h.Body, ctx{inFunc: true})
			}
		case *FuncDecl:
			dup(funcs, "func", it.Def.Name, it.Pos)
			checkParams(&errs, it.Def)
			checkBlock(&errs, it.Def.Body, ctx{inFunc: true})
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
