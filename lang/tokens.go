package lang

import (
	"reflect"
	"sync"
	"unsafe"

	"github.com/alecthomas/participle/v2/lexer"
)

// tokens is a participle PeekingLexer reused across parses. lexer.Upgrade,
// the only way to make a PeekingLexer, grows a fresh slice token by token
// for every parse; that slice and its garbage collection took more time
// and memory than the rest of the parse. So the PeekingLexer is made once
// with room for many tokens, and each parse writes its tokens over the
// start of that room through buf, the slice Range returns (it shares the
// PeekingLexer's array), ending with EOF: the PeekingLexer never reads
// past an EOF token, and LoadCheckpoint of the zero Checkpoint rewinds it
// to the first token. The AST keeps no pointer into the tokens: it copies
// values and positions.
type tokens struct {
	lexer.PeekingLexer
	buf  []lexer.Token // the PeekingLexer's tokens
	used int           // tokens written by the last scan, EOF included
}

var tokenPool = sync.Pool{New: func() any { return newTokens(1024) }}

// newTokens makes a PeekingLexer with room for n tokens.
func newTokens(n int) *tokens {
	if peekingLayoutOK {
		// One allocation of the final size. Through Upgrade the array
		// grows by appends, token by token: for the 2.2 million tokens
		// of a 4 MB expression (a bad input, rejected by the parser at
		// its 4,000th) that was a third of a gigabyte copied and 3 s.
		t := &tokens{buf: make([]lexer.Token, n)}
		(*peekingLexer)(unsafe.Pointer(&t.PeekingLexer)).tokens = t.buf
		return t
	}
	pl, err := lexer.Upgrade(&placeholders{n: n})
	if err != nil {
		panic(err) // placeholders never fail
	}
	return &tokens{PeekingLexer: *pl, buf: pl.Range(0, lexer.RawCursor(n))}
}

// placeholders is a lexer.Lexer of n-1 placeholder tokens and EOF.
type placeholders struct{ n int }

func (p *placeholders) Next() (lexer.Token, error) {
	if p.n--; p.n <= 0 {
		return lexer.Token{Type: lexer.EOF}, nil
	}
	return lexer.Token{Type: tokPunct}, nil
}

// scanTokens scans the whole input into a pooled PeekingLexer; the caller
// gives it back with release once the parse is done.
func scanTokens(s *scanner) (*tokens, error) {
	p := tokenPool.Get().(*tokens)
	for i := 0; ; i++ {
		if i == len(p.buf) {
			// Full: move to a PeekingLexer big enough for the rest at
			// the density seen so far (at least twice the size), so
			// that a large input is copied about once, not once per
			// doubling: each copy of a few hundred megabytes of
			// tokens, and the garbage collector's scans of it, took
			// most of the time on a 4 MB input.
			q := newTokens(grownSize(i, s.off, len(s.src)))
			copy(q.buf, p.buf)
			p.used = i
			p.release()
			p = q
		}
		t := &p.buf[i]
		if err := s.scan(t); err != nil {
			p.used = i + 1
			p.release()
			return nil, err
		}
		if t.EOF() {
			p.used = i + 1
			p.LoadCheckpoint(lexer.Checkpoint{})
			return p, nil
		}
	}
}

// release returns the PeekingLexer to the pool, dropping its references
// into the source; a very large one is left to the garbage collector.
func (p *tokens) release() {
	clear(p.buf[:p.used])
	p.used = 0
	if len(p.buf) > 1<<16 {
		return
	}
	tokenPool.Put(p)
}

// grownSize is the room for the tokens of a src of srcLen bytes, n
// tokens having filled the first off bytes: the estimate at the density
// of those tokens plus an eighth, and at least twice n.
func grownSize(n, off, srcLen int) int {
	size := 2 * n
	if off > 0 {
		est := int(int64(n) * int64(srcLen) / int64(off))
		size = max(size, est+est/8+16)
	}
	return size
}

// scanned returns the tokens of the last scan, EOF last.
func (p *tokens) scanned() []lexer.Token { return p.buf[:p.used] }

// peekingLexer is the layout of participle's lexer.PeekingLexer, whose
// only constructor is Upgrade: newTokens sets the token array through it
// when the layouts agree (peekingLayoutOK, checked field by field when
// the package starts: name, type and offset), and uses Upgrade
// otherwise, so that a participle with another layout is slower, never
// wrong. TestPeekingLayout fails on such a participle, to bring the
// mirror up to date.
type peekingLexer struct {
	lexer.Checkpoint
	tokens []lexer.Token
	elide  map[lexer.TokenType]bool
}

var peekingLayoutOK = sameLayout(reflect.TypeFor[lexer.PeekingLexer](), reflect.TypeFor[peekingLexer]())

// sameLayout reports whether the structs a and b have the same fields
// (names and types) at the same offsets.
func sameLayout(a, b reflect.Type) bool {
	if a.Size() != b.Size() || a.NumField() != b.NumField() {
		return false
	}
	for i := range a.NumField() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || fa.Type != fb.Type || fa.Offset != fb.Offset {
			return false
		}
	}
	return true
}
