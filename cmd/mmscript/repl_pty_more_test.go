//go:build linux

package main

import (
	"strings"
	"testing"
	"time"
)

// TestReplPTYBlockTypoAndCompletion: on a terminal, a typo inside an open
// block loses only that line (the block stays open, at the continuation
// prompt); Tab completes a REPL command, a keyword and a declared name.
func TestReplPTYBlockTypoAndCompletion(t *testing.T) {
	s := startPTY(t, t.TempDir())
	s.line("mm zz_mm")
	s.send("thread worker {\r")
	s.expect(more)
	s.send("  mmap_read_lok(zz_mm)\r")
	out := s.expect(more)
	if !strings.Contains(out, "unknown operation mmap_read_lok (did you mean mmap_read_lock?)") ||
		!strings.Contains(out, "(line 3 dropped; the block is still open)") {
		t.Errorf("typo in a block:\n%q", out)
	}
	s.send("  mmap_read_lock(zz_mm)\r")
	s.expect(more)
	s.send("  mmap_read_unlock(zz_mm)\r")
	s.expect(more)
	s.send("}\r")
	s.expect(prompt)
	// :st<Tab> is :step, wo<Tab> the thread worker, thre<Tab> the
	// keyword thread, zz<Tab> the mm zz_mm.
	s.send(":st\t")
	s.expect(`:step`)
	s.send(" wo\t")
	s.expect(`worker`)
	if out := s.line(" 5"); !strings.Contains(out, "worker: 2 steps; exited") {
		t.Errorf(":step worker 5 after completion:\n%q", out)
	}
	s.send("thre\t")
	s.expect(`thread`)
	s.send("\x03") // drop it
	s.expect(prompt)
	s.send("zz\t")
	s.expect(`zz_mm`)
	if out := s.line(".mmap_lock"); !strings.Contains(out, "zz_mm->mmap_lock: free") {
		t.Errorf("completed name:\n%q", out)
	}
	// Ctrl-D inside an open block says what it drops, then leaves.
	s.send("thread u {\r")
	s.expect(more)
	s.send("\x04")
	s.expect(`unexpected end of input, want "}" \(the "\{" at \d+:10 is not closed\)`)
	s.expect(`\(1 line dropped\)`)
	s.exit()
}

// TestReplPTYColour: findings are in colour on a terminal, and not with
// NO_COLOR set.
func TestReplPTYColour(t *testing.T) {
	for _, noColor := range []bool{false, true} {
		s := startPTYEnv(t, t.TempDir(), noColor)
		s.line("mm m")
		out := s.line("mmap_read_unlock(m)")
		if !strings.Contains(out, "lock/unlock-not-held") {
			t.Fatalf("no finding:\n%q", out)
		}
		if colour := strings.Contains(out, "\x1b[1m") || strings.Contains(out, "\x1b[1;3"); colour == noColor {
			t.Errorf("NO_COLOR set: %v, colour in the finding: %v:\n%q", noColor, colour, out)
		}
		s.exit()
	}
}

// TestReplPTYInterruptExploreAndRun: Ctrl-C stops a running :explore and
// a running :run, long before their own limits, and the session goes on
// at the prompt.
func TestReplPTYInterruptExploreAndRun(t *testing.T) {
	s := startPTY(t, t.TempDir(), "-max-steps", "1000000000000")
	s.line("mm m")
	s.send("thread t1 { repeat 1000000 { mmap_read_lock(m); mmap_read_unlock(m) } }\r")
	s.expect(prompt)
	s.send("thread t2 { repeat 1000000 { mmap_write_lock(m); mmap_write_unlock(m) } }\r")
	s.expect(prompt)
	start := time.Now()
	s.send(":explore\r")
	time.Sleep(300 * time.Millisecond)
	s.send("\x03")
	s.expect(`search interrupted after \d+ states, \d+ executions: not every interleaving was covered, so nothing is proved`)
	s.expect(prompt)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf(":explore took %v to stop after Ctrl-C", d)
	}
	s.send(":run\r")
	time.Sleep(300 * time.Millisecond)
	s.send("\x03")
	out := s.expect(prompt)
	if !strings.Contains(out, "interrupted") {
		t.Errorf(":run after Ctrl-C:\n%q", out)
	}
	if out := s.line(":threads"); !strings.Contains(out, "t1") || !strings.Contains(out, "t2") {
		t.Errorf(":threads after the interrupted :run:\n%q", out)
	}
	s.exit()
}
