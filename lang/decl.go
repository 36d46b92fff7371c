package lang

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// participle parses the top of a script, from the struct tags below: the
// file, its items and the declarations (thread, ops and func blocks;
// expect lines through their Parse method). These structs are
// participle's view of the syntax, each named after the production it
// is, in lower case (participle names a production after its type with
// the first letter upper-cased, so the EBNF reads File, Item,
// ThreadDecl). convert turns them into the AST.
//
// Blocks and statements are custom productions (block and stmt, see
// grammarFor): participle.ParseTypeWith hands them to the parser written
// by hand (stmt.go, expr.go), which reads the same PeekingLexer. They are
// most of a script, and participle's reflective parsing costs a few
// allocations and about a microsecond a node (BenchmarkParse). Their
// positions are participle's own type, which participle stores without
// a reflective conversion (to Pos, it costs a tenth of the parse).

// file is File = (Item | ";")* .
type file struct {
	Pos   lexer.Position
	Items []*item `parser:"( @@ | ';' )*"`
}

// item is Item = ThreadDecl | ExpectDecl | SetupStmts | OpsDecl | FuncDecl .
// It is a struct of alternatives rather than a participle.Union, since a
// union's members are concrete types and SetupStmts is a custom production
// (an interface). participle tries the alternatives in order, building
// and dropping a node for each that fails, so the common ones come first.
// Pos is where the item starts: the declarations take it from there, and
// have no Pos field of their own for participle to fill in on every
// attempt.
type item struct {
	Pos    lexer.Position
	Thread *threadDecl `parser:"  @@"`
	Expect *ExpectDecl `parser:"| @@"`
	Stmts  setupStmts  `parser:"| @@"`
	Ops    *opsDecl    `parser:"| @@"`
	Func   *funcDecl   `parser:"| @@"`
}

// threadDecl is ThreadDecl = "thread" <ident> Block .
type threadDecl struct {
	Name string `parser:"'thread' @Ident"`
	Body block  `parser:"@@"`
}

// opsDecl is OpsDecl = "ops" <ident> "{" FuncDef* RBrace . "ops" is not a
// keyword: `ops drv` declares a variable of type ops, a SetupStmts, which
// comes first and leaves `ops NAME {` to OpsDecl.
type opsDecl struct {
	Name     string     `parser:"'ops' @Ident '{'"`
	Handlers []*funcDef `parser:"@@*"`
	Close    *RBrace    `parser:"@@"`
}

// funcDecl is FuncDecl = "func" FuncDef .
type funcDecl struct {
	Def *funcDef `parser:"'func' @@"`
}

// funcDef is FuncDef = <ident> "(" (<ident> ("," <ident>)*)? ")" Block .
type funcDef struct {
	Pos    lexer.Position
	Name   string   `parser:"@Ident '('"`
	Params []string `parser:"( @Ident ( ',' @Ident )* )? ')'"`
	Body   block    `parser:"@@"`
}

// Parse implements participle.Parseable: an ExpectDecl is parsed by hand
// (expr.go), since its message and "at" must be on the line of "expect",
// which struct tags cannot say.
func (d *ExpectDecl) Parse(lex *lexer.PeekingLexer) error { return d.parse(lex) }

// block is the custom production Block: a *Block parsed by hand.
type block interface{ toBlock() *Block }

func (b *Block) toBlock() *Block { return b }

// setupStmts is the custom production SetupStmts: the statements of a
// run of set-up code, parsed by hand, one participle node for the run.
type setupStmts interface{ stmts() []Stmt }

type stmtRun []Stmt

func (r stmtRun) stmts() []Stmt { return r }

// parseSetupStmts parses SetupStmts = ((?! "ops" <ident> "{") Stmt)+ .
func (g *grammar) parseSetupStmts(lex *lexer.PeekingLexer) (setupStmts, error) {
	var run stmtRun
	for !startsOpsDecl(lex) {
		s, err := g.parseStmt(lex, 0)
		if err == participle.NextMatch {
			break
		}
		if err != nil {
			return nil, err
		}
		run = append(run, s)
	}
	if run == nil {
		return nil, participle.NextMatch
	}
	return run, nil
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

// convert turns participle's tree into the AST.
func (f *file) convert() *File {
	out := &File{Pos: Pos(f.Pos)}
	n := 0
	for _, it := range f.Items {
		if it.Stmts != nil {
			n += len(it.Stmts.stmts())
		} else {
			n++
		}
	}
	if n > 0 {
		out.Items = make([]Item, 0, n)
	}
	for _, it := range f.Items {
		if it.Stmts != nil {
			for _, s := range it.Stmts.stmts() {
				out.Items = append(out.Items, s)
			}
			continue
		}
		out.Items = append(out.Items, it.convert())
	}
	return out
}

func (it *item) convert() Item {
	pos := Pos(it.Pos)
	switch {
	case it.Thread != nil:
		d := it.Thread
		return &ThreadDecl{Pos: pos, Name: d.Name, Body: d.Body.toBlock()}
	case it.Ops != nil:
		d := it.Ops
		o := &OpsDecl{Pos: pos, Name: d.Name, Close: d.Close}
		if len(d.Handlers) > 0 {
			o.Handlers = make([]*FuncDef, 0, len(d.Handlers))
		}
		for _, h := range d.Handlers {
			o.Handlers = append(o.Handlers, h.convert())
		}
		return o
	case it.Func != nil:
		return &FuncDecl{Pos: pos, Def: it.Func.Def.convert()}
	}
	return it.Expect
}

func (d *funcDef) convert() *FuncDef {
	return &FuncDef{Pos: Pos(d.Pos), Name: d.Name, Params: d.Params, Body: d.Body.toBlock()}
}
