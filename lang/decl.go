package lang

import "github.com/alecthomas/participle/v2/lexer"

// participle parses the declarations: thread, ops and func blocks, from
// the struct tags below. These structs are participle's view of the
// syntax; parseItem turns them into the AST's ThreadDecl, OpsDecl and
// FuncDecl. Their positions are participle's own type, which participle
// stores without converting it to Pos through reflection. The bodies are Blocks parsed by hand (parseBlock), plugged in
// through the body interface with participle.ParseTypeWith, so that the
// statements, most of a script, do not pay for participle's reflection.

type threadSyntax struct {
	Pos  lexer.Position
	Name string `parser:"'thread' @Ident"`
	Body body   `parser:"@@"`
}

type opsSyntax struct {
	Pos      lexer.Position
	Name     string        `parser:"'ops' @Ident '{'"`
	Handlers []*funcSyntax `parser:"@@*"`
	Close    *RBrace       `parser:"@@"`
}

type funcDeclSyntax struct {
	Pos lexer.Position
	Def *funcSyntax `parser:"'func' @@"`
}

type funcSyntax struct {
	Pos    lexer.Position
	Name   string   `parser:"@Ident '('"`
	Params []string `parser:"( @Ident ( ',' @Ident )* )? ')'"`
	Body   body     `parser:"@@"`
}

// body is a Block, parsed by hand.
type body interface{ block() *Block }

func (b *Block) block() *Block { return b }

func (d *threadSyntax) decl() Item {
	return &ThreadDecl{Pos: Pos(d.Pos), Name: d.Name, Body: d.Body.block()}
}

func (d *opsSyntax) decl() Item {
	o := &OpsDecl{Pos: Pos(d.Pos), Name: d.Name, Close: d.Close}
	for _, h := range d.Handlers {
		o.Handlers = append(o.Handlers, h.def())
	}
	return o
}

func (d *funcDeclSyntax) decl() Item { return &FuncDecl{Pos: Pos(d.Pos), Def: d.Def.def()} }

func (d *funcSyntax) def() *FuncDef {
	return &FuncDef{Pos: Pos(d.Pos), Name: d.Name, Params: d.Params, Body: d.Body.block()}
}

// declNames renames the participle productions in the EBNF after the AST
// types they build.
var declNames = [][2]string{
	{"ThreadSyntax", "ThreadDecl"}, {"OpsSyntax", "OpsDecl"},
	{"FuncDeclSyntax", "FuncDecl"}, {"FuncSyntax", "FuncDef"}, {"Body", "Block"},
}
