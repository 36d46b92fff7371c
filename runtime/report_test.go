package runtime

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/lang"
)

func TestCountsString(t *testing.T) {
	for _, tc := range []struct {
		c    Counts
		want string
	}{
		{Counts{}, "no findings"},
		{Counts{Violations: 1}, "1 violation"},
		{Counts{Violations: 2, Deadlocks: 1}, "2 violations, 1 deadlock"},
		{Counts{Violations: 3, Fatal: 1, Errors: 2}, "3 violations (1 BUG), 2 errors"},
		{Counts{Deadlocks: 2}, "2 deadlocks"},
	} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestUseColor(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tc := range []struct {
		terminal bool
		getenv   func(string) string
		want     bool
	}{
		{true, env(), true},
		{false, env(), false},
		{true, env("NO_COLOR", "1"), false},
		{true, env("NO_COLOR", ""), true}, // set but empty does not count (no-color.org)
		{true, env("TERM", "dumb"), false},
	} {
		if got := useColor(tc.terminal, tc.getenv); got != tc.want {
			t.Errorf("useColor(%v, ...) = %v, want %v", tc.terminal, got, tc.want)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if UseColor(w) {
		t.Error("a pipe is coloured")
	}
}

// TestPrinterLayout pins the compiler-style part of a report: the source
// line with a caret under the column (tabs kept), the rule's source, the
// kernel's reaction, the call path, the held locks in lockdep's notation,
// and colour only when asked for.
func TestPrinterLayout(t *testing.T) {
	d := &Diagnostic{Kind: Violation, Pos: lang.Pos{Filename: "x.mms", Line: 2, Column: 3}, Rule: "r/id", Msg: "broken",
		Source: "mm/x.c: f()", Kernel: WARN, Thread: "user", Path: []string{"touch", "handle_mm_fault", "drv.fault", "mutex_lock"},
		Held: []HeldLock{{Lock: "m->mmap_lock", Class: "&mm->mmap_lock", Mode: "read", Pos: lang.Pos{Filename: "x.mms", Line: 1, Column: 1}},
			{Lock: "drv_lock", Class: "drv_lock", Pos: lang.Pos{Filename: "x.mms", Line: 2, Column: 3}, Try: true}}}
	var b bytes.Buffer
	p := NewPrinter(&b, false)
	p.SetSource("x.mms", []byte("mmap_read_lock(m)\n\t\tmutex_trylock(drv_lock)\n"))
	p.Print(d)
	p.PrintSummary()
	want := `x.mms:2:3: r/id: broken
    2 | 		mutex_trylock(drv_lock)
      | 		^
  source: mm/x.c: f()
  kernel: WARN: a warning with a backtrace in the kernel log, on every kernel; execution goes on
  call path: user: touch -> handle_mm_fault -> drv.fault -> mutex_lock
  2 locks held by user:
   #0: m->mmap_lock (&mm->mmap_lock){read}, at: x.mms:1:1
   #1: (drv_lock){trylock}, at: x.mms:2:3

1 violation
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if strings.Contains(b.String(), "\x1b[") {
		t.Error("colour without asking")
	}
	b.Reset()
	p = NewPrinter(&b, true)
	p.SetSource("x.mms", []byte("a\n\t\tb\n"))
	p.Print(d)
	if !strings.Contains(b.String(), "\x1b[1;31mr/id:\x1b[0m") || !strings.Contains(b.String(), "\x1b[1;32m^\x1b[0m") {
		t.Errorf("no colour:\n%q", b.String())
	}
}

// TestPrinterSplatNotes: a splat replaces the "taken here" and "existing
// dependency" lines it lays out itself, but keeps every other note.
func TestPrinterSplatNotes(t *testing.T) {
	pos := lang.Pos{Filename: "x.mms", Line: 2, Column: 1}
	d := &Diagnostic{Kind: Violation, Pos: pos, Rule: "lock/recursive", Msg: "m", Kernel: Lockdep, Thread: "t",
		Related: []Related{{pos, "drv_lock first taken here"}, {Msg: "existing dependency a -> b"}, {pos, "a production kernel prints nothing here; the bug is there all the same"}, {pos, "t blocks here on drv_lock"}},
		Lockdep: &LockdepSplat{Kind: SplatRecursive, Title: "possible recursive locking detected",
			Acquire: HeldLock{Lock: "drv_lock", Class: "drv_lock", Pos: pos}, Holding: HeldLock{Lock: "drv_lock", Class: "drv_lock", Pos: pos}}}
	var b bytes.Buffer
	NewPrinter(&b, false).Print(d)
	out := b.String()
	if strings.Contains(out, "first taken here") || strings.Contains(out, "existing dependency") || strings.Contains(out, "blocks here") {
		t.Errorf("the splat's own notes printed twice:\n%s", out)
	}
	for _, want := range []string{"x.mms:2:1: a production kernel prints nothing here; the bug is there all the same", "WARNING: possible recursive locking detected",
		"    lock(drv_lock);\n    lock(drv_lock);\n", "May be due to missing lock nesting notation", "no locks held by t."} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

// TestPrinterLongLineAndLargeFile: a source line of megabytes shows as a
// window around the column with the caret under it, and a file beyond
// the default -max-file-size, read under a raised one, still gets its
// source line.
func TestPrinterLongLineAndLargeFile(t *testing.T) {
	line := strings.Repeat("x = 1; ", 150000) + "mmap_read_lok(m)"
	col := len(line) - len("mmap_read_lok(m)") + 1
	d := &Diagnostic{Kind: Error, Pos: lang.Pos{Filename: "long.mms", Line: 2, Column: col}, Msg: "unknown operation"}
	var b bytes.Buffer
	p := NewPrinter(&b, false)
	p.SetSource("long.mms", []byte("mm m\n"+line+"\n"))
	p.Print(d)
	lines := strings.Split(b.String(), "\n")
	if len(lines) < 3 || len(lines[1]) > 200 || !strings.HasPrefix(lines[1], "    2 | ...") || !strings.HasSuffix(lines[1], "mmap_read_lok(m)") {
		t.Fatalf("long line excerpt:\n%s", b.String())
	}
	if caret := strings.Index(lines[2], "^"); caret != strings.Index(lines[1], "mmap_read_lok") {
		t.Errorf("caret at %d, the name at %d:\n%s", caret, strings.Index(lines[1], "mmap_read_lok"), b.String())
	}
	// The start of a long line: cut at the right only.
	b.Reset()
	d.Pos.Column = 1
	p.Print(d)
	if !strings.Contains(b.String(), "    2 | x = 1; x = 1;") || !strings.Contains(b.String(), "...\n      | ^\n") {
		t.Errorf("start of a long line:\n%s", b.String())
	}

	// A 9 MB file, past the default limit of 8 MiB.
	name := t.TempDir() + "/big.mms"
	src := strings.Repeat("x = 1\n", 1500000) + "mmap_read_lok(m)\n"
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	d = &Diagnostic{Kind: Error, Pos: lang.Pos{Filename: name, Line: 1500001, Column: 1}, Msg: "unknown operation"}
	for _, raised := range []bool{false, true} {
		b.Reset()
		p := NewPrinter(&b, false)
		if raised {
			p.SetMaxFileSize(16 << 20)
		}
		p.Print(d)
		if got := strings.Contains(b.String(), "1500001 | mmap_read_lok(m)\n        | ^\n"); got != raised {
			t.Errorf("limit raised %v: source line shown %v:\n%s", raised, got, b.String())
		}
	}
}

// TestPrinterControlCharacters: control characters of a source line (a
// binary's, an escape sequence) print as their pictures, the caret still
// under its column.
func TestPrinterControlCharacters(t *testing.T) {
	var b bytes.Buffer
	p := NewPrinter(&b, false)
	p.SetSource("bin.mms", []byte("\x00\x1b[2J\tx\x7f\u0085y\n"))
	p.Print(&Diagnostic{Kind: Error, Pos: lang.Pos{Filename: "bin.mms", Line: 1, Column: 9}, Msg: "invalid character"})
	want := "bin.mms:1:9: error: invalid character\n" +
		"    1 | \u2400\u241b[2J\tx\u2421\ufffdy\n" +
		"      |      \t  ^\n" // under U+0085
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
	// Bytes that are not UTF-8 (the REPL shows a piped binary's lines).
	if got := visible("a\xffb\xc3"); got != "a\ufffdb\ufffd" {
		t.Errorf("visible of invalid UTF-8 = %q", got)
	}
}

// TestExcerptWindowIndex: the window of a long line is the same whether
// found from the line's rune index or by decoding from its start, for
// columns across a line with multi-byte runes, and the index is built
// once for a line excerpted again and again.
func TestExcerptWindowIndex(t *testing.T) {
	text := strings.Repeat("ab€d ", 2000) // 10,000 runes, 14,000 bytes
	p := NewPrinter(io.Discard, false)
	pos := lang.Pos{Filename: "x.mms", Line: 3}
	idx := p.runeIndex(pos, text)
	for col := 1; col <= 10_002; col += 37 {
		w1, c1 := excerptWindow(text, col, idx)
		w2, c2 := excerptWindow(text, col, nil)
		if w1 != w2 || c1 != c2 {
			t.Fatalf("column %d: %q at %d with the index, %q at %d without", col, w1, c1, w2, c2)
		}
	}
	if again := p.runeIndex(pos, text); &again[0] != &idx[0] {
		t.Error("the index of the same line was built again")
	}
}
