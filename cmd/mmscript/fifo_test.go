package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFIFO checks that a FIFO nobody writes hangs no command that reads
// scripts (repl FILE and :load did, opening it without O_NONBLOCK): it
// reads as an empty script.
func TestFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "a_fifo.mms")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b_ok.mms"), []byte("mm m\nexpect ok\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", fifo}, {"test", dir}, {"fmt", "-l", dir}, {"run", fifo}, {"explore", fifo}, {"repl", fifo}, {"repl"}} {
		done := make(chan string, 1)
		go func() {
			var out bytes.Buffer
			if args[0] == "repl" {
				cmdRepl(args[1:], strings.NewReader(":load "+fifo+"\nprint(\"after\")\n"), &out, &out)
			} else {
				run(args, &out, &out)
			}
			done <- out.String()
		}()
		select {
		case out := <-done:
			if strings.Contains(out, "panic") {
				t.Errorf("%v: %s", args, out)
			}
			if args[0] == "test" && !strings.Contains(out, "passed") {
				t.Errorf("%v: no summary:\n%s", args, out)
			}
			if args[0] == "repl" && !strings.Contains(out, `main: "after"`) {
				t.Errorf("%v: the session did not go on after :load:\n%s", args, out)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("mmscript %v hangs on a FIFO", args)
		}
	}
}
