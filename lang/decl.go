package lang

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// participle parses the top of a script, from the struct tags below: the
// file, its items and the thread, ops and func declarations. These
// structs are participle's view of the syntax, each named after the
// production it is, in lower case (participle names a production after
// its type with the first letter upper-cased, so the EBNF reads File,
// Item). convert turns them into the AST.
//
// The definitions of threads (ThreadDef: a name and a block), handlers
// and helpers (FuncDef: a name, parameters and a block) and the runs of
// set-up statements (expect lines included) are custom productions
// (threadDef, funcDef and setupStmts, participle.Parseable): they call
// the parser written by hand
// (stmt.go, expr.go and below), which reads the same PeekingLexer. They
// are most of a script, and participle's reflective parsing costs a few
// allocations and about a microsecond a node (BenchmarkParse).
// Positions are participle's own type, which participle stores without
// a reflective conversion (to Pos, it costs a tenth of the parse).

// file is File = Item* . A ";" between items belongs to SetupStmts. It
// has no Pos for participle to fill in (a reflective conversion per
// parse): a File starts at its first token (convert).
type file struct {
	Items []*item `parser:"@@*"`
}

// item is Item = ThreadDecl | SetupStmts | FuncDecl | OpsDecl, with the
// declarations written out in place (ThreadDecl = "thread" <ident> Block,
// FuncDecl = "func" FuncDef,
// OpsDecl = "ops" <ident> "{" FuncDef* RBrace) rather than as structs of
// their own, and in that order. participle has no first-token dispatch:
// it tries the alternatives in order, each on a branch of its own, and
// every struct it enters costs a reflect.New, a position and a deferred
// field assignment. An alternative led by a literal fails on its first
// token at no cost beyond the branch, and the common ones come first
// (in the examples: 350 threads, 330 expect lines and 260 runs of set-up
// statements making 400 runs, 60 ops, 40 funcs); OpsDecl comes after SetupStmts since
// `ops drv` also declares a variable of type ops (SetupStmts leaves
// `ops NAME {` to OpsDecl). One struct per item
// instead of two made an item about a third cheaper to parse
// (BenchmarkParse). Pos is where the item starts.
//
// The productions parsed by hand are fields of value type: participle
// fills a pointer field by allocating a value and copying the parsed one
// into it, one more allocation per item. Which alternative matched is
// told by which of them holds something (convert); a run of semicolons
// alone holds nothing and adds nothing.
type item struct {
	Pos      lexer.Position
	Thread   threadDef  `parser:"  'thread' @@"`
	Stmts    setupStmts `parser:"| @@"`
	Func     funcDef    `parser:"| 'func' @@"`
	Ops      string     `parser:"| 'ops' @Ident '{'"`
	Handlers []funcDef  `parser:"  @@*"`
	Close    *RBrace    `parser:"  @@"`
}

// The productions parsed by hand are participle.Parseable: participle
// calls their Parse method on a value it allocates, an interface call,
// where a function given to participle.ParseTypeWith went through
// reflect.Value.Call (a tenth of the parse, and four allocations a
// call). A Parse method gets only the lexer: the parse it belongs to,
// and so its grammar and limits, is found from the lexer's tokens
// (grammarOf). participle names the productions after these types
// (Grammar capitalizes them).

// threadDef is ThreadDef = <ident> Block: a thread's name and body,
// parsed by hand. The name as a participle capture was a quarter of the
// allocations of a thread declaration, the commonest item.
type threadDef struct {
	name string
	body *Block
}

func (n *threadDef) Parse(lex *lexer.PeekingLexer) error {
	name := lex.Peek()
	if name.Type != tokIdent {
		return participle.NextMatch
	}
	lex.Next()
	g := grammarOf(lex)
	p := g.parser()
	defer g.put(p)
	body, err := p.parseBlock(lex, 1)
	n.name, n.body = name.Value, body
	return err
}

// setupStmts is SetupStmts: a run of set-up statements and expect lines,
// parsed by hand, one participle node for the run. An expect line's
// message and "at" must be on the line of "expect", which struct tags
// cannot say, so it is parsed by hand (ExpectDecl.parse) and joins the
// runs, which halves the items participle sees in the examples.
type setupStmts struct{ items []Item }

func (n *setupStmts) Parse(lex *lexer.PeekingLexer) (err error) {
	g := grammarOf(lex)
	p := g.parser()
	defer g.put(p)
	n.items, err = p.parseSetupStmts(lex)
	return err
}

// funcDef is FuncDef: a handler or a helper (its name, parameters and
// body), a *FuncDef parsed by hand. As a participle struct (a Pos, a
// name, a list of parameters and a body, each captured by reflection) it
// cost about fifty allocations, as much as the rest of an ops block or
// func declaration together.
type funcDef struct{ d *FuncDef }

func (n *funcDef) Parse(lex *lexer.PeekingLexer) (err error) {
	g := grammarOf(lex)
	p := g.parser()
	defer g.put(p)
	n.d, err = p.parseFuncDef(lex)
	return err
}

