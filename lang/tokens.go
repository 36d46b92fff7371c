package lang

import (
	"sync"

	"github.com/alecthomas/participle/v2/lexer"
)

// tokens is the token stream the parser reads: every token of the input,
// scanned before parsing starts, and a cursor. It took the place of
// participle's PeekingLexer, which grows a fresh slice token by token for
// every parse (two thirds of the parse time went to that slice and the
// garbage collection of it); the slices here are reused across parses.
// The AST keeps no pointer into them: it copies values and positions.
type tokens struct {
	toks []lexer.Token
	pos  int
}

var tokenPool = sync.Pool{New: func() any { return new(tokens) }}

// scanTokens scans the whole input into a pooled stream; the caller gives
// it back with release once the parse is done.
func scanTokens(s *scanner) (*tokens, error) {
	p := tokenPool.Get().(*tokens)
	p.toks, p.pos = p.toks[:0], 0
	for {
		t, err := s.Next()
		if err != nil {
			p.release()
			return nil, err
		}
		p.toks = append(p.toks, t)
		if t.EOF() {
			return p, nil
		}
	}
}

// release returns the stream to the pool, dropping its references into
// the source; a very large one is left to the garbage collector.
func (p *tokens) release() {
	clear(p.toks)
	if cap(p.toks) > 1<<16 {
		return
	}
	p.toks = p.toks[:0]
	tokenPool.Put(p)
}

// Peek returns the next token without taking it (EOF at the end).
func (p *tokens) Peek() *lexer.Token { return &p.toks[p.pos] }

// Next takes the next token; at the end it keeps returning EOF.
func (p *tokens) Next() *lexer.Token {
	t := &p.toks[p.pos]
	if !t.EOF() {
		p.pos++
	}
	return t
}

// MakeCheckpoint and LoadCheckpoint save and restore the cursor, for the
// few places that look two tokens ahead.
func (p *tokens) MakeCheckpoint() int  { return p.pos }
func (p *tokens) LoadCheckpoint(c int) { p.pos = c }

// prevLine is the line of the last token taken (0 before the first).
func (p *tokens) prevLine() int {
	if p.pos == 0 {
		return 0
	}
	return p.toks[p.pos-1].Pos.Line
}
