package lang

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// keywords cannot be used as names. "ops" is not one, since `ops=drv` names
// the mmap argument; it starts an OpsDecl only at the top level and only
// when a name and "{" follow.
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
	participle.Union[Item](&ThreadDecl{}, &OpsDecl{}, &FuncDecl{}, &ExpectDecl{},
		&IfStmt{}, &ForStmt{}, &RepeatStmt{}, &AssertStmt{}, &ReturnStmt{},
		&VarDecl{}, &AssignStmt{}, &ExprStmt{}),
	participle.Union[Stmt](&IfStmt{}, &ForStmt{}, &RepeatStmt{}, &AssertStmt{}, &ReturnStmt{},
		&VarDecl{}, &AssignStmt{}, &ExprStmt{}),
	participle.ParseTypeWith(parseExpr),
	// No backtracking: once a production has consumed a token it must
	// match, so an error is reported where it is and not at the start of
	// the statement after participle gave up on it. The productions that
	// share a first token (VarDecl, AssignStmt, OpsDecl against VarDecl)
	// say how to choose with explicit (?= ...) lookahead.
	participle.UseLookahead(0),
)

// handWritten is the EBNF of the productions parsed by hand, which
// participle prints only by name.
const handWritten = `ReturnStmt = "return" Expr? .
ExpectDecl = "expect" ("ok" | "deadlock" | "violation" | "fatal" | "error") <string>? ("at" <int>)? .
Expr = Unary (BinOp Unary)* .
BinOp = "||" | "or" | "&&" | "and" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "|" | "^" | "*" | "/" | "%" | "<<" | ">>" | "&" .
Unary = ("-" | "!" | "not") Unary | Postfix .
Postfix = Primary ("." <ident>)* .
Primary = <int> | <string> | "true" | "false" | "nil" | <ident> ("(" (Arg ("," Arg)* ","?)? ")")? | "(" Expr ")" .
Arg = (<ident> "=")? Expr .
`

// Grammar returns the EBNF of the grammar. Most of it is generated from the
// AST's struct tags; the productions parsed by hand (ReturnStmt,
// ExpectDecl, and expressions by precedence climbing) are appended. In a
// ReturnStmt the value must start on the line of "return"; in an
// ExpectDecl the message and "at" must be on the line of "expect".
func Grammar() string { return parser.String() + "\n" + handWritten }

// maxNesting bounds the nesting of blocks and of expressions, so that
// hostile input cannot exhaust the stack.
const maxNesting = 100

// Parse parses a script. filename is used in positions only. The error, if
// any, is an ErrorList of syntax errors and static-check errors; every
// error has a position in filename. Parse never panics.
func Parse(filename string, src []byte) (f *File, err error) {
	defer func() {
		// participle panics on some grammar-internal conditions; a user's
		// input must never produce a Go panic, so turn it into an error.
		if r := recover(); r != nil {
			f, err = nil, internalError(filename, r)
		}
	}()
	toks, err := scan(filename, src)
	if err != nil {
		return nil, err
	}
	f, err = parseTokens(toks)
	if err != nil {
		return nil, convertError(filename, err)
	}
	f.Name = filename
	if n := len(toks); n > 0 {
		f.End = Pos(toks[n-1].Pos)
		f.End.Filename = filename
	}
	if err := check(f); err != nil {
		return nil, err
	}
	return f, nil
}

// parseTokens runs the participle parser on scanned tokens. It is a
// variable so that a test can make it panic.
var parseTokens = func(toks []lexer.Token) (*File, error) {
	peek, err := lexer.Upgrade(&tokenSlice{toks: toks})
	if err != nil {
		return nil, err
	}
	return parser.ParseFromLexer(peek)
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

// tokenSlice is a lexer.Lexer replaying scanned tokens.
type tokenSlice struct {
	toks []lexer.Token
}

func (s *tokenSlice) Next() (lexer.Token, error) {
	t := s.toks[0]
	if len(s.toks) > 1 {
		s.toks = s.toks[1:]
	}
	return t, nil
}

// scan tokenizes src: it reports lexical errors in mmscript's words,
// unquotes string literals and rejects nesting deeper than maxNesting.
func scan(filename string, src []byte) ([]lexer.Token, error) {
	lx, err := scriptLexer.LexString(filename, string(src))
	if err != nil {
		return nil, ErrorList{{Pos{Filename: filename, Line: 1, Column: 1}, err.Error()}}
	}
	var (
		toks          []lexer.Token
		parens, brace int
	)
	for {
		t, err := lx.Next()
		if err != nil {
			return nil, lexError(filename, src, err)
		}
		t.Pos.Filename = filename
		switch t.Type {
		case tokString:
			v, err := unquote(t)
			if err != nil {
				return nil, err
			}
			t.Value = v
		case tokPunct:
			switch t.Value {
			case "(":
				if parens++; parens > maxNesting {
					return nil, ErrorList{{Pos(t.Pos), "expression nested too deeply"}}
				}
			case ")":
				parens = max(parens-1, 0)
			case "{":
				if brace++; brace > maxNesting {
					return nil, ErrorList{{Pos(t.Pos), "blocks nested too deeply"}}
				}
			case "}":
				brace = max(brace-1, 0)
			}
		}
		toks = append(toks, t)
		if t.EOF() {
			return toks, nil
		}
	}
}

// lexError describes the character at which the lexer stopped.
func lexError(filename string, src []byte, err error) error {
	var lerr participle.Error
	if !errors.As(err, &lerr) {
		return ErrorList{{Pos{Filename: filename, Line: 1, Column: 1}, err.Error()}}
	}
	pos := Pos(lerr.Position())
	pos.Filename = filename
	if !pos.IsValid() {
		pos.Line, pos.Column = 1, 1
	}
	msg := lerr.Message()
	if pos.Offset >= 0 && pos.Offset < len(src) {
		switch r, size := utf8.DecodeRune(src[pos.Offset:]); {
		case r == '"':
			msg = "unterminated string literal"
		case r == utf8.RuneError && size == 1:
			msg = "invalid UTF-8 encoding"
		default:
			msg = fmt.Sprintf("invalid character %#U", r)
		}
	}
	return ErrorList{{pos, msg}}
}

// unquote returns the value of a string literal token, reporting a bad
// escape sequence at its own column.
func unquote(t lexer.Token) (string, error) {
	s := t.Value[1 : len(t.Value)-1]
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
		return "string " + strconv.Quote(t.Value)
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
	case "<ident>", "FuncDef":
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
