package lang

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The parser is split in two. participle parses the declarations (thread,
// ops and func blocks, from the struct tags in ast.go); statements and
// expressions are parsed by hand (stmt.go, expr.go), by one-token dispatch
// and precedence climbing, and plugged into the participle grammar with
// ParseTypeWith. participle's reflective parser costs microseconds a node;
// statements are most of a script and parsing them by hand made the parser
// fifteen times faster (see BenchmarkParse). The EBNF of the whole grammar
// is Grammar.

// grammar is the parser for one set of limits: the hand-written parts need
// the limits, and participle hands them only the lexer, so the participle
// parser is built once per Limits value (see grammarFor).
type grammar struct {
	limits Limits
	thread *participle.Parser[threadSyntax]
	ops    *participle.Parser[opsSyntax]
	fn     *participle.Parser[funcDeclSyntax]
}

var grammars sync.Map // Limits -> *grammar

// grammarFor returns the parser for limits, building it on first use.
func grammarFor(limits Limits) *grammar {
	limits = limits.grammarKey()
	if g, ok := grammars.Load(limits); ok {
		return g.(*grammar)
	}
	g := &grammar{limits: limits}
	opts := []participle.Option{
		participle.Lexer(scriptLexer),
		participle.ParseTypeWith(func(lex *lexer.PeekingLexer) (body, error) {
			return g.parseBlock(lex, 1)
		}),
		// No backtracking: once a production has consumed a token it
		// must match, so an error is reported where it is.
		participle.UseLookahead(0),
	}
	// One parser per declaration: parseItem has seen the first token, and
	// a participle union would build and discard a node per alternative.
	g.thread = participle.MustBuild[threadSyntax](opts...)
	g.ops = participle.MustBuild[opsSyntax](opts...)
	g.fn = participle.MustBuild[funcDeclSyntax](opts...)
	actual, _ := grammars.LoadOrStore(limits, g)
	return actual.(*grammar)
}

// fileEBNF is the EBNF of the top of the grammar, parsed by hand (parseFile).
const fileEBNF = `File = (Item | ";")* .
Item = ThreadDecl | OpsDecl | FuncDecl | ExpectDecl | Stmt .
`

// handWritten is the EBNF of the productions parsed by hand.
const handWritten = `Block = "{" (Stmt | ";")* "}" .
Stmt = IfStmt | ForStmt | WhileStmt | RepeatStmt | BranchStmt | AssertStmt | ReturnStmt | VarDecl | AssignStmt | ExprStmt .
IfStmt = "if" Expr Block ("else" (IfStmt | Block))? .
ForStmt = "for" <ident> "in" Expr (".." Expr)? Block .
WhileStmt = "while" Expr Block .
RepeatStmt = "repeat" Expr Block .
BranchStmt = "break" | "continue" .
AssertStmt = "assert" Expr ("," <string>)? .
ReturnStmt = "return" Expr? .
VarDecl = <ident> <ident> ("=" Expr)? .
AssignStmt = <ident> ("=" | "+=" | "-=" | "*=" | "/=" | "%=" | "&=" | "|=" | "^=" | "<<=" | ">>=") Expr .
ExprStmt = Expr .
ExpectDecl = "expect" ("ok" | "deadlock" | "violation" | "fatal" | "error" | "single_run") <string>? ("at" <int>)? ("always" | "sometimes" | "never")? .
Expr = Unary (BinOp Unary)* .
BinOp = "||" | "or" | "&&" | "and" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "|" | "^" | "*" | "/" | "%" | "<<" | ">>" | "&" .
Unary = ("-" | "!" | "not") Unary | Postfix .
Postfix = Primary ("." <ident>)* .
Primary = <int> | <string> | "true" | "false" | "nil" | <ident> ("(" (Arg ("," Arg)* ","?)? ")")? | "(" Expr ")" .
Arg = (<ident> "=")? Expr .
`

// Grammar returns the EBNF of the grammar: the top, the declarations
// participle parses (generated from the AST's struct tags) and the
// productions parsed by hand. A statement starts with the token that
// decides its kind, except VarDecl (two names) and AssignStmt (a name and
// "="). In a ReturnStmt the value must start on the line of "return"; in
// an ExpectDecl the message and "at" must be on the line of "expect"; a
// call's "(" must be on the line of its name, a binary operator on the
// line where its left operand ends, and a VarDecl's name on the line of
// its type.
func Grammar() string {
	g := grammarFor(DefaultLimits)
	var decls []string
	seen := map[string]bool{}
	for _, ebnf := range []string{g.thread.String(), g.ops.String(), g.fn.String()} {
		for _, line := range strings.Split(ebnf, "\n") {
			for _, n := range declNames {
				line = regexp.MustCompile(`\b`+n[0]+`\b`).ReplaceAllString(line, n[1])
			}
			if name, _, _ := strings.Cut(line, " "); !seen[name] && name != "Block" {
				seen[name] = true
				decls = append(decls, line)
			}
		}
	}
	return fileEBNF + strings.Join(decls, "\n") + "\n" + handWritten
}

// Parse parses a script within DefaultLimits. filename is used in
// positions only. The error, if any, is an ErrorList of syntax errors and
// static-check errors; every error has a position in filename. Parse never
// panics.
func Parse(filename string, src []byte) (*File, error) {
	return DefaultLimits.Parse(filename, src)
}

// Parse parses a script within the limits l (see the package Parse).
func (l Limits) Parse(filename string, src []byte) (f *File, err error) {
	defer func() {
		// participle panics on some grammar-internal conditions; a user's
		// input must never produce a Go panic, so turn it into an error.
		if r := recover(); r != nil {
			f, err = nil, internalError(filename, r)
		}
	}()
	if int64(len(src)) > l.maxFileSize() {
		return nil, l.tooLarge(filename, src)
	}
	lex, s, err := scan(filename, src, l)
	if err != nil {
		return nil, err
	}
	f, err = parseTokens(grammarFor(l), lex)
	if err != nil {
		return nil, convertError(filename, err)
	}
	f.Name = filename
	f.Comments = s.comments
	f.End = s.pos()
	if err := check(f); err != nil {
		return nil, err
	}
	return f, nil
}

// parseTokens parses scanned tokens as a File. It is a variable so that a
// test can make it panic.
var parseTokens = func(g *grammar, lex *lexer.PeekingLexer) (*File, error) {
	return g.parseFile(lex)
}

// parseFile parses File = (Item | ";")* .
func (g *grammar) parseFile(lex *lexer.PeekingLexer) (*File, error) {
	f := &File{Pos: Pos(lex.Peek().Pos)}
	for {
		t := lex.Peek()
		switch {
		case t.EOF():
			return f, nil
		case t.Type == tokPunct && t.Value == ";":
			lex.Next()
			continue
		}
		it, err := g.parseItem(lex)
		if err != nil {
			return nil, err
		}
		f.Items = append(f.Items, it)
	}
}

// parseItem parses Item = ThreadDecl | OpsDecl | FuncDecl | ExpectDecl | Stmt .
func (g *grammar) parseItem(lex *lexer.PeekingLexer) (Item, error) {
	t := lex.Peek()
	switch {
	case t.Type == tokKeyword && t.Value == "thread":
		d, err := g.thread.ParseFromLexer(lex, participle.AllowTrailing(true))
		if err != nil {
			return nil, err
		}
		return d.decl(), nil
	case t.Type == tokKeyword && t.Value == "func":
		d, err := g.fn.ParseFromLexer(lex, participle.AllowTrailing(true))
		if err != nil {
			return nil, err
		}
		return d.decl(), nil
	case t.Type == tokKeyword && t.Value == "expect":
		d := &ExpectDecl{}
		if err := d.Parse(lex); err != nil {
			return nil, err
		}
		return d, nil
	case t.Type == tokIdent && t.Value == "ops":
		// `ops NAME {` starts an OpsDecl; `ops drv` alone declares a
		// variable of type ops.
		cp := lex.MakeCheckpoint()
		lex.Next()
		name := lex.Next()
		brace := lex.Peek()
		lex.LoadCheckpoint(cp)
		if name.Type == tokIdent && brace.Type == tokPunct && brace.Value == "{" {
			d, err := g.ops.ParseFromLexer(lex, participle.AllowTrailing(true))
			if err != nil {
				return nil, err
			}
			return d.decl(), nil
		}
	}
	s, err := g.parseStmt(lex, 0)
	if err == participle.NextMatch {
		return nil, unexpected(lex.Peek(), "")
	}
	return s, err
}

// internalError turns a recovered panic into an ErrorList.
func internalError(filename string, r any) error {
	pos := Pos{Filename: filename, Line: 1, Column: 1}
	msg := fmt.Sprint(r)
	if perr, ok := r.(participle.Error); ok {
		if p := Pos(perr.Position()); p.IsValid() {
			pos = p
			pos.Filename = filename
		}
		msg = perr.Message()
	}
	return ErrorList{{pos, "internal parser error: " + msg}}
}

// scan tokenizes src into a PeekingLexer for the parser, returning the
// scanner too (it holds the comments).
func scan(filename string, src []byte, limits Limits) (*lexer.PeekingLexer, *scanner, error) {
	s := newScanner(filename, src, limits.grammarKey())
	lex, err := lexer.Upgrade(s)
	if err != nil {
		return nil, nil, err
	}
	return lex, s, nil
}

// unquote returns the value of a string literal token, reporting a bad
// escape sequence at its own column.
func unquote(t lexer.Token) (string, error) {
	s := t.Value[1 : len(t.Value)-1]
	if !strings.Contains(s, `\`) {
		return s, nil // the common case: nothing to unquote
	}
	var b strings.Builder
	col := t.Pos.Column + 1
	off := t.Pos.Offset + 1
	for s != "" {
		r, multibyte, tail, err := strconv.UnquoteChar(s, '"')
		if err != nil {
			n := 2
			switch s[1] {
			case 'x':
				n = 4
			case 'u':
				n = 6
			case 'U':
				n = 10
			case '0', '1', '2', '3', '4', '5', '6', '7':
				n = 4
			}
			esc := s[:min(n, len(s))]
			if !utf8.ValidString(esc) {
				esc = s[:2]
			}
			pos := Pos(t.Pos)
			pos.Column, pos.Offset = col, off
			return "", ErrorList{{pos, fmt.Sprintf("invalid escape sequence %s in string literal", esc)}}
		}
		if r < utf8.RuneSelf || multibyte {
			b.WriteRune(r)
		} else {
			b.WriteByte(byte(r)) // \xFF or octal: a raw byte
		}
		consumed := s[:len(s)-len(tail)]
		col += utf8.RuneCountInString(consumed)
		off += len(consumed)
		s = tail
	}
	return b.String(), nil
}

func convertError(filename string, err error) error {
	var l ErrorList
	if errors.As(err, &l) {
		return l
	}
	var perr participle.Error
	if !errors.As(err, &perr) {
		return ErrorList{{Pos{Filename: filename, Line: 1, Column: 1}, err.Error()}}
	}
	pos := Pos(perr.Position())
	pos.Filename = filename
	if !pos.IsValid() {
		pos.Line, pos.Column = 1, 1
	}
	msg := perr.Message()
	var uerr *participle.UnexpectedTokenError
	if errors.As(err, &uerr) {
		msg = "unexpected " + describe(&uerr.Unexpected)
		if m := expectedRE.FindStringSubmatch(uerr.Message()); m != nil {
			if want := wantFrom(m[1]); want != "" {
				msg += ", want " + want
			}
		}
	} else if strings.HasPrefix(msg, "too many iterations") {
		msg = "too many statements"
	}
	return ErrorList{{pos, msg}}
}

var expectedRE = regexp.MustCompile(`\(expected (.*)\)$`)

// describe names a token for an error message: end of file, keyword if,
// name foo, integer 12, string "s", or a quoted punctuation mark.
func describe(t *lexer.Token) string {
	switch {
	case t.EOF():
		return "end of file"
	case t.Type == tokKeyword:
		return "keyword " + t.Value
	case t.Type == tokIdent:
		return "name " + t.Value
	case t.Type == tokInt:
		return "integer " + t.Value
	case t.Type == tokString:
		return "string " + t.Value
	}
	return strconv.Quote(t.Value)
}

// wantFrom turns participle's "expected" EBNF (the rest of the sequence
// that failed) into the list of things that could have come next.
func wantFrom(ebnf string) string {
	p := &ebnfFirst{s: ebnf}
	p.seq(true)
	var out []string
	seen := map[string]bool{}
	for _, term := range p.first {
		for _, w := range strings.Split(wantNames(term), "|") {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	switch len(out) {
	case 0:
		return ""
	case 1:
		return out[0]
	}
	return strings.Join(out[:len(out)-1], ", ") + " or " + out[len(out)-1]
}

// wantNames names a grammar term; alternatives are separated by "|".
func wantNames(term string) string {
	switch term {
	case "<ident>", "FuncDef", "FuncSyntax":
		return "name"
	case "<string>":
		return "string"
	case "<int>":
		return "integer"
	case "Expr":
		return "expression"
	case "Block":
		return `"{"`
	case "RBrace":
		return `"}"`
	case "IfStmt":
		return `"if"`
	case "ElseIf":
		return `"if"|"{"`
	case "Item", "Stmt":
		return "statement"
	}
	return term
}

// ebnfFirst computes the terms that can start a participle EBNF sequence.
type ebnfFirst struct {
	s     string
	first []string
}

// seq scans alternatives of sequences up to a ")" or the end, recording
// the terms that can start them when record is set; it reports whether
// the whole can be empty.
func (p *ebnfFirst) seq(record bool) (empty bool) {
	altEmpty := true // every term so far in this alternative can be empty
	for {
		p.s = strings.TrimLeft(p.s, " ")
		if p.s == "" || p.s[0] == ')' {
			return empty || altEmpty
		}
		if p.s[0] == '|' {
			p.s = p.s[1:]
			empty = empty || altEmpty
			altEmpty = true
			continue
		}
		if !p.term(record && altEmpty) {
			altEmpty = false
		}
	}
}

// term scans one term, recording it when record is set, and reports
// whether it can be empty.
func (p *ebnfFirst) term(record bool) (empty bool) {
	switch c := p.s[0]; {
	case strings.HasPrefix(p.s, "(?=") || strings.HasPrefix(p.s, "(?!"):
		// A lookahead matches no tokens.
		p.s = p.s[3:]
		p.seq(false)
		p.s = strings.TrimPrefix(p.s, ")")
		return true
	case c == '(':
		p.s = p.s[1:]
		empty = p.seq(record)
		p.s = strings.TrimPrefix(p.s, ")")
	case c == '"':
		i := 1
		for i < len(p.s) && p.s[i] != '"' {
			if p.s[i] == '\\' {
				i++
			}
			i++
		}
		i = min(i+1, len(p.s))
		if record {
			p.first = append(p.first, p.s[:i])
		}
		p.s = p.s[i:]
	default:
		i := strings.IndexAny(p.s, " ()|?*+")
		if i == 0 {
			i = 1
		} else if i < 0 {
			i = len(p.s)
		}
		if record {
			p.first = append(p.first, p.s[:i])
		}
		p.s = p.s[i:]
	}
	if p.s != "" && (p.s[0] == '?' || p.s[0] == '*') {
		p.s = p.s[1:]
		return true
	}
	if p.s != "" && p.s[0] == '+' {
		p.s = p.s[1:]
	}
	return empty
}
