package lang

import (
	"strings"
	"testing"
)

// TestTokensReuse checks that a pooled PeekingLexer gives the same parse
// as a fresh one, whatever came before it: a longer input (whose tokens
// are still in the array past the new EOF), one that outgrew the pool's
// size, and one that failed to scan half-way.
func TestTokensReuse(t *testing.T) {
	small := "mm m\nthread a {\n  mmap_read_lock(m)\n  mmap_read_unlock(m)\n}\n"
	want := dumpString(t, small)
	big := strings.Repeat("x = 1 + 2\n", 2000) // 10,000 tokens: more than the pool's 1024
	bad := "x = 1\ny = \"unterminated\n"
	for _, before := range []string{big, bad, small + small, ""} {
		Parse("before.mms", []byte(before))
		if got := dumpString(t, small); got != want {
			t.Errorf("after parsing %.20q: got %s, want %s", before, got, want)
		}
	}
	f, err := Parse("big.mms", []byte(big))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 2000 {
		t.Errorf("big: %d items, want 2000", len(f.Items))
	}
}

func dumpString(t *testing.T, src string) string {
	t.Helper()
	f, err := Parse("t.mms", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return dumpFile(f)
}

// TestPrecedence checks precedenceOf against Go's table of binary
// operators (and the word spellings), and that no other punctuation mark
// or keyword is a binary operator.
func TestPrecedence(t *testing.T) {
	want := map[string]int{
		"||": 1, "or": 1,
		"&&": 2, "and": 2,
		"==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
		"+": 4, "-": 4, "|": 4, "^": 4,
		"*": 5, "/": 5, "%": 5, "<<": 5, ">>": 5, "&": 5,
	}
	for _, op := range append(Puncts(), Keywords()...) {
		if got := precedenceOf(op); got != want[op] {
			t.Errorf("precedenceOf(%q) = %d, want %d", op, got, want[op])
		}
	}
}

// TestPeekingLayout checks that newTokens makes its PeekingLexers
// without Upgrade: the mirror of participle's layout is up to date
// (TestTokensReuse parses through such PeekingLexers).
func TestPeekingLayout(t *testing.T) {
	if !peekingLayoutOK {
		t.Fatal("the layout of lexer.PeekingLexer changed: update peekingLexer in tokens.go")
	}
}
