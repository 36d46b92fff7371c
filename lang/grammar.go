package lang

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// keywords cannot be used as names. "ops" is not one, since `ops=drv` names
// the mmap argument; it starts an OpsDecl only at the top level.
var keywords = []string{
	"thread", "func", "if", "else", "for", "repeat", "return",
	"expect", "assert", "true", "false", "nil", "and", "or", "not",
}

var scriptLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "comment", Pattern: `#[^\n]*`},
	{Name: "whitespace", Pattern: `[ \t\r\n]+`},
	{Name: "String", Pattern: `"(\\.|[^"\\\n])*"`},
	// Int takes every alphanumeric run that starts with a digit, so that a
	// malformed literal (0xzz, 12ab) is one token with one clear error.
	{Name: "Int", Pattern: `[0-9][0-9a-zA-Z_]*`},
	{Name: "Keyword", Pattern: `\b(` + strings.Join(keywords, "|") + `)\b`},
	{Name: "Ident", Pattern: `[a-zA-Z_][a-zA-Z0-9_]*`},
	{Name: "Punct", Pattern: `==|!=|<=|>=|&&|\|\||<<|>>|\.\.|[-+*/%<>!=(){},.;|&^]`},
})

var parser = participle.MustBuild[File](
	participle.Lexer(scriptLexer),
	participle.Unquote("String"),
	participle.Union[Item](&ThreadDecl{}, &OpsDecl{}, &FuncDecl{}, &ExpectDecl{},
		&IfStmt{}, &ForStmt{}, &RepeatStmt{}, &AssertStmt{}, &ReturnStmt{},
		&VarDecl{}, &AssignStmt{}, &ExprStmt{}),
	participle.Union[Stmt](&IfStmt{}, &ForStmt{}, &RepeatStmt{}, &AssertStmt{}, &ReturnStmt{},
		&VarDecl{}, &AssignStmt{}, &ExprStmt{}),
	participle.ParseTypeWith(parseExpr),
	participle.UseLookahead(3),
)

// Grammar returns the EBNF of the statement-level grammar. Expressions are
// parsed by hand (precedence climbing) and appear as the opaque rule Expr;
// their syntax is documented on parseExpr.
func Grammar() string { return parser.String() }

// Parse parses a script. filename is used in positions only. The error, if
// any, is an ErrorList of syntax errors and static-check errors.
func Parse(filename string, src []byte) (f *File, err error) {
	defer func() {
		// participle panics on some grammar-internal conditions; a user's
		// input must never produce a Go panic, so turn it into an error.
		if r := recover(); r != nil {
			f = nil
			err = ErrorList{{Pos{Filename: filename, Line: 1, Column: 1}, fmt.Sprintf("internal parser error: %v", r)}}
		}
	}()
	f, err = parser.ParseBytes(filename, src)
	if err != nil {
		return nil, convertError(filename, err)
	}
	f.Name = filename
	if err := check(f); err != nil {
		return nil, err
	}
	return f, nil
}

func convertError(filename string, err error) error {
	var perr participle.Error
	if errors.As(err, &perr) {
		pos := Pos(perr.Position())
		if pos.Filename == "" {
			pos.Filename = filename
		}
		return ErrorList{{pos, friendly(perr.Message())}}
	}
	return ErrorList{{Pos{Filename: filename}, err.Error()}}
}

// friendly rewrites participle's wording into mmscript's: lowercase, naming
// what was found and what was wanted.
func friendly(msg string) string {
	msg = strings.ReplaceAll(msg, `unexpected token "<EOF>"`, "unexpected end of file")
	msg = strings.ReplaceAll(msg, "unexpected token", "unexpected")
	msg = strings.NewReplacer("RBrace", `"}"`, "<ident>", "name", "<string>", "quoted string",
		"<int>", "integer", "Expr", "expression", "Block", `"{"`).Replace(msg)
	return msg
}

// ParseExpr parses a single expression (used by the REPL and tests).
func ParseExpr(filename, src string) (Expr, error) {
	f, err := Parse(filename, []byte("__x = "+src))
	if err != nil {
		return nil, err
	}
	if len(f.Items) != 1 {
		return nil, ErrorList{{Pos{Filename: filename, Line: 1, Column: 1}, "want one expression"}}
	}
	a, ok := f.Items[0].(*AssignStmt)
	if !ok {
		return nil, ErrorList{{Pos{Filename: filename, Line: 1, Column: 1}, "want one expression"}}
	}
	return a.Value, nil
}

