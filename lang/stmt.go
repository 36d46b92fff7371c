package lang

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// This file parses statements and blocks by hand (see Stmt in
// handWritten): the first token decides the kind of statement, except
// that a name starts a VarDecl when another name follows on its line, an
// AssignStmt when "=" follows, and an ExprStmt otherwise.

// parseStmt parses one statement. depth is the nesting of the block it is
// in. It returns participle.NextMatch when the next token cannot start a
// statement, so that the caller can end the block.
func (p *parser) parseStmt(lex *lexer.PeekingLexer, depth int) (Stmt, error) {
	t := lex.Peek()
	pos := Pos(t.Pos)
	switch t.Type {
	case tokKeyword:
		switch t.Value {
		case "if":
			return p.parseIf(lex, depth)
		case "for":
			return p.parseFor(lex, depth)
		case "repeat":
			lex.Next()
			n, err := p.needExpr(lex)
			if err != nil {
				return nil, err
			}
			body, err := p.parseBlock(lex, depth+1)
			if err != nil {
				return nil, err
			}
			return &RepeatStmt{Pos: pos, Count: n, Body: body}, nil
		case "while":
			lex.Next()
			cond, err := p.needExpr(lex)
			if err != nil {
				return nil, err
			}
			body, err := p.parseBlock(lex, depth+1)
			if err != nil {
				return nil, err
			}
			return &WhileStmt{Pos: pos, Cond: cond, Body: body}, nil
		case "break", "continue":
			lex.Next()
			return &BranchStmt{Pos: pos, Tok: t.Value}, nil
		case "goto":
			lex.Next()
			// The label is on the line of goto, as a return's value is.
			l := lex.Peek()
			if l.Type != tokIdent || l.Pos.Line != t.Pos.Line {
				return nil, unexpected(l, "label name")
			}
			lex.Next()
			return &GotoStmt{Pos: pos, Label: l.Value, LabelPos: Pos(l.Pos)}, nil
		case "assert":
			lex.Next()
			cond, err := p.needExpr(lex)
			if err != nil {
				return nil, err
			}
			s := &AssertStmt{Pos: pos, Cond: cond}
			if c := lex.Peek(); c.Type == tokPunct && c.Value == "," {
				lex.Next()
				m := lex.Peek()
				if m.Type != tokString {
					return nil, unexpected(m, "string")
				}
				lex.Next()
				v, err := unquote(*m)
				if err != nil {
					return nil, err
				}
				s.Msg, s.msgRaw = v, m.Value
			}
			return s, nil
		case "return":
			return p.parseReturn(lex)
		}
	case tokIdent:
		cp := lex.MakeCheckpoint()
		lex.Next()
		switch next := lex.Peek(); {
		case next.Type == tokPunct && next.Value == ":":
			// out_unlock: a label
			lex.Next()
			return &LabelStmt{Pos: pos, Name: t.Value}, nil
		case next.Type == tokIdent && next.Pos.Line == t.Pos.Line:
			// The name is on the line of the type: `a` and `b` on two
			// lines are two statements, not a declaration.
			lex.Next()
			s := p.varDecls.new()
			*s = VarDecl{Pos: pos, Type: t.Value, Name: next.Value}
			if eq := lex.Peek(); eq.Type == tokPunct && eq.Value == "=" {
				lex.Next()
				v, err := p.needExpr(lex)
				if err != nil {
					return nil, err
				}
				s.Value = v
			}
			return s, nil
		case next.Type == tokPunct && next.Value == "=":
			lex.Next()
			v, err := p.needExpr(lex)
			if err != nil {
				return nil, err
			}
			s := p.assigns.new()
			*s = AssignStmt{Pos: pos, Name: t.Value, Value: v}
			return s, nil
		case next.Type == tokPunct && isAssignOp(next.Value):
			lex.Next()
			v, err := p.needExpr(lex)
			if err != nil {
				return nil, err
			}
			op := next.Value[:len(next.Value)-1]
			return &AssignStmt{Pos: pos, Name: t.Value, Op: op, Value: v}, nil
		}
		lex.LoadCheckpoint(cp)
	}
	x, err := p.parseExpr(lex)
	if err != nil {
		return nil, err
	}
	if call, ok := x.(*CallExpr); ok {
		// for_each_vma(vmi, vma) { ... }: a kernel loop macro
		if n, isMacro := LoopMacros[call.Name]; isMacro {
			if open := lex.Peek(); open.Type == tokPunct && open.Value == "{" && open.Pos.Line == int(call.RParen.Line) {
				if len(call.Args) != n {
					return nil, participle.Errorf(lexer.Position(call.Pos), "%s takes %d arguments, as the kernel's macro: %s", call.Name, n, loopMacroForm(call.Name))
				}
				v, ok := call.Args[1].Value.(*Ident)
				if !ok || call.Args[1].Name != "" {
					return nil, participle.Errorf(lexer.Position(call.Args[1].Pos), "the second argument of %s is the loop variable, a name: %s", call.Name, loopMacroForm(call.Name))
				}
				body, err := p.parseBlock(lex, depth+1)
				if err != nil {
					return nil, err
				}
				it := &CallExpr{Pos: call.Pos, Name: call.Name, RParen: call.RParen, Args: append([]*Arg{call.Args[0]}, call.Args[2:]...)}
				return &ForStmt{Pos: pos, Var: v.Name, X: it, Body: body, Macro: true}, nil
			}
		}
	}
	if sel, ok := x.(*SelectorExpr); ok {
		// vma.vm_flags = newflags: a store to a field.
		if next := lex.Peek(); next.Type == tokPunct && (next.Value == "=" || isAssignOp(next.Value)) {
			lex.Next()
			v, err := p.needExpr(lex)
			if err != nil {
				return nil, err
			}
			op := ""
			if next.Value != "=" {
				op = next.Value[:len(next.Value)-1]
			}
			return &FieldAssignStmt{Pos: pos, X: sel, Op: op, Value: v}, nil
		}
	}
	if u, ok := x.(*UnaryExpr); ok && u.Op == "*" {
		// *unlocked = true: a store through a pointer.
		if next := lex.Peek(); next.Type == tokPunct && (next.Value == "=" || isAssignOp(next.Value)) {
			lex.Next()
			v, err := p.needExpr(lex)
			if err != nil {
				return nil, err
			}
			op := ""
			if next.Value != "=" {
				op = next.Value[:len(next.Value)-1]
			}
			return &DerefAssignStmt{Pos: pos, X: u.X, Op: op, Value: v}, nil
		}
	}
	if ix, ok := x.(*IndexExpr); ok {
		// pages[i] = page: a store into a page array.
		if next := lex.Peek(); next.Type == tokPunct && next.Value == "=" {
			lex.Next()
			v, err := p.needExpr(lex)
			if err != nil {
				return nil, err
			}
			return &IndexAssignStmt{Pos: pos, X: ix, Value: v}, nil
		} else if next.Type == tokPunct && isAssignOp(next.Value) {
			return nil, participle.Errorf(next.Pos, "%s on an element of a page array: only = stores into it (pages[i] = page)", next.Value)
		}
	}
	s := p.exprStmts.new()
	*s = ExprStmt{Pos: pos, X: x}
	return s, nil
}

