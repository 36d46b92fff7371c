package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// lockedBuffer is a bytes.Buffer that the test reads while the child
// writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestExploreInterrupt checks that Ctrl-C (SIGINT) stops `mmscript explore`
// as a budget does: the report says the search was interrupted and what it
// covered, the exit status is 3 (incomplete), and -json still prints one
// document, with stopped "interrupted" (docs/mmscript.schema.json).
func TestExploreInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a search for a few seconds")
	}
	// Seven faulting threads against munmap: far too many interleavings to
	// finish before the interrupt.
	var src strings.Builder
	src.WriteString("mm m\nfile dev\nvma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, vm=mixedmap)\n")
	for i := 1; i <= 7; i++ {
		fmt.Fprintf(&src, "page p%d\n", i)
	}
	src.WriteString(`
func fault(addr, p) {
  mmap_read_lock(m)
  vma x = vma_lookup(m, addr)
  if x { vm_insert_page(x, addr, p) }
  mmap_read_unlock(m)
}
`)
	for i := 1; i <= 7; i++ {
		fmt.Fprintf(&src, "thread f%d { fault(0x%x, p%d) }\n", i, 0x100000+0x1000*(i%2), i)
	}
	src.WriteString("thread u { munmap(m, 0x100000, pages=2) }\nexpect ok\n")
	file := filepath.Join(t.TempDir(), "big.mms")
	if err := os.WriteFile(file, []byte(src.String()), 0o666); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "explore", "-json", "-progress", "-timeout", "5m", file)
	cmd.Env = append(os.Environ(), "MMSCRIPT_TEST_MAIN=1")
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// The first progress line comes after a second of searching: the
	// signal handler is installed by then.
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(stderr.String(), "states (") {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("no progress line within 2 minutes:\n%s", stderr.String())
		}
		select {
		case err := <-done:
			t.Fatalf("the search ended before the interrupt (%v):\n%s", err, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	err := cmd.Process.Signal(syscall.SIGINT)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("explore did not stop within 2 minutes of SIGINT")
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("exit: %v, want status 3 (incomplete)\nstderr:\n%s", err, stderr.String())
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(stdout.String()), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, stdout.String())
	}
	sch, err := jsonschema.NewCompiler().Compile(filepath.Join("..", "..", "docs", "mmscript.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(stdout.String()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("the document does not follow the schema: %v", err)
	}
	if !strings.Contains(stdout.String(), `"stopped": "interrupted"`) || !strings.Contains(stdout.String(), "search interrupted after") {
		t.Errorf("the document does not say the search was interrupted:\n%s", stdout.String())
	}
}
