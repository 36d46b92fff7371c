package lang

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// This file holds the productions parsed by hand: expressions (by
// precedence climbing), ReturnStmt and ExpectDecl. Their EBNF is in
// handWritten (grammar.go).

// ParseExpr parses a single expression within DefaultLimits (used by the
// REPL and tests). Positions are those of src, and the error, if any, is
// an ErrorList.
func ParseExpr(filename, src string) (Expr, error) {
	return DefaultLimits.ParseExpr(filename, src)
}

// ParseExpr parses a single expression within the limits l.
func (l Limits) ParseExpr(filename, src string) (x Expr, err error) {
	defer func() {
		if r := recover(); r != nil {
			x, err = nil, internalError(filename, r)
		}
	}()
	lex, _, err := scan(filename, []byte(src), l)
	if err != nil {
		return nil, err
	}
	defer lex.release()
	x, err = parseExprTokens(grammarFor(l), &lex.PeekingLexer)
	if err != nil {
		return nil, noteUnclosed(convertError(filename, err), lex.scanned())
	}
	return x, nil
}

// parseExprTokens parses scanned tokens as one expression. It is a
// variable so that a test can make it panic.
var parseExprTokens = func(g *grammar, lex *lexer.PeekingLexer) (Expr, error) {
	p := g.parser()
	defer g.put(p)
	x, err := p.parseExpr(lex)
	if err == participle.NextMatch {
		err = unexpected(lex.Peek(), "expression")
	}
	if err != nil {
		return nil, err
	}
	if t := lex.Peek(); !t.EOF() {
		return nil, participle.Errorf(t.Pos, "unexpected %s after expression", describe(t))
	}
	return x, nil
}

// expectKinds are the outcomes an ExpectDecl can state.
var expectKinds = []string{"ok", "deadlock", "violation", "fatal", "error", "single_run"}

// parse parses an ExpectDecl after its "expect", the token the parser
// took last (see Item). The message and "at" must be on the line of
// "expect".
func (d *ExpectDecl) parse(lex *lexer.PeekingLexer) error {
	raw := lex.RawCursor()
	t := &lex.Range(raw-1, raw)[0] // "expect"
	d.Pos = Pos(t.Pos)
	k := lex.Peek()
	if k.Type != tokIdent || !contains(expectKinds, k.Value) || k.Pos.Line != t.Pos.Line {
		if k.Pos.Line != t.Pos.Line {
			return participle.Errorf(t.Pos, "expect needs an outcome: %s", orList(expectKinds))
		}
		return unexpected(k, orList(expectKinds))
	}
	lex.Next()
	d.Kind = k.Value
	if s := lex.Peek(); s.Type == tokString && s.Pos.Line == t.Pos.Line {
		lex.Next()
		v, err := unquote(*s)
		if err != nil {
			return err
		}
		d.Text, d.textRaw = v, s.Value
	}
	if a := lex.Peek(); a.Type == tokIdent && a.Value == "at" && a.Pos.Line == t.Pos.Line {
		lex.Next()
		n := lex.Peek()
		if n.Type != tokInt || n.Pos.Line != t.Pos.Line {
			return unexpected(n, "line number")
		}
		lex.Next()
		v, err := parseInt(n.Value)
		if err != nil {
			return participle.Errorf(n.Pos, "%s", err)
		}
		if v < 1 || v > 1<<31-1 {
			return participle.Errorf(n.Pos, "line number %s out of range", n.Value)
		}
		d.AtLine = int(v)
	}
	if q := lex.Peek(); q.Type == tokIdent && contains(expectQuants, q.Value) && q.Pos.Line == t.Pos.Line {
		lex.Next()
		d.Quant = q.Value
	}
	return nil
}

// expectQuants say over how many interleavings an ExpectDecl holds.
var expectQuants = []string{"always", "sometimes", "never"}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// orList formats a list as "a, b or c".
func orList(list []string) string {
	if len(list) == 1 {
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " or " + list[len(list)-1]
}

// parseExpr parses an expression by precedence climbing (see Expr in
// handWritten). Binary operators are left-associative, with Go's
// precedence levels; "and", "or" and "not" are spellings of "&&", "||"
// and "!".
//
// It returns participle.NextMatch when the next token cannot start an
// expression, so that the caller can try other alternatives.
func (p *parser) parseExpr(lex *lexer.PeekingLexer) (Expr, error) {
	if !startsExpr(lex.Peek()) {
		return nil, participle.NextMatch
	}
	x, _, err := p.parseBinary(lex, 1, 0)
	return x, err
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
		case "(", "-", "!", "~", "&", "*":
			return true
		}
	}
	return false
}

func binaryOp(t *lexer.Token) (string, int) {
	if t.Type != tokPunct && t.Type != tokKeyword {
		return "", 0
	}
	return t.Value, precedenceOf(t.Value)
}