// Parse implements participle.Parseable: `return` takes a value only when it
// starts on the same line, because statements are not separated by
// semicolons and `return` alone must not swallow the next statement.
func (r *ReturnStmt) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Value != "return" || t.Type != scriptLexer.Symbols()["Keyword"] {
		return participle.NextMatch
	}
	lex.Next()
	r.Pos = Pos(t.Pos)
	next := lex.Peek()
	if next.EOF() || next.Pos.Line != t.Pos.Line || next.Value == "}" || next.Value == ";" {
		return nil
	}
	v, err := parseExpr(lex)
	if err == participle.NextMatch {
		return nil
	}
	if err != nil {
		return err
	}
	r.Value = v
	return nil
}

var (
	tokInt     = scriptLexer.Symbols()["Int"]
	tokString  = scriptLexer.Symbols()["String"]
	tokIdent   = scriptLexer.Symbols()["Ident"]
	tokKeyword = scriptLexer.Symbols()["Keyword"]
	tokPunct   = scriptLexer.Symbols()["Punct"]
)

// binary operator precedence, Go's levels.
var precedence = map[string]int{
	"||": 1, "or": 1,
	"&&": 2, "and": 2,
	"==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
	"+": 4, "-": 4, "|": 4, "^": 4,
	"*": 5, "/": 5, "%": 5, "<<": 5, ">>": 5, "&": 5,
}

// parseExpr parses an expression by precedence climbing:
//
//	Expr    = Unary { BinOp Unary } .
//	BinOp   = "||" | "or" | "&&" | "and" | "==" | "!=" | "<" | "<=" | ">" | ">="
//	        | "+" | "-" | "|" | "^" | "*" | "/" | "%" | "<<" | ">>" | "&" .
//	Unary   = ( "-" | "!" | "not" ) Unary | Postfix .
//	Postfix = Primary { "." Ident } .
//	Primary = Int | String | "true" | "false" | "nil"
//	        | Ident [ "(" [ Arg { "," Arg } [ "," ] ] ")" ] | "(" Expr ")" .
//	Arg     = [ Ident "=" ] Expr .
//
// It returns participle.NextMatch when the next token cannot start an
// expression, so that the grammar can try other alternatives.
func parseExpr(lex *lexer.PeekingLexer) (Expr, error) {
	if !startsExpr(lex.Peek()) {
		return nil, participle.NextMatch
	}
	return parseBinary(lex, 1)
}

func startsExpr(t *lexer.Token) bool {
	switch t.Type {
	case tokInt, tokString, tokIdent:
		return true
	case tokKeyword:
		switch t.Value {
		case "true", "false", "nil", "not":
			return true
		}
	case tokPunct:
		switch t.Value {
		case "(", "-", "!":
			return true
		}
	}
	return false
}

func binaryOp(t *lexer.Token) (string, int) {
	if t.Type != tokPunct && t.Type != tokKeyword {
		return "", 0
	}
	p, ok := precedence[t.Value]
	if !ok {
		return "", 0
	}
	return t.Value, p
}

func parseBinary(lex *lexer.PeekingLexer, minPrec int) (Expr, error) {
	x, err := parseUnary(lex)
	if err != nil {
		return nil, err
	}
	for {
		t := lex.Peek()
		op, prec := binaryOp(t)
		if prec < minPrec {
			return x, nil
		}
		lex.Next()
		y, err := parseBinary(lex, prec+1)
		if err != nil {
			return nil, err
		}
		x = &BinaryExpr{Pos: Pos(t.Pos), Op: canonicalOp(op), X: x, Y: y}
	}
}

func canonicalOp(op string) string {
	switch op {
	case "and":
		return "&&"
	case "or":
		return "||"
	case "not":
		return "!"
	}
	return op
}

const maxExprDepth = 200

func parseUnary(lex *lexer.PeekingLexer) (Expr, error) {
	return parseUnaryDepth(lex, 0)
}

func parseUnaryDepth(lex *lexer.PeekingLexer, depth int) (Expr, error) {
	t := lex.Peek()
	if depth > maxExprDepth {
		return nil, participle.Errorf(t.Pos, "expression nested too deeply")
	}
	if (t.Type == tokPunct && (t.Value == "-" || t.Value == "!")) || (t.Type == tokKeyword && t.Value == "not") {
		lex.Next()
		x, err := parseUnaryDepth(lex, depth+1)
		if err != nil {
			return nil, err
		}
		return &UnaryExpr{Pos: Pos(t.Pos), Op: canonicalOp(t.Value), X: x}, nil
	}
	x, err := parsePrimary(lex, depth)
	if err != nil {
		return nil, err
	}
	for {
		t := lex.Peek()
		if t.Type != tokPunct || t.Value != "." {
			return x, nil
		}
		lex.Next()
		name := lex.Peek()
		if name.Type != tokIdent {
			return nil, unexpected(name, "field name")
		}
		lex.Next()
		x = &SelectorExpr{Pos: Pos(t.Pos), X: x, Name: name.Value}
	}
}

