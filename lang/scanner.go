package lang

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// The scanner is written by hand in the style of go/scanner: one pass over
// the bytes, a switch on the first byte of each token. It replaced
// participle's regexp lexer (lexer.MustSimple), which took a third of the
// parse time; its tokens are participle's lexer.Token.

// Token types.
const (
	tokEOF     = lexer.EOF
	tokInt     = lexer.TokenType(-2 - iota)
	tokString  // a double-quoted literal as written; the parser unquotes it
	tokKeyword // one of keywords
	tokIdent
	tokPunct
)

// keywords cannot be used as names. "ops" is not one, since `ops=drv` names
// the mmap argument; it starts an OpsDecl only at the top level and only
// when a name and "{" follow. The editor grammars are generated from this
// list (see Keywords).
var keywords = []string{
	"thread", "func", "if", "else", "for", "repeat", "return",
	"expect", "assert", "true", "false", "nil", "and", "or", "not",
	"while", "break", "continue",
}

// isKeyword reports whether s is in keywords (TestKeywords checks that
// the two agree); a switch is several times faster than a map here.
func isKeyword(s string) bool {
	switch s {
	case "thread", "func", "if", "else", "for", "repeat", "return",
		"expect", "assert", "true", "false", "nil", "and", "or", "not",
		"while", "break", "continue":
		return true
	}
	return false
}

// Keywords returns the reserved words of the language.
func Keywords() []string { return append([]string(nil), keywords...) }

// Puncts returns the operators and punctuation marks the scanner knows,
// longest first where one is a prefix of another.
func Puncts() []string { return append([]string(nil), puncts...) }

var puncts = []string{
	"<<=", ">>=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
	"==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "..",
	"-", "+", "*", "/", "%", "<", ">", "!", "=", "(", ")", "{", "}", ",", ".", ";", "|", "&", "^",
}

// Comment is a `#` comment, kept so that fmt can put it back.
type Comment struct {
	Pos  Pos
	Text string // from # to the end of the line, trailing space removed
}

// scanner turns source bytes into tokens. It stops at the first error.
type scanner struct {
	filename string
	src      []byte
	text     string // src as a string: token values are its substrings
	limits   Limits

	off      int // byte offset of the next character
	line     int // 1-based line of the next character
	lineOff  int // byte offset where the line starts
	col      int // 1-based column (in runes) of the next character
	comments []Comment

	parens, braces int // open parentheses and braces
}

func newScanner(filename string, src []byte, limits Limits) *scanner {
	s := &scanner{filename: filename, src: src, text: string(src), limits: limits, line: 1, col: 1}
	// A byte order mark at the start is not part of the script (editors
	// on some systems write one); it takes no column.
	if bytes.HasPrefix(src, []byte("\uFEFF")) {
		s.off = 3
	}
	return s
}

func (s *scanner) pos() Pos {
	return Pos{Filename: s.filename, Offset: s.off, Line: s.line, Column: s.col}
}

func (s *scanner) errorf(pos Pos, format string, args ...any) error {
	return ErrorList{{pos, fmt.Sprintf(format, args...)}}
}

// Next implements lexer.Lexer, for lexer.Upgrade: it returns the next
// token, ending with EOF. It enforces the
// nesting limits on braces and parentheses, before the parser recurses, so
// that no input can exhaust the parser's stack.
func (s *scanner) Next() (lexer.Token, error) {
	t, err := s.next()
	if err != nil {
		return t, err
	}
	switch t.Type {
	case tokPunct:
		switch t.Value {
		case "(":
			if s.parens++; s.parens > s.limits.MaxExprDepth {
				return t, s.errorf(Pos(t.Pos), "expression nested deeper than the limit of %d (raise it with -max-expr-depth)", s.limits.MaxExprDepth)
			}
		case ")":
			s.parens = max(s.parens-1, 0)
		case "{":
			if s.braces++; s.braces > s.limits.MaxNesting {
				return t, s.errorf(Pos(t.Pos), "blocks nested deeper than the limit of %d (raise it with -max-nesting)", s.limits.MaxNesting)
			}
		case "}":
			s.braces = max(s.braces-1, 0)
		}
	}
	return t, nil
}

// advance moves past n bytes that hold no newline and count as runes
// columns.
func (s *scanner) advance(n, runes int) {
	s.off += n
	s.col += runes
}