// parseSetupStmts parses
// SetupStmts = ((?! "ops" <ident> "{") (Stmt | ExpectDecl | ";"))+ .
// It returns an empty run for semicolons alone.
func (p *parser) parseSetupStmts(lex *lexer.PeekingLexer) ([]Item, error) {
	start := lex.Cursor()
	base := len(p.itemStack) // empty: a run is not nested in anything parsed by hand
	for !startsOpsDecl(lex) {
		t := lex.Peek()
		if t.Type == tokPunct && t.Value == ";" {
			lex.Next()
			continue
		}
		if startsKernelDecl(lex) {
			d, err := parseKernelDecl(lex)
			if err != nil {
				return nil, err
			}
			p.itemStack = append(p.itemStack, d)
			continue
		}
		if t.Type == tokKeyword && t.Value == "expect" {
			lex.Next()
			d := &ExpectDecl{}
			if err := d.parse(lex); err != nil {
				return nil, err
			}
			p.itemStack = append(p.itemStack, d)
			continue
		}
		s, err := p.parseStmt(lex, 0)
		if err == participle.NextMatch {
			break
		}
		if err != nil {
			return nil, err
		}
		p.itemStack = append(p.itemStack, s)
	}
	if lex.Cursor() == start {
		return nil, participle.NextMatch
	}
	run := p.itemSlices.copyOf(p.itemStack[base:])
	p.itemStack = pop(p.itemStack, base)
	return run, nil
}

// startsKernelDecl reports whether `kernel VERSION` comes next: the name
// kernel and, on its line, a number or a name. `kernel` is no keyword
// (`kernel = 1` assigns a variable of that name).
func startsKernelDecl(lex *lexer.PeekingLexer) bool {
	t := lex.Peek()
	if t.Type != tokIdent || t.Value != "kernel" {
		return false
	}
	cp := lex.MakeCheckpoint()
	lex.Next()
	v := lex.Peek()
	lex.LoadCheckpoint(cp)
	return v.Pos.Line == t.Pos.Line && (v.Type == tokInt || v.Type == tokIdent)
}

// parseKernelDecl parses KernelDecl = "kernel" (<int> "." <int> | <ident>),
// the version written without spaces (5.15).
func parseKernelDecl(lex *lexer.PeekingLexer) (*KernelDecl, error) {
	k := lex.Next()
	d := &KernelDecl{Pos: Pos(k.Pos)}
	v := lex.Next()
	if v.Type == tokIdent {
		d.Version = v.Value
		return d, nil
	}
	dot := lex.Peek()
	if dot.Type != tokPunct || dot.Value != "." || dot.Pos.Offset != v.Pos.Offset+len(v.Value) {
		return nil, participle.Errorf(v.Pos, "kernel %s: want a version MAJOR.MINOR, e.g. kernel 5.15", v.Value)
	}
	lex.Next()
	minor := lex.Peek()
	if minor.Type != tokInt || minor.Pos.Offset != dot.Pos.Offset+1 {
		return nil, participle.Errorf(dot.Pos, "kernel %s.: want a version MAJOR.MINOR, e.g. kernel 5.15", v.Value)
	}
	lex.Next()
	d.Version = v.Value + "." + minor.Value
	return d, nil
}

// startsOpsDecl reports whether `ops NAME {` comes next.
func startsOpsDecl(lex *lexer.PeekingLexer) bool {
	t := lex.Peek()
	if t.Type != tokIdent || t.Value != "ops" {
		return false
	}
	cp := lex.MakeCheckpoint()
	lex.Next()
	name := lex.Next()
	brace := lex.Peek()
	lex.LoadCheckpoint(cp)
	return name.Type == tokIdent && brace.Type == tokPunct && brace.Value == "{"
}

// convert turns participle's tree into the AST; start is the position
// of the first token.
func (f *file) convert(start lexer.Position) *File {
	out := &File{Pos: Pos(start)}
	n := 0
	for _, it := range f.Items {
		n += max(len(it.Stmts.items), 1)
	}
	if n > 0 {
		out.Items = make([]Item, 0, n)
	}
	for _, it := range f.Items {
		if d := it.convert(); d != nil {
			out.Items = append(out.Items, d)
		} else {
			out.Items = append(out.Items, it.Stmts.items...)
		}
	}
	return out
}

// convert returns the declaration it is, nil for a run of set-up
// statements.
func (it *item) convert() Item {
	pos := Pos(it.Pos)
	switch {
	case it.Thread.body != nil:
		return &ThreadDecl{Pos: pos, Name: it.Thread.name, Body: it.Thread.body}
	case it.Close != nil:
		o := &OpsDecl{Pos: pos, Name: it.Ops, Close: it.Close}
		if len(it.Handlers) > 0 {
			o.Handlers = make([]*FuncDef, 0, len(it.Handlers))
		}
		for _, h := range it.Handlers {
			o.Handlers = append(o.Handlers, h.d)
		}
		return o
	case it.Func.d != nil:
		return &FuncDecl{Pos: pos, Def: it.Func.d}
	}
	return nil
}

// parseFuncDef parses
// FuncDef = <ident> "(" (<ident> ("," <ident>)*)? ")" Block .
// It returns participle.NextMatch when no name comes next: the end of an
// ops block's handlers.
func (p *parser) parseFuncDef(lex *lexer.PeekingLexer) (*FuncDef, error) {
	name := lex.Peek()
	if name.Type != tokIdent {
		return nil, participle.NextMatch
	}
	lex.Next()
	d := &FuncDef{Pos: Pos(name.Pos), Name: name.Value}
	if t := lex.Peek(); t.Type != tokPunct || t.Value != "(" {
		return nil, unexpected(t, `"("`)
	}
	lex.Next()
	for want := `name or ")"`; ; {
		t := lex.Peek()
		switch {
		case t.Type == tokPunct && t.Value == ")" && want != "name":
			lex.Next()
			body, err := p.parseBlock(lex, 1)
			if err != nil {
				return nil, err
			}
			d.Body = body
			return d, nil
		case t.Type == tokIdent && want != `"," or ")"`:
			lex.Next()
			d.Params = append(d.Params, t.Value)
			want = `"," or ")"`
		case t.Type == tokPunct && t.Value == "," && want == `"," or ")"`:
			lex.Next()
			want = "name"
		default:
			return nil, unexpected(t, want)
		}
	}
}
