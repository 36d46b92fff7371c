package lang

import (
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// TestKeywords checks that isKeyword agrees with the keywords table and
// that a keyword scans as one.
func TestKeywords(t *testing.T) {
	for _, k := range Keywords() {
		if !isKeyword(k) {
			t.Errorf("isKeyword(%q) = false", k)
		}
		toks := scanTypes(t, k)
		if len(toks) != 2 || toks[0].Type != tokKeyword {
			t.Errorf("%q scans as %v", k, toks)
		}
	}
	for _, s := range []string{"ops", "at", "in", "ok", "thread_", "If", "nil0"} {
		if isKeyword(s) {
			t.Errorf("isKeyword(%q) = true", s)
		}
	}
}

// TestPuncts checks that every punctuation mark scans as one token, alone
// and between names.
func TestPuncts(t *testing.T) {
	for _, p := range Puncts() {
		for _, src := range []string{p, "a" + p + "b", " " + p + " "} {
			toks := scanTypes(t, src)
			var got []string
			for _, tk := range toks {
				if tk.Type == tokPunct {
					got = append(got, tk.Value)
				}
			}
			if strings.Join(got, " ") != p {
				t.Errorf("%q scans as punctuation %q, want %q", src, got, p)
			}
		}
	}
}

// TestBOM checks that a byte order mark is skipped at the start of a file
// and rejected elsewhere.
func TestBOM(t *testing.T) {
	f, err := Parse("b.mms", []byte("\uFEFFmm m\nx = 1"))
	if err != nil {
		t.Fatal(err)
	}
	if p := f.Items[0].(*VarDecl).Pos; p.Line != 1 || p.Column != 1 || p.Offset != 3 {
		t.Errorf("first statement at %+v, want 1:1 offset 3", p)
	}
	_, err = Parse("b.mms", []byte("mm m\n\uFEFFx = 1"))
	if got, want := errorLines(t, "b.mms", err), "b.mms:2:1: invalid byte order mark (U+FEFF) after the start of the file"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestBinary checks that binary input is one clear error, at the first
// byte that cannot start a token.
func TestBinary(t *testing.T) {
	for _, test := range []struct{ src, want string }{
		{"\x7fELF\x02\x01\x01\x00", `b.mms:1:1: invalid character U+007F`},
		{"\x00\x00\x00\x00", `b.mms:1:1: invalid character U+0000`},
		{"x = 1 # caf\xe9\n", `b.mms:1:12: invalid UTF-8 encoding`},
		{"x = \"caf\xe9\"", `b.mms:1:9: invalid UTF-8 encoding`},
		{"\x1f\x8b\x08\x00", `b.mms:1:1: invalid character U+001F`},
	} {
		_, err := Parse("b.mms", []byte(test.src))
		if err == nil {
			t.Errorf("Parse(%q) succeeded", test.src)
			continue
		}
		if got := errorLines(t, "b.mms", err); got != test.want {
			t.Errorf("Parse(%q) = %q, want %q", test.src, got, test.want)
		}
	}
}

type scannedToken struct {
	Type  lexer.TokenType
	Value string
}

func scanTypes(t *testing.T, src string) []scannedToken {
	t.Helper()
	s := newScanner("s.mms", []byte(src), DefaultLimits)
	var out []scannedToken
	for {
		tk, err := s.Next()
		if err != nil {
			t.Fatalf("scan %q: %v", src, err)
		}
		out = append(out, scannedToken{tk.Type, tk.Value})
		if tk.EOF() {
			return out
		}
	}
}

// TestGrownSize checks the room scanTokens makes when its pooled tokens
// fill up: enough for the rest of a uniform input at once (a 4 MB input
// re-made its token array at every doubling), never less than double.
func TestGrownSize(t *testing.T) {
	src := strings.Repeat("x = f(a, 1)\n", 100000) // 8 tokens a line
	s := newScanner("big.mms", []byte(src), DefaultLimits.grammarKey())
	lex, err := scanTokens(s)
	if err != nil {
		t.Fatal(err)
	}
	defer lex.release()
	if got, want := lex.used, 8*100000+1; got != want {
		t.Fatalf("scanned %d tokens, want %d", got, want)
	}
	// After the first 1024 tokens (128 lines), the estimate
	// covers every token of the input.
	n := 1024
	off := n / 8 * len("x = f(a, 1)\n")
	if got := grownSize(n, off, len(src)); got < lex.used {
		t.Errorf("grownSize(%d, %d, %d) = %d, want at least %d", n, off, len(src), got, lex.used)
	}
	if got := grownSize(n, len(src), len(src)); got != 2*n {
		t.Errorf("grownSize at the end = %d, want %d", got, 2*n)
	}
}
