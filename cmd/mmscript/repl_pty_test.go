//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptySession is the REPL running on a pseudo-terminal, as a user sees it:
// readline in raw mode, prompts, completion and history.
type ptySession struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	seen int // output consumed by expect
	done chan struct{}
}

func startPTY(t *testing.T, stateDir string, args ...string) *ptySession {
	t.Helper()
	return startPTYEnv(t, stateDir, true, args...)
}

// startPTYEnv starts the REPL on a pseudo-terminal, with NO_COLOR set or
// not.
func startPTYEnv(t *testing.T, stateDir string, noColor bool, args ...string) *ptySession {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"repl"}, args...)...)
	cmd.Env = append(os.Environ(), "MMSCRIPT_TEST_MAIN=1", "XDG_STATE_HOME="+stateDir, "HOME="+t.TempDir(), "TERM=xterm")
	if noColor {
		cmd.Env = append(cmd.Env, "NO_COLOR=1")
	} else {
		cmd.Env = slices.DeleteFunc(cmd.Env, func(kv string) bool { return strings.HasPrefix(kv, "NO_COLOR=") })
	}
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200})
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	s := &ptySession{t: t, cmd: cmd, tty: tty, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			s.mu.Lock()
			s.out.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		tty.Close()
	})
	s.expect(prompt)
	return s
}

func (s *ptySession) send(text string) {
	s.t.Helper()
	if _, err := s.tty.WriteString(text); err != nil {
		s.t.Fatal(err)
	}
}

// expect waits for output matching re after what earlier expects consumed,
// and consumes up to the end of the match.
func (s *ptySession) expect(re string) string {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.mu.Lock()
		tail := s.out.String()[s.seen:]
		if loc := rx.FindStringIndex(tail); loc != nil {
			s.seen += loc[1]
			s.mu.Unlock()
			return tail[:loc[1]]
		}
		s.mu.Unlock()
		if time.Now().After(deadline) {
			s.t.Fatalf("no %q in the output after 10s; unconsumed output:\n%q", re, tail)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// line types a line and waits for the next prompt of either kind,
// returning the output in between.
func (s *ptySession) line(text string) string {
	s.t.Helper()
	s.send(text + "\r")
	return s.expect(`(>>>|\.\.\.) ` + redraw)
}

func (s *ptySession) exit() {
	s.t.Helper()
	s.send("\x04") // Ctrl-D
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.t.Fatal("Ctrl-D did not end the session")
	}
	if err := s.cmd.Wait(); err != nil {
		s.t.Fatalf("exit: %v", err)
	}
}

// A prompt at the end of the output: readline ends its redraw with
// " \b".
const (
	redraw = `( \x08)?$`
	prompt = `>>> ` + redraw
	more   = `\.\.\. ` + redraw
)

// TestReplPTY drives the REPL through a pseudo-terminal: a lock held across
// lines, completion of an operation and of a word argument, a multi-line
// block, Ctrl-C, Ctrl-D, and history kept across two sessions.
func TestReplPTY(t *testing.T) {
	state := t.TempDir()
	s := startPTY(t, state, "-max-steps", "1000000000000")

	s.line("mm m")
	s.line("mmap_read_lock(m)")
	if out := s.line("m.mmap_lock"); !strings.Contains(out, "m->mmap_lock: held by main (read)") {
		t.Errorf("lock not held across lines:\n%q", out)
	}

	// Completion: a unique operation name, then a word argument.
	s.send("mmap_read_unl\t")
	s.expect(`mmap_read_unlock`)
	if out := s.line("(m)"); strings.Contains(out, "error") || strings.Contains(out, "unknown") {
		t.Errorf("completed call failed:\n%q", out)
	}
	if out := s.line("m.mmap_lock"); !strings.Contains(out, "m->mmap_lock: free") {
		t.Errorf("lock still held after the completed unlock:\n%q", out)
	}
	s.send("vma v = mmap(m, 0x100000, pages=1, prot=rw, flags=priv\t")
	s.expect(`flags=private`)
	s.line(")")
	if out := s.line("v.vm_start"); !strings.Contains(out, "0x100000") {
		t.Errorf("mmap with a completed word did not run:\n%q", out)
	}

	// A block stays open, with the continuation prompt, until its braces
	// balance.
	s.send("thread t {\r")
	s.expect(more)
	s.send("  mmap_read_lock(m)\r")
	s.expect(more)
	s.send("  mmap_read_unlock(m)\r")
	s.expect(more)
	s.send("}\r")
	s.expect(prompt)
	if out := s.line(":step t 5"); !strings.Contains(out, "t: 2 steps; exited") {
		t.Errorf(":step t:\n%q", out)
	}

	// Ctrl-C drops an open block.
	s.send("thread u {\r")
	s.expect(more)
	s.send("\x03")
	s.expect(prompt)
	if out := s.line(":threads"); !strings.Contains(out, "idle at the prompt") || strings.Contains(out, "u ") {
		t.Errorf("Ctrl-C kept the block:\n%q", out)
	}
	// Ctrl-C while a statement runs stops it, not the session.
	s.send("repeat 1000000000000 { x = 1 }\r")
	time.Sleep(100 * time.Millisecond)
	s.send("\x03")
	s.expect(`error: interrupted`)
	s.expect(prompt)
	s.line(`print("from the first session")`)
	s.exit()

	hist, err := os.ReadFile(filepath.Join(state, "mmscript", "history"))
	if err != nil {
		t.Fatalf("history not saved: %v", err)
	}
	if !strings.Contains(string(hist), "mmap_read_lock(m)\n") {
		t.Errorf("history:\n%s", hist)
	}

	// A second session recalls the first one's last line with Up.
	s2 := startPTY(t, state)
	s2.send("\x1b[A")
	s2.expect(regexp.QuoteMeta(`print("from the first session")`))
	if out := s2.line(""); !strings.Contains(out, `main: "from the first session"`) {
		t.Errorf("history recall:\n%q", out)
	}
	s2.exit()
}