// next returns the next token, skipping white space and recording comments.
func (s *scanner) next() (lexer.Token, error) {
	src := s.src
	for s.off < len(src) {
		switch c := src[s.off]; c {
		case ' ', '\t', '\r':
			s.off++
			s.col++
			continue
		case '\n':
			s.off++
			s.line++
			s.col = 1
			s.lineOff = s.off
			continue
		case '#':
			pos := s.pos()
			end := bytes.IndexByte(src[s.off:], '\n')
			if end < 0 {
				end = len(src) - s.off
			}
			text := src[s.off : s.off+end]
			if !utf8.Valid(text) {
				// Report the bad byte where it is.
				for i := 0; i < len(text); {
					r, size := utf8.DecodeRune(text[i:])
					if r == utf8.RuneError && size == 1 {
						p := pos
						p.Offset += i
						p.Column += utf8.RuneCount(text[:i])
						return lexer.Token{}, s.errorf(p, "invalid UTF-8 encoding")
					}
					i += size
				}
			}
			s.comments = append(s.comments, Comment{pos, strings.TrimRight(s.text[s.off:s.off+end], " \t\r")})
			s.advance(end, utf8.RuneCount(text))
			continue
		}
		break
	}
	pos := s.pos()
	tok := func(typ lexer.TokenType, n int) lexer.Token {
		v := s.text[s.off : s.off+n]
		s.advance(n, n) // every token but a string is ASCII
		return lexer.Token{Type: typ, Value: v, Pos: lexer.Position(pos)}
	}
	if s.off >= len(src) {
		return lexer.Token{Type: tokEOF, Pos: lexer.Position(pos)}, nil
	}
	c := src[s.off]
	switch {
	case isLetter(c):
		n := 1
		for s.off+n < len(src) && (isLetter(src[s.off+n]) || isDigit(src[s.off+n])) {
			n++
		}
		t := tok(tokIdent, n)
		if isKeyword(t.Value) {
			t.Type = tokKeyword
		}
		return t, nil
	case isDigit(c):
		// Int takes every alphanumeric run that starts with a digit, so
		// that a malformed literal (0xzz, 12ab) is one token with one
		// clear error.
		n := 1
		for s.off+n < len(src) && (isLetter(src[s.off+n]) || isDigit(src[s.off+n])) {
			n++
		}
		return tok(tokInt, n), nil
	case c == '"':
		return s.scanString(pos)
	}
	if s.off+1 < len(src) {
		switch c2 := src[s.off+1]; c {
		case '=', '!':
			if c2 == '=' {
				return tok(tokPunct, 2), nil
			}
		case '<', '>':
			if c2 == c && s.off+2 < len(src) && src[s.off+2] == '=' {
				return tok(tokPunct, 3), nil // <<= >>=
			}
			if c2 == '=' || c2 == c {
				return tok(tokPunct, 2), nil
			}
		case '&', '|':
			if c2 == c || c2 == '=' {
				return tok(tokPunct, 2), nil
			}
		case '.':
			if c2 == c {
				return tok(tokPunct, 2), nil
			}
		case '+', '-', '*', '/', '%', '^':
			if c2 == '=' {
				return tok(tokPunct, 2), nil // compound assignment
			}
		}
	}
	switch c {
	case '-', '+', '*', '/', '%', '<', '>', '!', '=', '(', ')', '{', '}', ',', '.', ';', '|', '&', '^':
		return tok(tokPunct, 1), nil
	}
	r, size := utf8.DecodeRune(src[s.off:])
	switch {
	case r == utf8.RuneError && size == 1:
		return lexer.Token{}, s.errorf(pos, "invalid UTF-8 encoding")
	case r == '\uFEFF':
		return lexer.Token{}, s.errorf(pos, "invalid byte order mark (U+FEFF) after the start of the file")
	}
	return lexer.Token{}, s.errorf(pos, "invalid character %#U", r)
}

// scanString scans a double-quoted literal on one line. The token's value
// is the literal as written; scan unquotes it.
func (s *scanner) scanString(pos Pos) (lexer.Token, error) {
	src := s.src
	i := s.off + 1
	for {
		if i >= len(src) || src[i] == '\n' {
			return lexer.Token{}, s.errorf(pos, "unterminated string literal")
		}
		switch src[i] {
		case '"':
			i++
			lit := src[s.off:i]
			if !utf8.Valid(lit) {
				for j := 0; j < len(lit); {
					r, size := utf8.DecodeRune(lit[j:])
					if r == utf8.RuneError && size == 1 {
						p := pos
						p.Offset += j
						p.Column += utf8.RuneCount(lit[:j])
						return lexer.Token{}, s.errorf(p, "invalid UTF-8 encoding")
					}
					j += size
				}
			}
			s.advance(len(lit), utf8.RuneCount(lit))
			return lexer.Token{Type: tokString, Value: s.text[s.off-len(lit) : s.off], Pos: lexer.Position(pos)}, nil
		case '\\':
			i++
			if i < len(src) && src[i] != '\n' {
				i++
			}
		default:
			i++
		}
	}
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// ExpectKinds returns the outcomes an expect line can state (ok,
// deadlock, ...), ExpectQuants the words that say in how many
// interleavings, and ContextWords the other words that are keywords only
// where they stand ("ops" before a block, "in" in a for, "at" in an
// expect): none of them is reserved. Editors highlight them.
func ExpectKinds() []string  { return append([]string(nil), expectKinds...) }
func ExpectQuants() []string { return append([]string(nil), expectQuants...) }
func ContextWords() []string { return []string{"ops", "in", "at"} }
