package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestReplComplete(t *testing.T) {
	r := newRepl(io.Discard)
	for _, l := range []string{"mm mine", "file dev", "thread worker { }", "func helper() { return 1 }", "ops drv { fault(vmf) { return VM_FAULT_SIGBUS } }"} {
		r.line(l)
	}
	for _, tc := range []struct {
		text, word string
		want       []string // each must be among the candidates
		not        []string // none may be
	}{
		{"mmap_read_l", "mmap_read_l", []string{"mmap_read_lock", "mmap_read_lock_killable"}, []string{"mmap_read_unlock"}},
		{"mi", "mi", []string{"mine"}, nil},
		{"x = hel", "hel", []string{"helper"}, nil},
		{"thr", "thr", []string{"thread"}, nil},
		{"spin", "spin", []string{"spin_lock", "spinlock"}, nil},
		{"VM_FAULT_NO", "VM_FAULT_NO", []string{"VM_FAULT_NOPAGE"}, nil},
		{"mmap(mine, 0x1000, pages=1, prot=r", "r", []string{"rw", "rwx"}, []string{"shared"}},
		{"mmap(mine, 0x1000, flags=shared|pop", "pop", []string{"populate"}, nil},
		{"mmap(mine, 0x1000, vm=mixed", "mixed", []string{"mixedmap"}, nil},
		{"mmap(mine, 0x1000, pa", "pa", []string{"pages="}, []string{"page"}},
		{"mine.mmap_l", "mmap_l", []string{"mmap_lock"}, nil},
		{":st", ":st", []string{":step"}, []string{":save"}},
		{":step wo", "wo", []string{"worker"}, nil},
		{":explain mmap_write_l", "mmap_write_l", []string{"mmap_write_lock"}, nil},
		{"x == pro", "pro", nil, []string{"prot="}},
		// Builtins, kernel-library paths, expect lines, and the value of a
		// parameter that takes no words.
		{"pri", "pri", []string{"print"}, nil},
		{"x = mi", "mi", []string{"min", "mine"}, nil},
		{"for v in vm", "vm", []string{"vmas"}, nil},
		{"khugepaged_c", "khugepaged_c", []string{"khugepaged_collapse"}, nil},
		{"expect ", "", []string{"ok", "violation", "deadlock", "single_run"}, []string{"always", "mmap"}},
		{"expect ok al", "al", []string{"always"}, []string{"alloc_page"}},
		{`expect violation "x" `, "", []string{"at", "sometimes", "never"}, []string{"ok"}},
		{"mmap(mine, 0x1000, file=dev, ops=d", "d", []string{"drv", "dev"}, nil},
	} {
		word, got := r.complete(tc.text)
		if word != tc.word {
			t.Errorf("complete(%q): word %q, want %q", tc.text, word, tc.word)
		}
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("complete(%q) = %v, lacks %s", tc.text, got, w)
			}
		}
		for _, w := range tc.not {
			if slices.Contains(got, w) {
				t.Errorf("complete(%q) = %v, has %s", tc.text, got, w)
			}
		}
	}
}

func TestBraceDepth(t *testing.T) {
	for src, want := range map[string]int{
		"thread t {":                  1,
		"thread t { x = 1 }":          0,
		`print("{")`:                  0,
		"x = 1 # {":                   0,
		"if a {\n if b {\n }":         1,
		`print("\"{")`:                0,
		"}":                           -1,
		"ops o { fault(vmf) { return": 2,
	} {
		if got := braceDepth(src); got != want {
			t.Errorf("braceDepth(%q) = %d, want %d", src, got, want)
		}
	}
}

// TestReplBlockDepth: the REPL counts an open block's braces line by line
// (rescanning the whole block at every line was quadratic); after every
// line the count is that of the block's text, through strings, comments,
// a dropped line and a block closing.
func TestReplBlockDepth(t *testing.T) {
	r := newRepl(io.Discard)
	for _, l := range []string{
		"mm m",
		"thread t {",
		`  print("{ {")  # }`,
		"  if true {",
		"    mmap_read_lok(m)", // dropped: an unknown operation
		"    x = 1 }}}",        // dropped: one } too many
		"  }",
		"  while false { y = 2",
		"  }",
		"}",
		"thread u { if true {",
		"} }",
	} {
		r.line(l)
		if want := braceDepth(strings.Join(r.pending, "\n")); r.depth != want {
			t.Fatalf("after %q: depth %d, the block's braces %d", l, r.depth, want)
		}
	}
	if len(r.pending) != 0 || r.s.Thread("t") == nil || r.s.Thread("u") == nil {
		t.Errorf("blocks not closed: pending %q", r.pending)
	}
}

// BenchmarkReplPaste feeds 2,000 pasted lines through the REPL loop, from
// reading to printing (the old REPL re-ran the session for each line: 44 s).
func BenchmarkReplPaste(b *testing.B) {
	var in strings.Builder
	in.WriteString("mm m\nfile f\nvma v = mmap(m, 0x100000, pages=16, prot=rw, flags=shared, file=f)\n")
	n := 3
	for i := 0; n < 2000; i++ {
		fmt.Fprintf(&in, "mmap_read_lock(m)\nv%d = find_vma(m, 0x100000 + %d * PAGE_SIZE)\nmmap_read_unlock(m)\n", i, i%16)
		fmt.Fprintf(&in, "thread t%d {\n  assert touch(m, 0x100000, write)\n}\n", i)
		n += 6
	}
	src := in.String()
	for b.Loop() {
		var out bytes.Buffer
		r := newRepl(&out)
		r.loop(&pipeReader{sc: bufio.NewScanner(strings.NewReader(src))})
		if out.Len() != 0 {
			b.Fatalf("output:\n%s", out.String())
		}
	}
}
