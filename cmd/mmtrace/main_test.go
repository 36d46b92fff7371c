package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/mmcore/trace"
)

func TestMain(m *testing.M) {
	trace.KernelChild()
	os.Exit(m.Run())
}

func mmtrace(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestSimulatorReproducesAGolden(t *testing.T) {
	const tr = "../../mmcore/trace/testdata/probe/1-anon-merge-split.trace"
	golden, err := os.ReadFile(strings.TrimSuffix(tr, ".trace") + ".golden")
	if err != nil {
		t.Fatal(err)
	}
	g, _ := trace.ParseGolden(string(golden))
	out, errs, code := mmtrace("--pkeys", "no", tr)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if out != g.Out {
		t.Errorf("mmtrace output differs from the golden:\n%s", out)
	}
	if stripped, _, _ := mmtrace("--pkeys", "no", "--no-mc", tr); strings.Contains(stripped, " mc=") {
		t.Error("--no-mc left mc= columns")
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.trace")
	os.WriteFile(bad, []byte("map 16 4 rw- anon\nunmap 16 x\n"), 0o644)
	_, errs, code := mmtrace(bad)
	if code != 2 || !strings.Contains(errs, "bad.trace:2:10: unmap: page count must be an integer") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if _, errs, code := mmtrace(filepath.Join(dir, "missing.trace")); code != 2 || errs == "" {
		t.Errorf("missing file: exit %d, stderr %q", code, errs)
	}
	if _, _, code := mmtrace("--pkeys", "maybe", bad); code != 2 {
		t.Errorf("bad --pkeys: exit %d", code)
	}
	if _, _, code := mmtrace(); code != 2 {
		t.Errorf("no files: exit %d", code)
	}
}

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	if _, errs, code := mmtrace("--gen", "3", "--seed", "5", "--profile", "thp", "--out", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "thp-*.trace"))
	if len(files) != 3 {
		t.Fatalf("wrote %v", files)
	}
	if _, errs, code := mmtrace(files...); code != 0 {
		t.Errorf("generated traces do not run: exit %d: %s", code, errs)
	}
}

func TestKernelRunner(t *testing.T) {
	if !trace.KernelSupported || os.Getenv("MMTRACE_KERNEL") == "" {
		t.Skip("set MMTRACE_KERNEL=1 on Linux 6.18 to run a trace on the host kernel")
	}
	const tr = "../../mmcore/trace/testdata/probe/1-anon-merge-split.trace"
	kout, errs, code := mmtrace("--kernel", tr)
	sout, _, _ := mmtrace(tr)
	if code != 0 || kout != sout {
		t.Errorf("kernel and simulator differ (exit %d, %s):\n%s\n%s", code, errs, kout, sout)
	}
}
