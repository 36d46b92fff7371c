package lang

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The parser is written by hand: declarations (decl.go), statements
// (stmt.go) and expressions (expr.go), by one-token dispatch and
// precedence climbing over the token stream of tokens.go. participle's
// reflective parser, which once parsed it all and then the declarations,
// cost microseconds a node, and its PeekingLexer a fresh token slice per
// parse; participle remains for its token and error types. The EBNF of
// the whole grammar is Grammar (pinned by testdata/grammar.ebnf).

// grammar is the parser for one set of limits.
type grammar struct {
	limits Limits
}

func grammarFor(limits Limits) *grammar {
	return &grammar{limits: limits.grammarKey()}
}

// fileEBNF is the EBNF of the top of the grammar, parsed by hand (parseFile).
const fileEBNF = `File = (Item | ";")* .
Item = ThreadDecl | OpsDecl | FuncDecl | ExpectDecl | Stmt .
`

// declEBNF is the EBNF of the declarations (decl.go).
const declEBNF = `ThreadDecl = "thread" <ident> Block .
OpsDecl = "ops" <ident> "{" FuncDef* RBrace .
FuncDef = <ident> "(" (<ident> ("," <ident>)*)? ")" Block .
RBrace = "}" .
FuncDecl = "func" FuncDef .
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

// Grammar returns the EBNF of the grammar: the top, the declarations and
// the statements and expressions. A statement starts with the token that
// decides its kind, except VarDecl (two names) and AssignStmt (a name and
// "="). In a ReturnStmt the value must start on the line of "return"; in
// an ExpectDecl the message and "at" must be on the line of "expect"; a
// call's "(" must be on the line of its name, a binary operator on the
// line where its left operand ends, and a VarDecl's name on the line of
// its type.
func Grammar() string {
	return fileEBNF + declEBNF + handWritten
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
		// A parser bug must never reach the user as a Go panic: turn it
		// into an error.
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
	lex.release()
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
var parseTokens = func(g *grammar, lex *tokens) (*File, error) {
	return g.parseFile(lex)
}

// parseFile parses File = (Item | ";")* .
func (g *grammar) parseFile(lex *tokens) (*File, error) {
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
func (g *grammar) parseItem(lex *tokens) (Item, error) {
	t := lex.Peek()
	switch {
	case t.Type == tokKeyword && t.Value == "thread":
		return g.parseThread(lex)
	case t.Type == tokKeyword && t.Value == "func":
		return g.parseFuncDecl(lex)
	case t.Type == tokKeyword && t.Value == "expect":
		d := &ExpectDecl{}
		if err := d.parse(lex); err != nil {
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
			return g.parseOps(lex)
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

// scan tokenizes src for the parser, returning the scanner too (it holds
// the comments). The caller releases the tokens after the parse.
func scan(filename string, src []byte, limits Limits) (*tokens, *scanner, error) {
	s := newScanner(filename, src, limits.grammarKey())
	lex, err := scanTokens(s)
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
	return ErrorList{{pos, perr.Message()}}
}

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