func unexpected(t *lexer.Token, want string) error {
	if t.EOF() {
		return participle.Errorf(t.Pos, "unexpected end of file, want %s", want)
	}
	return participle.Errorf(t.Pos, "unexpected %q, want %s", t.Value, want)
}

func parsePrimary(lex *lexer.PeekingLexer, depth int) (Expr, error) {
	t := lex.Peek()
	pos := Pos(t.Pos)
	switch t.Type {
	case tokInt:
		lex.Next()
		v, err := parseInt(t.Value)
		if err != nil {
			return nil, participle.Errorf(t.Pos, "%s", err)
		}
		return &IntLit{Pos: pos, Value: v, Text: t.Value}, nil
	case tokString:
		lex.Next()
		return &StringLit{Pos: pos, Value: t.Value}, nil
	case tokKeyword:
		switch t.Value {
		case "true", "false":
			lex.Next()
			return &BoolLit{Pos: pos, Value: t.Value == "true"}, nil
		case "nil":
			lex.Next()
			return &NilLit{Pos: pos}, nil
		}
	case tokIdent:
		lex.Next()
		if open := lex.Peek(); open.Type == tokPunct && open.Value == "(" {
			lex.Next()
			return parseCall(lex, pos, t.Value, depth)
		}
		return &Ident{Pos: pos, Name: t.Value}, nil
	case tokPunct:
		if t.Value == "(" {
			lex.Next()
			x, err := parseBinaryDepth(lex, depth+1)
			if err != nil {
				return nil, err
			}
			if c := lex.Peek(); c.Type != tokPunct || c.Value != ")" {
				return nil, unexpected(c, `")"`)
			}
			lex.Next()
			return &ParenExpr{Pos: pos, X: x}, nil
		}
	}
	return nil, unexpected(t, "expression")
}

func parseBinaryDepth(lex *lexer.PeekingLexer, depth int) (Expr, error) {
	if depth > maxExprDepth {
		return nil, participle.Errorf(lex.Peek().Pos, "expression nested too deeply")
	}
	if !startsExpr(lex.Peek()) {
		return nil, unexpected(lex.Peek(), "expression")
	}
	return parseBinary(lex, 1)
}

func parseCall(lex *lexer.PeekingLexer, pos Pos, name string, depth int) (Expr, error) {
	call := &CallExpr{Pos: pos, Name: name}
	for {
		t := lex.Peek()
		if t.Type == tokPunct && t.Value == ")" {
			lex.Next()
			call.RParen = Pos(t.Pos)
			return call, nil
		}
		arg := &Arg{Pos: Pos(t.Pos)}
		if t.Type == tokIdent {
			cp := lex.MakeCheckpoint()
			lex.Next()
			if eq := lex.Peek(); eq.Type == tokPunct && eq.Value == "=" {
				lex.Next()
				arg.Name = t.Value
			} else {
				lex.LoadCheckpoint(cp)
			}
		}
		v, err := parseBinaryDepth(lex, depth+1)
		if err != nil {
			return nil, err
		}
		arg.Value = v
		call.Args = append(call.Args, arg)
		t = lex.Peek()
		if t.Type == tokPunct && t.Value == "," {
			lex.Next()
			continue
		}
		if t.Type == tokPunct && t.Value == ")" {
			continue
		}
		return nil, unexpected(t, `"," or ")"`)
	}
}

func parseInt(text string) (int64, error) {
	s := strings.ReplaceAll(text, "_", "")
	base := 10
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		s, base = s[2:], 16
	}
	if s == "" {
		return 0, fmt.Errorf("malformed integer literal %q", text)
	}
	u, err := strconv.ParseUint(s, base, 64)
	if errors.Is(err, strconv.ErrSyntax) {
		return 0, fmt.Errorf("malformed integer literal %s", text)
	}
	if err != nil || u > 1<<63-1 {
		return 0, fmt.Errorf("integer literal %s out of range", text)
	}
	return int64(u), nil
}