// precedenceOf is the precedence of the binary operator op, Go's levels
// (0 for none); a switch, several times faster than a map for the token
// after every operand.
func precedenceOf(op string) int {
	switch op {
	case "||", "or":
		return 1
	case "&&", "and":
		return 2
	case "==", "!=", "<", "<=", ">", ">=":
		return 3
	case "+", "-", "|", "^":
		return 4
	case "*", "/", "%", "<<", ">>", "&":
		return 5
	}
	return 0
}

// Every parse function below returns the height of the tree it built (0
// for a leaf), so that an expression taller than MaxExprDepth is rejected
// where it grows too tall. depth counts the enclosing parentheses, call
// arguments and unary operators: the parser's own recursion, bounded by
// the same limit.

// parseBinary parses operands joined by operators of precedence minPrec
// or higher.
func (p *parser) parseBinary(lex *lexer.PeekingLexer, minPrec, depth int) (Expr, int, error) {
	x, h, err := p.parseUnary(lex, depth)
	if err != nil {
		return nil, 0, err
	}
	for {
		t := lex.Peek()
		op, prec := binaryOp(t)
		if prec < minPrec || t.Pos.Line != prevLine(lex) {
			// An operator continues the expression only on the line
			// where its left operand ends, as in Go: statements are
			// not separated by semicolons, so `f()` and then a line
			// `-g()` are two statements, not a subtraction.
			return x, h, nil
		}
		lex.Next()
		y, hy, err := p.parseBinary(lex, prec+1, depth)
		if err != nil {
			return nil, 0, err
		}
		if h = max(h, hy) + 1; depth+h > p.limits.MaxExprDepth {
			// A flat sum is no nesting to the eye: say what counts.
			return nil, 0, participle.Errorf(t.Pos, "expression nested deeper than the limit of %d, counting each binary operator of a chain as a level (raise it with -max-expr-depth)", p.limits.MaxExprDepth)
		}
		b := p.binaries.new()
		*b = BinaryExpr{Pos: Pos(t.Pos), Op: canonicalOp(op), X: x, Y: y, spelled: op}
		x = b
	}
}

