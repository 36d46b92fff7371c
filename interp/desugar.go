package interp

import "github.com/mmscript/mmscript/lang"

// desugarIndex rewrites C's pages[i] into the page-array operations the
// runtime has, page_array_get(pages, i) and, for a store pages[i] = p,
// page_array_set(pages, i, p), so that the type checker and the compiler
// see calls with their usual argument checks. It changes the tree in
// place; the file's text, which fmt prints, keeps the brackets.
//
// It also expands the kernel's VMA_ITERATOR(vmi, mm, addr), a macro that
// declares and initializes a struct vma_iterator, into the declaration
// `vma_iterator vmi` and vma_iter_init(vmi, mm, addr).
func desugarIndex(f *lang.File) {
	if hasVMAIterator(f.Items) {
		var items []lang.Item
		for _, it := range f.Items {
			if st, ok := it.(lang.Stmt); ok {
				for _, x := range expandVMAIterator(st) {
					items = append(items, x)
				}
				continue
			}
			items = append(items, it)
		}
		f.Items = items
	}
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
	var items []lang.Item
	for _, s := range b.Stmts {
		items = append(items, s)
	}
	if hasVMAIterator(items) {
		var stmts []lang.Stmt
		for _, s := range b.Stmts {
			stmts = append(stmts, expandVMAIterator(s)...)
		}
		b.Stmts = stmts
	}
	for i, s := range b.Stmts {
		b.Stmts[i] = desugarStmt(s)
	}
}

// vmaIteratorCall is s as VMA_ITERATOR(name, mm, addr), the variable's
// name first.
func vmaIteratorCall(s lang.Item) (*lang.CallExpr, *lang.Ident, bool) {
	es, ok := s.(*lang.ExprStmt)
	if !ok {
		return nil, nil, false
	}
	call, ok := es.X.(*lang.CallExpr)
	if !ok || call.Name != "VMA_ITERATOR" || len(call.Args) != 3 || call.Args[0].Name != "" {
		return nil, nil, false
	}
	v, ok := call.Args[0].Value.(*lang.Ident)
	return call, v, ok
}

func hasVMAIterator(items []lang.Item) bool {
	for _, it := range items {
		if _, _, ok := vmaIteratorCall(it); ok {
			return true
		}
	}
	return false
}

// expandVMAIterator is s, or for VMA_ITERATOR(vmi, mm, addr) (include/
// linux/mm.h: struct vma_iterator name = { .mas = { .tree =
// &(__mm)->mm_mt, .index = __addr, ... } }) the declaration and the
// vma_iter_init() that give the same iterator.
func expandVMAIterator(s lang.Stmt) []lang.Stmt {
	call, v, ok := vmaIteratorCall(s)
	if !ok {
		return []lang.Stmt{s}
	}
	decl := &lang.VarDecl{Pos: call.Pos, Type: "vma_iterator", Name: v.Name}
	init := &lang.CallExpr{Pos: call.Pos, Name: "vma_iter_init", RParen: call.RParen, Args: call.Args}
	return []lang.Stmt{decl, &lang.ExprStmt{Pos: call.Pos, X: init}}
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
