package lang

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadFile checks that ReadFile neither hangs nor exhausts memory on
// things that are not scripts.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.mms")
	if err := os.WriteFile(ok, []byte("mm m\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	if src, err := ReadFile(ok); err != nil || string(src) != "mm m\n" {
		t.Errorf("ReadFile(ok) = %q, %v", src, err)
	}

	var pe *fs.PathError
	if _, err := ReadFile(filepath.Join(dir, "missing.mms")); !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ReadFile(dir); !errors.As(err, &pe) || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}

	// A FIFO with no writer reads as empty, at once.
	fifo := filepath.Join(dir, "fifo.mms")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		src, err := ReadFile(fifo)
		if err == nil && len(src) != 0 {
			err = errors.New("read " + string(src))
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("FIFO: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ReadFile blocks on a FIFO")
	}

	// /dev/zero never ends: the size limit stops it.
	if _, err := os.Stat("/dev/zero"); err == nil {
		small := Limits{MaxFileSize: 1 << 10}
		_, err := small.ReadFile("/dev/zero")
		if got, want := errorLines(t, "/dev/zero", err), "/dev/zero:1:1025: file larger than the limit of 1 KiB (raise it with -max-file-size)"; got != want {
			t.Errorf("/dev/zero: got %q, want %q", got, want)
		}
	}

	// The error is where the limit is crossed.
	big := filepath.Join(dir, "big.mms")
	if err := os.WriteFile(big, []byte(strings.Repeat("f()\n", 300)), 0o666); err != nil {
		t.Fatal(err)
	}
	_, err := Limits{MaxFileSize: 1000}.ReadFile(big)
	if got, want := errorLines(t, big, err), big+":251:1: file larger than the limit of 1000 bytes (raise it with -max-file-size)"; got != want {
		t.Errorf("big: got %q, want %q", got, want)
	}
	_, err = Limits{MaxFileSize: 1000}.Parse("p.mms", []byte(strings.Repeat("f()\n", 300)))
	if got, want := errorLines(t, "p.mms", err), "p.mms:251:1: file larger than the limit of 1000 bytes (raise it with -max-file-size)"; got != want {
		t.Errorf("Parse: got %q, want %q", got, want)
	}
}
