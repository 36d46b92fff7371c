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

// The parser: participle parses the top of a script (File, Item and the
// declarations, from the struct tags in decl.go) and hands blocks and
// statements to the parser written by hand (stmt.go, expr.go: one-token
// dispatch and precedence climbing) as custom productions
// (participle.Parseable). Both read one participle PeekingLexer,
// filled by the scanner (scanner.go, a participle lexer.Definition).
// participle.Parser.String prints the EBNF of its part, and Grammar
// appends that of the part written by hand (testdata/grammar.ebnf pins
// the whole).

// grammar is the parser for one set of limits: the custom productions
// need the limits, and participle hands them only the lexer, so the
// participle parser is built once per Limits value (see grammarFor).
type grammar struct {
	limits  Limits
	file    *participle.Parser[file]
	parsers sync.Pool // *parser, for the custom productions
}

var grammars sync.Map // Limits -> *grammar

// grammarFor returns the parser for limits, building it on first use.
func grammarFor(limits Limits) *grammar {
	limits = limits.grammarKey()
	if g, ok := grammars.Load(limits); ok {
		return g.(*grammar)
	}
	g := &grammar{limits: limits}
	g.file = participle.MustBuild[file](
		participle.Lexer(lexerDef{limits}),
		// No backtracking: once a production has consumed a token it
		// must match, so an error is reported where it is. (A larger
		// lookahead would let participle backtrack over `ops drv`, the
		// declaration of a variable, to try SetupStmts after OpsDecl;
		// participle v2 uses the lookahead for nothing else, so it does
		// not change the speed of a parse.)
		participle.UseLookahead(0),
	)
	actual, _ := grammars.LoadOrStore(limits, g)
	return actual.(*grammar)
}

// handWritten is the EBNF of the productions parsed by hand.
const handWritten = `ThreadDef = <ident> Block .
FuncDef = <ident> "(" (<ident> ("," <ident>)*)? ")" Block .
SetupStmts = ((?! "ops" <ident> "{") (KernelDecl | Stmt | ExpectDecl | ";"))+ .
KernelDecl = "kernel" (<int> "." <int> | <ident>) .
Block = "{" (Stmt | ";")* "}" .
Stmt = IfStmt | ForStmt | WhileStmt | RepeatStmt | BranchStmt | GotoStmt | LabelStmt | AssertStmt | ReturnStmt | VarDecl | AssignStmt | FieldAssignStmt | IndexAssignStmt | DerefAssignStmt | ExprStmt .
IfStmt = "if" Expr Block ("else" (IfStmt | Block))? .
ForStmt = "for" <ident> "in" Expr (".." Expr)? Block | ("for_each_vma" | "for_each_vma_range") "(" Expr "," <ident> ("," Expr)? ")" Block .
WhileStmt = "while" Expr Block .
RepeatStmt = "repeat" Expr Block .
BranchStmt = "break" | "continue" .
GotoStmt = "goto" <ident> .
LabelStmt = <ident> ":" .
AssertStmt = "assert" Expr ("," <string>)? .
ReturnStmt = "return" Expr? .
VarDecl = <ident> <ident> ("=" Expr)? .
AssignStmt = <ident> ("=" | "+=" | "-=" | "*=" | "/=" | "%=" | "&=" | "|=" | "^=" | "<<=" | ">>=") Expr .
FieldAssignStmt = Postfix ("." | "->") <ident> ("=" | "+=" | "-=" | "*=" | "/=" | "%=" | "&=" | "|=" | "^=" | "<<=" | ">>=") Expr .
IndexAssignStmt = Postfix "[" Expr "]" "=" Expr .
DerefAssignStmt = "*" Unary ("=" | "+=" | "-=" | "*=" | "/=" | "%=" | "&=" | "|=" | "^=" | "<<=" | ">>=") Expr .
ExprStmt = Expr .
ExpectDecl = "expect" ("ok" | "deadlock" | "violation" | "fatal" | "error" | "single_run") <string>? ("at" <int>)? ("always" | "sometimes" | "never")? .
Expr = Unary (BinOp Unary)* .
BinOp = "||" | "or" | "&&" | "and" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "|" | "^" | "*" | "/" | "%" | "<<" | ">>" | "&" .
Unary = ("-" | "!" | "~" | "not" | "&" | "*") Unary | Postfix .
Postfix = Primary (("." | "->") <ident> | "[" Expr "]")* .
Primary = <int> | <string> | "true" | "false" | "nil" | <ident> ("(" (Arg ("," Arg)* ","?)? ")")? | "(" Expr ")" .
Arg = (<ident> "=")? Expr .
`

