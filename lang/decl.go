package lang

// The declarations (thread, func and ops blocks) are parsed by hand like
// the rest; their EBNF is declEBNF (grammar.go).

// parseThread parses ThreadDecl = "thread" <ident> Block.
func (g *grammar) parseThread(lex *tokens) (Item, error) {
	t := lex.Next() // "thread"
	name, err := needName(lex)
	if err != nil {
		return nil, err
	}
	body, err := g.parseBlock(lex, 1)
	if err != nil {
		return nil, err
	}
	return &ThreadDecl{Pos: Pos(t.Pos), Name: name, Body: body}, nil
}

// parseFuncDecl parses FuncDecl = "func" FuncDef.
func (g *grammar) parseFuncDecl(lex *tokens) (Item, error) {
	t := lex.Next() // "func"
	def, err := g.parseFuncDef(lex)
	if err != nil {
		return nil, err
	}
	return &FuncDecl{Pos: Pos(t.Pos), Def: def}, nil
}

// parseOps parses OpsDecl = "ops" <ident> "{" FuncDef* RBrace.
func (g *grammar) parseOps(lex *tokens) (Item, error) {
	t := lex.Next() // "ops"
	name, err := needName(lex)
	if err != nil {
		return nil, err
	}
	if err := needPunct(lex, "{"); err != nil {
		return nil, err
	}
	o := &OpsDecl{Pos: Pos(t.Pos), Name: name}
	for {
		n := lex.Peek()
		if n.Type != tokIdent {
			if n.Type != tokPunct || n.Value != "}" {
				return nil, unexpected(n, `"}"`)
			}
			lex.Next()
			o.Close = &RBrace{Pos: Pos(n.Pos), Brace: "}"}
			return o, nil
		}
		h, err := g.parseFuncDef(lex)
		if err != nil {
			return nil, err
		}
		o.Handlers = append(o.Handlers, h)
	}
}

// parseFuncDef parses FuncDef = <ident> "(" (<ident> ("," <ident>)*)? ")" Block.
func (g *grammar) parseFuncDef(lex *tokens) (*FuncDef, error) {
	pos := Pos(lex.Peek().Pos)
	name, err := needName(lex)
	if err != nil {
		return nil, err
	}
	if err := needPunct(lex, "("); err != nil {
		return nil, err
	}
	d := &FuncDef{Pos: pos, Name: name}
	if p := lex.Peek(); p.Type == tokIdent {
		for {
			lex.Next()
			d.Params = append(d.Params, p.Value)
			if c := lex.Peek(); c.Type != tokPunct || c.Value != "," {
				break
			}
			lex.Next()
			if p = lex.Peek(); p.Type != tokIdent {
				return nil, unexpected(p, "name")
			}
		}
	}
	if err := needPunct(lex, ")"); err != nil {
		return nil, err
	}
	body, err := g.parseBlock(lex, 1)
	if err != nil {
		return nil, err
	}
	d.Body = body
	return d, nil
}

// needName takes a name that must come next.
func needName(lex *tokens) (string, error) {
	t := lex.Peek()
	if t.Type != tokIdent {
		return "", unexpected(t, "name")
	}
	lex.Next()
	return t.Value, nil
}

// needPunct takes the punctuation mark p that must come next.
func needPunct(lex *tokens, p string) error {
	t := lex.Peek()
	if t.Type != tokPunct || t.Value != p {
		return unexpected(t, `"`+p+`"`)
	}
	lex.Next()
	return nil
}
