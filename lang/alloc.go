package lang

// The parser written by hand allocates the nodes of the AST in slabs:
// a statement is a handful of small nodes (an ExprStmt, a CallExpr, its
// Args, an Ident or IntLit for each), and allocating each on its own was
// half of the allocations of a parse and, with the garbage collector's
// work that follows, a third of its time (BenchmarkParse). A slab hands
// out the elements of one array in turn, so a parse makes one allocation
// for many nodes. The nodes stay separate objects to every user of the
// AST; a live node keeps the rest of its slab's array alive, which costs
// at most one array per node type beyond the AST.

// slabSize is the elements of one slab array.
const slabSize = 64

// slab allocates values of T from arrays of slabSize.
type slab[T any] struct{ free []T }

// new returns a pointer to a zero T.
func (s *slab[T]) new() *T {
	if len(s.free) == 0 {
		s.free = make([]T, slabSize)
	}
	x := &s.free[0]
	s.free = s.free[1:]
	return x
}

// copyOf returns a copy of xs with capacity len(xs), so that an append
// to it copies rather than writes over the next slice of the slab.
func (s *slab[T]) copyOf(xs []T) []T {
	n := len(xs)
	if n == 0 {
		return nil
	}
	if n > slabSize/4 {
		return append([]T(nil), xs...)
	}
	if len(s.free) < n {
		s.free = make([]T, slabSize)
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	copy(out, xs)
	return out
}

// parser is the state of the parser written by hand for one custom
// production at a time (grammar.parser): the limits, the slabs, and
// stacks in which a block's statements and a call's arguments gather
// before they are copied to slices of their exact length (growing each
// slice by appends was a tenth of the allocations).
type parser struct {
	limits Limits

	idents     slab[Ident]
	ints       slab[IntLit]
	calls      slab[CallExpr]
	args       slab[Arg]
	argSlices  slab[*Arg]
	exprStmts  slab[ExprStmt]
	varDecls   slab[VarDecl]
	assigns    slab[AssignStmt]
	binaries   slab[BinaryExpr]
	selectors  slab[SelectorExpr]
	blocks     slab[Block]
	rbraces    slab[RBrace]
	stmtSlices slab[Stmt]
	itemSlices slab[Item]

	argStack  []*Arg
	stmtStack []Stmt
	itemStack []Item
}

// parser returns a parser for g's limits; put gives it back.
func (g *grammar) parser() *parser {
	if p, ok := g.parsers.Get().(*parser); ok {
		return p
	}
	return &parser{limits: g.limits}
}

func (g *grammar) put(p *parser) {
	// The stacks hold what an error left unpopped (a parse pops what
	// it pushes); clearing it keeps a pooled parser from holding an AST
	// nobody else does, and a stack grown by a huge input is dropped.
	p.argStack = resetStack(p.argStack)
	p.stmtStack = resetStack(p.stmtStack)
	p.itemStack = resetStack(p.itemStack)
	g.parsers.Put(p)
}

func resetStack[T any](s []T) []T {
	if cap(s) > 1<<12 {
		return nil
	}
	clear(s)
	return s[:0]
}

// pop truncates a stack to n, clearing what it drops.
func pop[T any](s []T, n int) []T {
	clear(s[n:])
	return s[:n]
}