// Grammar returns the EBNF of the grammar: the part participle parses
// (its parser's String, from the struct tags in decl.go) and the
// productions parsed by hand. A statement starts with the token that
// decides its kind, except VarDecl (two names) and AssignStmt (a name and
// "="). In a ReturnStmt the value must start on the line of "return"; in
// an ExpectDecl the message and "at" must be on the line of "expect"; a
// call's "(" must be on the line of its name, a binary operator on the
// line where its left operand ends, and a VarDecl's name on the line of
// its type, and a goto's label on the line of "goto".
func Grammar() string {
	return parseableNames.ReplaceAllStringFunc(grammarFor(DefaultLimits).file.String(), capitalize) + "\n" + handWritten
}

// parseableNames are the productions parsed by hand as participle names
// them: after their Go types, which are unexported.
var parseableNames = regexp.MustCompile(`\b(threadDef|setupStmts|funcDef)\b`)

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

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
		// participle panics on some grammar-internal conditions, and a
		// parser bug must never reach the user as a Go panic: turn it
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
	defer lex.release()
	f, err = parseTokens(grammarFor(l), &lex.PeekingLexer)
	if err != nil {
		return nil, noteUnclosed(convertError(filename, err), lex.scanned())
	}
	f.Name = filename
	f.Comments = s.comments
	f.End = s.pos()
	if err := check(f); err != nil {
		return nil, err
	}
	if err := l.checkThreads(f); err != nil {
		return nil, err
	}
	return f, nil
}

// parseTokens parses scanned tokens as a File. It is a variable so that a
// test can make it panic.
var parseTokens = func(g *grammar, lex *lexer.PeekingLexer) (*File, error) {
	start := lex.Peek().Pos
	key := firstToken(lex)
	parses.Store(key, g)
	defer parses.Delete(key)
	f, err := g.file.ParseFromLexer(lex)
	if err != nil {
		return nil, err
	}
	return f.convert(start), nil
}

// parses maps each parse under way to its grammar, by the first of its
// tokens (firstToken): participle hands a Parseable only the lexer, and
// the productions parsed by hand need the limits. A parse's tokens are
// its own (a pooled array is used by one parse at a time), so the key is
// unique while the parse lasts.
var parses sync.Map // *lexer.Token -> *grammar

// firstToken is the first token of lex's array: the same for every copy
// participle makes of the lexer during a parse.
func firstToken(lex *lexer.PeekingLexer) *lexer.Token { return &lex.Range(0, 1)[0] }

// grammarOf returns the grammar of the parse lex belongs to.
func grammarOf(lex *lexer.PeekingLexer) *grammar {
	g, ok := parses.Load(firstToken(lex))
	if !ok {
		panic("lang: a production parsed by hand outside a parse") // a bug; Parse recovers it
	}
	return g.(*grammar)
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

// scan tokenizes src into a pooled participle PeekingLexer (tokens.go),
// returning the scanner too (it holds the comments). The caller releases
// the tokens after the parse.
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

// describe names a token for an error message: end of input, keyword if,
// name foo, integer 12, string "s", or a quoted punctuation mark.
func describe(t *lexer.Token) string {
	switch {
	case t.EOF():
		// A chunk of the REPL is no file, and a file cut short is
		// input that ended early: one word for both.
		return "end of input"
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
	case "<ident>", "funcDef", "threadDef":
		return "name"
	case "<string>":
		return "string"
	case "<int>":
		return "integer"
	case "Expr":
		return "expression"
	case "RBrace":
		return `"}"`
	case "IfStmt":
		return `"if"`
	case "ElseIf":
		return `"if"|"{"`
	case "Item", "Stmt", "setupStmts":
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

// noteUnclosed adds to an error at the end of the input the bracket left
// open there, innermost first, since that is where the input was cut
// short: `unexpected end of input, want "}" (the "{" at 2:10 is not
// closed)`. toks are the tokens scanned, EOF last.
func noteUnclosed(err error, toks []lexer.Token) error {
	l, ok := err.(ErrorList)
	if !ok || len(l) == 0 || !strings.HasPrefix(l[0].Msg, "unexpected end of input") {
		return err
	}
	var open []*lexer.Token
	for i := range toks {
		t := &toks[i]
		if t.Type != tokPunct || len(t.Value) != 1 {
			continue
		}
		switch t.Value[0] {
		case '{', '(':
			open = append(open, t)
		case '}', ')':
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
	}
	if len(open) == 0 {
		return err
	}
	t := open[len(open)-1]
	l[0].Msg += fmt.Sprintf(" (the %q at %d:%d is not closed)", t.Value, t.Pos.Line, t.Pos.Column)
	return l
}