// isAssignOp reports whether p is a compound assignment operator (+=).
func isAssignOp(p string) bool {
	switch p {
	case "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=":
		return true
	}
	return false
}

// needExpr parses an expression that must be there.
func (p *parser) needExpr(lex *lexer.PeekingLexer) (Expr, error) {
	x, err := p.parseExpr(lex)
	if err == participle.NextMatch {
		return nil, unexpected(lex.Peek(), "expression")
	}
	return x, err
}

// parseIf parses an if statement and its else-if chain. The chain is read
// in a loop, but it is a nested tree (each else-if is an IfStmt in the
// previous one's Else), so each arm counts as one level of nesting.
func (p *parser) parseIf(lex *lexer.PeekingLexer, depth int) (*IfStmt, error) {
	var first, last *IfStmt
	for {
		t := lex.Next() // "if"
		cond, err := p.needExpr(lex)
		if err != nil {
			return nil, err
		}
		then, err := p.parseBlock(lex, depth+1)
		if err != nil {
			return nil, err
		}
		s := &IfStmt{Pos: Pos(t.Pos), Cond: cond, Then: then}
		if first == nil {
			first = s
		} else {
			last.Else.If = s
		}
		last = s
		if e := lex.Peek(); e.Type != tokKeyword || e.Value != "else" {
			return first, nil
		}
		lex.Next()
		next := lex.Peek()
		last.Else = &ElseIf{Pos: Pos(next.Pos)}
		switch {
		case next.Type == tokPunct && next.Value == "{":
			b, err := p.parseBlock(lex, depth+1)
			if err != nil {
				return nil, err
			}
			last.Else.Block = b
			return first, nil
		case next.Type == tokKeyword && next.Value == "if":
			if depth++; depth+1 > p.limits.MaxNesting {
				return nil, participle.Errorf(next.Pos, "blocks nested deeper than the limit of %d, counting each else if as a level (raise it with -max-nesting)", p.limits.MaxNesting)
			}
		default:
			return nil, unexpected(next, `"if" or "{"`)
		}
	}
}

