package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/interp"
	"github.com/mmscript/mmscript/lang"
)

// TestLimitCeiling: input as deep as maxExprDepthLimit and
// maxNestingLimit allow is parsed, compiled, run and formatted without
// overflowing the stack. Go stops a goroutine at 1 GB of stack; the stack
// grows with depth, so each script here is a tenth of the ceiling deep and
// runs in a twentieth of that stack (a factor two for the stack's
// doubling).
func TestLimitCeiling(t *testing.T) {
	old := debug.SetMaxStack(1 << 30 / 20)
	defer debug.SetMaxStack(old)
	l := lang.DefaultLimits
	n, nest := maxExprDepthLimit/10, maxNestingLimit/10
	l.MaxNesting, l.MaxExprDepth = nest+1, n+1
	for name, src := range map[string]string{
		"sum":         "x = " + strings.Repeat("1 + ", n-1) + "1\nprint(x)\n",
		"parentheses": "x = " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) + "\n",
		"negations":   "x = " + strings.Repeat("!", n) + "true\n",
		"nested ifs":  "x = 1\nthread t {\n" + strings.Repeat("if x == 1 { ", nest-1) + "msleep(1)" + strings.Repeat(" }", nest-1) + "\n}\n",
		"else if":     "x = 1\nthread t {\nif x == 0 { msleep(1) }" + strings.Repeat(" else if x == 0 { msleep(1) }", nest-2) + " else { msleep(2) }\n}\n",
	} {
		done := make(chan struct{})
		go func() { // a fresh goroutine: its stack starts small
			defer close(done)
			f, err := l.Parse(name+".mms", []byte(src))
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			p, err := interp.Compile(f)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			var out bytes.Buffer
			if res := interp.Run(p, interp.Options{Output: &out}); len(res.Diagnostics) > 0 {
				t.Errorf("%s: %v", name, res.Diagnostics[0])
			}
			if _, err := l.Format(name+".mms", []byte(src)); err != nil {
				t.Errorf("%s: fmt: %v", name, err)
			}
		}()
		<-done
	}
}

// TestMaxFileSizeUnits: -max-file-size takes the size as the limit's error
// prints it (8 MiB), with or without the space, or in bytes; its default
// prints as 8MiB.
func TestMaxFileSizeUnits(t *testing.T) {
	for in, want := range map[string]int64{"16MiB": 16 << 20, "16 MiB": 16 << 20, "512KiB": 512 << 10, "1G": 1 << 30, "4096": 4096} {
		var f sizeFlag
		if err := f.Set(in); err != nil || int64(f) != want {
			t.Errorf("Set(%q) = %d, %v; want %d", in, f, err, want)
		}
		// String gives back what Set reads.
		var g sizeFlag
		if err := g.Set(f.String()); err != nil || g != f {
			t.Errorf("Set(%q) of String() of %d = %d, %v", f.String(), f, g, err)
		}
	}
	if f := sizeFlag(8 << 20); f.String() != "8MiB" {
		t.Errorf("String of 8 MiB = %q", f.String())
	}
	for _, in := range []string{"", "0", "16Mb", "-1", "1.5MiB", "99999999999GiB"} {
		var f sizeFlag
		if err := f.Set(in); err == nil {
			t.Errorf("Set(%q) = %d, want an error", in, f)
		}
	}
}
