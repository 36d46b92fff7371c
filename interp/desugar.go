package interp

import "github.com/mmscript/mmscript/lang"

// desugarIndex rewrites C's pages[i] into the page-array operations the
// runtime has, page_array_get(pages, i) and, for a store pages[i] = p,
// page_array_set(pages, i, p), so that the type checker and the compiler
// see calls with their usual argument checks. It changes the tree in
// place; the file's text, which fmt prints, keeps the brackets.
func desugarIndex(f *lang.File) {
	for i, it := range f.Items {
		switch it := it.(type) {
		case *lang.ThreadDecl:
			desugarBlock(it.Body)
		case *lang.FuncDecl:
			desugarBlock(it.Def.Body)
		case *lang.OpsDecl:
			for _, h := range it.Handlers {
				desugarBlock(h.Body)
			}
		case lang.Stmt:
			f.Items[i] = desugarStmt(it)
		}
	}
}

func desugarBlock(b *lang.Block) {
	if b == nil {
		return
	}
	for i, s := range b.Stmts {
		b.Stmts[i] = desugarStmt(s)
	}
}

func desugarStmt(s lang.Stmt) lang.Stmt {
	switch s := s.(type) {
	case *lang.IndexAssignStmt:
		set := &lang.CallExpr{Pos: s.Pos, Name: "page_array_set", RParen: s.X.RBrack,
			Args: []*lang.Arg{
				{Pos: s.X.X.Position(), Value: desugarExpr(s.X.X)},
				{Pos: s.X.Index.Position(), Value: desugarExpr(s.X.Index)},
				{Pos: s.Value.Position(), Value: desugarExpr(s.Value)}}}
		return &lang.ExprStmt{Pos: s.Pos, X: set}
	case *lang.VarDecl:
		s.Value = desugarExpr(s.Value)
	case *lang.AssignStmt:
		s.Value = desugarExpr(s.Value)
	case *lang.FieldAssignStmt:
		s.X.X = desugarExpr(s.X.X)
		s.Value = desugarExpr(s.Value)
	case *lang.DerefAssignStmt:
		s.X = desugarExpr(s.X)
		s.Value = desugarExpr(s.Value)
	case *lang.ExprStmt:
		s.X = desugarExpr(s.X)
	case *lang.IfStmt:
		for st := s; st != nil; {
			st.Cond = desugarExpr(st.Cond)
			desugarBlock(st.Then)
			if st.Else == nil {
				break
			}
			desugarBlock(st.Else.Block)
			st = st.Else.If
		}
	case *lang.ForStmt:
		s.Lo, s.Hi, s.X = desugarExpr(s.Lo), desugarExpr(s.Hi), desugarExpr(s.X)
		desugarBlock(s.Body)
	case *lang.WhileStmt:
		s.Cond = desugarExpr(s.Cond)
		desugarBlock(s.Body)
	case *lang.RepeatStmt:
		s.Count = desugarExpr(s.Count)
		desugarBlock(s.Body)
	case *lang.AssertStmt:
		s.Cond = desugarExpr(s.Cond)
	case *lang.ReturnStmt:
		s.Value = desugarExpr(s.Value)
	}
	return s
}

func desugarExpr(e lang.Expr) lang.Expr {
	switch e := e.(type) {
	case *lang.IndexExpr:
		return &lang.CallExpr{Pos: e.Pos, Name: "page_array_get", RParen: e.RBrack,
			Args: []*lang.Arg{
				{Pos: e.X.Position(), Value: desugarExpr(e.X)},
				{Pos: e.Index.Position(), Value: desugarExpr(e.Index)}}}
	case *lang.SelectorExpr:
		e.X = desugarExpr(e.X)
	case *lang.UnaryExpr:
		e.X = desugarExpr(e.X)
	case *lang.BinaryExpr:
		e.X, e.Y = desugarExpr(e.X), desugarExpr(e.Y)
	case *lang.ParenExpr:
		e.X = desugarExpr(e.X)
	case *lang.CallExpr:
		for _, a := range e.Args {
			a.Value = desugarExpr(a.Value)
		}
	}
	return e
}