func (p *parser) parseFor(lex *lexer.PeekingLexer, depth int) (Stmt, error) {
	t := lex.Next() // "for"
	v := lex.Peek()
	if v.Type != tokIdent {
		return nil, unexpected(v, "name")
	}
	lex.Next()
	if in := lex.Peek(); in.Type != tokIdent || in.Value != "in" {
		return nil, unexpected(in, `"in"`)
	}
	lex.Next()
	lo, err := p.needExpr(lex)
	if err != nil {
		return nil, err
	}
	s := &ForStmt{Pos: Pos(t.Pos), Var: v.Value}
	if dots := lex.Peek(); dots.Type == tokPunct && dots.Value == ".." {
		lex.Next()
		hi, err := p.needExpr(lex)
		if err != nil {
			return nil, err
		}
		s.Lo, s.Hi = lo, hi
	} else if open := lex.Peek(); open.Type == tokPunct && open.Value == "{" {
		s.X = lo // for NAME in ITERATOR
	} else {
		return nil, unexpected(open, `".." or "{"`)
	}
	body, err := p.parseBlock(lex, depth+1)
	if err != nil {
		return nil, err
	}
	s.Body = body
	return s, nil
}

// parseReturn parses a return statement. It takes a value only when the
// value starts on the line of "return": statements are not separated by
// semicolons, and `return` alone must not swallow the next statement.
func (p *parser) parseReturn(lex *lexer.PeekingLexer) (Stmt, error) {
	t := lex.Next()
	r := &ReturnStmt{Pos: Pos(t.Pos)}
	next := lex.Peek()
	if next.EOF() || next.Pos.Line != t.Pos.Line || !startsExpr(next) {
		return r, nil
	}
	v, err := p.parseExpr(lex)
	if err != nil {
		return nil, err
	}
	r.Value = v
	return r, nil
}

// parseBlock parses Block = "{" (Stmt | ";")* "}" at nesting depth. (The
// scanner has already bounded the nesting of braces; depth adds the
// else-if chains.)
func (p *parser) parseBlock(lex *lexer.PeekingLexer, depth int) (*Block, error) {
	open := lex.Peek()
	if open.Type != tokPunct || open.Value != "{" {
		return nil, unexpected(open, `"{"`)
	}
	lex.Next()
	b := p.blocks.new()
	b.Pos = Pos(open.Pos)
	base := len(p.stmtStack) // the statements of enclosing blocks are below
	for {
		t := lex.Peek()
		if t.Type == tokPunct {
			switch t.Value {
			case ";":
				lex.Next()
				continue
			case "}":
				lex.Next()
				b.Close = p.rbraces.new()
				*b.Close = RBrace{Pos: Pos(t.Pos), Brace: "}"}
				b.Stmts = p.stmtSlices.copyOf(p.stmtStack[base:])
				p.stmtStack = pop(p.stmtStack, base)
				return b, nil
			}
		}
		s, err := p.parseStmt(lex, depth)
		if err == participle.NextMatch {
			return nil, unexpected(t, `"}"`)
		}
		if err != nil {
			return nil, err
		}
		p.stmtStack = append(p.stmtStack, s)
	}
}

// loopMacroForm is how a loop macro is written.
func loopMacroForm(name string) string {
	if name == "for_each_vma_range" {
		return "for_each_vma_range(vmi, vma, end) { ... }"
	}
	return "for_each_vma(vmi, vma) { ... }"
}