// prevLine is the line of the last token the parser took (0 before the
// first).
func prevLine(lex *lexer.PeekingLexer) int {
	raw := lex.RawCursor()
	if raw == 0 {
		return 0
	}
	return lex.Range(raw-1, raw)[0].Pos.Line
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

// tooDeep reports an expression taller than the limit at t.
func (p *parser) tooDeep(t *lexer.Token) error {
	return participle.Errorf(t.Pos, "expression nested deeper than the limit of %d (raise it with -max-expr-depth)", p.limits.MaxExprDepth)
}

func (p *parser) parseUnary(lex *lexer.PeekingLexer, depth int) (Expr, int, error) {
	t := lex.Peek()
	if (t.Type == tokPunct && (t.Value == "-" || t.Value == "!" || t.Value == "~" || t.Value == "&" || t.Value == "*")) || (t.Type == tokKeyword && t.Value == "not") {
		if depth+1 > p.limits.MaxExprDepth {
			return nil, 0, p.tooDeep(t)
		}
		lex.Next()
		x, h, err := p.parseUnary(lex, depth+1)
		if err != nil {
			return nil, 0, err
		}
		return &UnaryExpr{Pos: Pos(t.Pos), Op: canonicalOp(t.Value), X: x, spelled: t.Value}, h + 1, nil
	}
	x, h, err := p.parsePrimary(lex, depth)
	if err != nil {
		return nil, 0, err
	}
	for {
		t := lex.Peek()
		if t.Type == tokPunct && t.Value == "[" && t.Pos.Line == prevLine(lex) {
			// pages[i]; a "[" on the next line starts nothing (no
			// statement begins with one), so it is not taken here either.
			if h++; depth+h > p.limits.MaxExprDepth {
				return nil, 0, p.tooDeep(t)
			}
			i, hi, rbrack, err := p.parseEnclosed(lex, depth, "]")
			if err != nil {
				return nil, 0, err
			}
			h = max(h, hi+1)
			x = &IndexExpr{Pos: Pos(t.Pos), X: x, Index: i, RBrack: rbrack}
			continue
		}
		if t.Type != tokPunct || t.Value != "." && t.Value != "->" {
			return x, h, nil
		}
		lex.Next()
		name := lex.Peek()
		if name.Type != tokIdent {
			return nil, 0, unexpected(name, "field name")
		}
		lex.Next()
		if h++; depth+h > p.limits.MaxExprDepth {
			return nil, 0, p.tooDeep(t)
		}
		sel := p.selectors.new()
		*sel = SelectorExpr{Pos: Pos(t.Pos), X: x, Name: name.Value, arrow: t.Value == "->"}
		x = sel
	}
}

// unexpected reports token t where want was wanted ("" for nothing in
// particular).
func unexpected(t *lexer.Token, want string) error {
	if want == "" {
		return participle.Errorf(t.Pos, "unexpected %s", describe(t))
	}
	return participle.Errorf(t.Pos, "unexpected %s, want %s", describe(t), want)
}

func (p *parser) parsePrimary(lex *lexer.PeekingLexer, depth int) (Expr, int, error) {
	t := lex.Peek()
	pos := Pos(t.Pos)
	switch t.Type {
	case tokInt:
		lex.Next()
		v, err := parseInt(t.Value)
		if err != nil {
			return nil, 0, participle.Errorf(t.Pos, "%s", err)
		}
		lit := p.ints.new()
		*lit = IntLit{Pos: pos, Value: v, Text: t.Value}
		return lit, 0, nil
	case tokString:
		lex.Next()
		v, err := unquote(*t)
		if err != nil {
			return nil, 0, err
		}
		return &StringLit{Pos: pos, Value: v, raw: t.Value}, 0, nil
	case tokKeyword:
		switch t.Value {
		case "true", "false":
			lex.Next()
			return &BoolLit{Pos: pos, Value: t.Value == "true"}, 0, nil
		case "nil":
			lex.Next()
			return &NilLit{Pos: pos}, 0, nil
		}
	case tokIdent:
		lex.Next()
		// A call's "(" is on its name's line: statements are not
		// separated by semicolons, so `x = a` followed by a line that
		// starts with "(" must not become the call a(...).
		if open := lex.Peek(); open.Type == tokPunct && open.Value == "(" && open.Pos.Line == t.Pos.Line {
			if depth+1 > p.limits.MaxExprDepth {
				return nil, 0, p.tooDeep(open)
			}
			lex.Next()
			return p.parseCall(lex, pos, t.Value, depth)
		}
		if t.Value == "NULL" {
			return &NilLit{Pos: pos, null: true}, 0, nil // the kernel's spelling of nil
		}
		id := p.idents.new()
		*id = Ident{Pos: pos, Name: t.Value}
		return id, 0, nil
	case tokPunct:
		if t.Value == "(" {
			if depth+1 > p.limits.MaxExprDepth {
				return nil, 0, p.tooDeep(t)
			}
			x, h, rparen, err := p.parseEnclosed(lex, depth, ")")
			if err != nil {
				return nil, 0, err
			}
			return &ParenExpr{Pos: pos, X: x, RParen: rparen}, h + 1, nil
		}
	}
	return nil, 0, unexpected(t, "expression")
}

// parseOperand parses a nested expression: one in parentheses or a call
// argument.
func (p *parser) parseOperand(lex *lexer.PeekingLexer, depth int) (Expr, int, error) {
	if !startsExpr(lex.Peek()) {
		return nil, 0, unexpected(lex.Peek(), "expression")
	}
	return p.parseBinary(lex, 1, depth)
}

func (p *parser) parseCall(lex *lexer.PeekingLexer, pos Pos, name string, depth int) (Expr, int, error) {
	call := p.calls.new()
	*call = CallExpr{Pos: pos, Name: name}
	h := 1
	base := len(p.argStack) // the arguments of enclosing calls are below
	for {
		t := lex.Peek()
		if t.Type == tokPunct && t.Value == ")" {
			lex.Next()
			call.RParen = Pos(t.Pos)
			call.Args = p.argSlices.copyOf(p.argStack[base:])
			p.argStack = pop(p.argStack, base)
			return call, h, nil
		}
		arg := p.args.new()
		arg.Pos = Pos(t.Pos)
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
		v, hv, err := p.parseOperand(lex, depth+1)
		if err != nil {
			return nil, 0, err
		}
		h = max(h, hv+1)
		arg.Value = v
		p.argStack = append(p.argStack, arg)
		t = lex.Peek()
		if t.Type == tokPunct && t.Value == "," {
			lex.Next()
			continue
		}
		if t.Type == tokPunct && t.Value == ")" {
			continue
		}
		return nil, 0, unexpected(t, `"," or ")"`)
	}
}

// parseInt parses an integer literal: decimal or 0x hex, with '_'
// separators allowed anywhere after the first digit.
func parseInt(text string) (int64, error) {
	s := strings.ReplaceAll(text, "_", "")
	base := 10
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		s, base = s[2:], 16
	}
	if s == "" {
		return 0, fmt.Errorf("malformed integer literal %s", text)
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

// parseEnclosed parses the expression after an opening "(" or "[" (the
// next token) up to its closer, and returns it with its height and the
// closer's position.
func (p *parser) parseEnclosed(lex *lexer.PeekingLexer, depth int, closer string) (Expr, int, Pos, error) {
	lex.Next()
	x, h, err := p.parseOperand(lex, depth+1)
	if err != nil {
		return nil, 0, Pos{}, err
	}
	c := lex.Peek()
	if c.Type != tokPunct || c.Value != closer {
		return nil, 0, Pos{}, unexpected(c, `"`+closer+`"`)
	}
	lex.Next()
	return x, h, Pos(c.Pos), nil
}
