package trace

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	KernelChild() // the kernel runner re-executes this test binary
	os.Exit(m.Run())
}

var updateKnown = flag.Bool("update-known", false, "rewrite testdata/known-mismatches.txt from the current simulator")

// knownFile lists the goldens the simulator does not reproduce yet, one
// per line: "PATH: REASON". TestGoldens fails when a listed trace starts
// to match (so the list only shrinks) and when an unlisted one stops.
const knownFile = "testdata/known-mismatches.txt"

func readKnown(t *testing.T) map[string]string {
	known := map[string]string{}
	data, err := os.ReadFile(knownFile)
	if os.IsNotExist(err) {
		return known
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		path, reason, _ := strings.Cut(l, ": ")
		known[path] = reason
	}
	return known
}

func goldens(t *testing.T) []string {
	files, err := filepath.Glob("testdata/*/*.golden")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// firstDiff describes the first line where mmcore's output (got) and the
// kernel's (want) differ.
func firstDiff(got, want string) string { return firstDiffAs(got, want, "mmcore", "kernel") }

// firstDiffAs is firstDiff with the two outputs named.
func firstDiffAs(got, want, gotName, wantName string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("output line %d: %s %q, %s %q", i+1, wantName, wl, gotName, gl)
		}
	}
	return "identical"
}

// simAgainst runs a trace on the simulator and compares it with a golden:
// "" when they agree, else why not.
func simAgainst(tracePath string, g Golden) string {
	want := g.Out
	src, err := os.ReadFile(tracePath)
	if err != nil {
		return err.Error()
	}
	tr, err := Parse(tracePath, src)
	if err != nil {
		return "parse: " + err.Error()
	}
	got, err := RunSim(tr, Options{CPUWithoutPkeys: !g.Pkeys, NoZeroPage: !g.ZeroPage, Check: true})
	if err != nil {
		return strings.TrimPrefix(err.Error(), tracePath+":")
	}
	if got != want {
		return firstDiff(got, want)
	}
	return ""
}

// TestGoldens runs every real-kernel golden on mmcore and requires the
// probe's output byte for byte, except for the traces listed in
// testdata/known-mismatches.txt.
func TestGoldens(t *testing.T) {
	known := readKnown(t)
	files := goldens(t)
	if len(files) == 0 {
		t.Fatal("no goldens")
	}
	var newKnown []string
	matched := 0
	for _, g := range files {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		gd, ok := ParseGolden(string(data))
		rel := gd.Release
		if !ok {
			t.Errorf("%s: no %q line naming the kernel", g, GoldenPrefix)
			continue
		}
		if !strings.HasPrefix(rel, "6.18.") {
			t.Errorf("%s: recorded on %s; these goldens are for Linux 6.18", g, rel)
		}
		tp := strings.TrimSuffix(g, ".golden") + ".trace"
		key := strings.TrimPrefix(tp, "testdata/")
		why := simAgainst(tp, gd)
		if why == "" {
			matched++
		} else {
			newKnown = append(newKnown, key+": "+why)
		}
		if *updateKnown {
			continue
		}
		reason, listed := known[key]
		switch {
		case why == "" && listed:
			t.Errorf("%s now matches the kernel: remove it from %s (was: %s)", key, knownFile, reason)
		case why != "" && !listed:
			t.Errorf("%s: mmcore differs from the kernel: %s", key, why)
		}
	}
	t.Logf("%d of %d goldens reproduced byte for byte", matched, len(files))
	if *updateKnown {
		hdr := "# Goldens mmcore does not reproduce yet, with the first difference or the\n" +
			"# first operation mmcore does not model. Written by\n" +
			"#   go test ./mmcore/trace -run TestGoldens -update-known\n" +
			"# TestGoldens fails when a listed trace starts to match: this list only shrinks.\n"
		if err := os.WriteFile(knownFile, []byte(hdr+strings.Join(newKnown, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKernelGoldens re-runs the goldens on the host kernel (opt-in:
// MMTRACE_KERNEL=1), refusing a kernel other than the one they were
// recorded on.
func TestKernelGoldens(t *testing.T) {
	if os.Getenv("MMTRACE_KERNEL") == "" {
		t.Skip("set MMTRACE_KERNEL=1 to re-run the goldens on this machine's kernel")
	}
	if !KernelSupported {
		t.Skip(ErrNoKernel)
	}
	rel := readTrim("/proc/sys/kernel/osrelease")
	zero := HostHasZeroPage()
	ran, other := 0, 0
	for _, g := range goldens(t) {
		data, _ := os.ReadFile(g)
		gd, _ := ParseGolden(string(data))
		if gd.Release != rel || gd.Pkeys != HostHasPkeys() {
			t.Fatalf("%s was recorded on %s (pkeys %v), this machine runs %s (pkeys %v): not comparable", g, gd.Release, gd.Pkeys, rel, HostHasPkeys())
		}
		if gd.ZeroPage != zero {
			// The same kernel booted so that mm_forbids_zeropage() differs
			// (pvm_no_zero_page=1): every anonymous read fault differs.
			other++
			continue
		}
		ran++
		want := gd.Out
		tp := strings.TrimSuffix(g, ".golden") + ".trace"
		src, _ := os.ReadFile(tp)
		tr, err := Parse(tp, src)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := RunKernel(tr, src, Options{}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: this kernel differs from the golden: %s", tp, firstDiffAs(got, want, "this kernel", "golden"))
		}
	}
	t.Logf("%d goldens re-run on this kernel; %d skipped, recorded on a kernel whose zero page setting (zero page: %v here) differs", ran, other, zero)
	if ran == 0 {
		t.Skip("no golden was recorded with this machine's zero page setting")
	}
}

// TestFidelity generates fresh random traces, runs each on the kernel and
// on mmcore, and shrinks every mismatch to a minimal trace, which it
// prints (opt-in: MMTRACE_FIDELITY=N traces; MMTRACE_SEED picks the first
// seed, the time otherwise; MMTRACE_PROFILE the generator profile, all
// unless set).
func TestFidelity(t *testing.T) {
	n := 0
	fmt.Sscan(os.Getenv("MMTRACE_FIDELITY"), &n)
	if n == 0 {
		t.Skip("set MMTRACE_FIDELITY=N to compare N fresh random traces with this machine's kernel")
	}
	if !KernelSupported {
		t.Skip(ErrNoKernel)
	}
	seed := time.Now().UnixNano()
	fmt.Sscan(os.Getenv("MMTRACE_SEED"), &seed)
	profile := "all"
	if p := os.Getenv("MMTRACE_PROFILE"); p != "" {
		profile = p
	}
	r := rand.New(rand.NewSource(seed))
	mismatches, unusable, notModelled := 0, 0, 0
	for i := 0; i < n; i++ {
		s := r.Int63()
		src := GenerateProfile(s, profile)
		why, ok := compareKernel("fresh", src)
		if !ok {
			unusable++ // the kernel run is not usable (nondeterministic, or it faulted)
			continue
		}
		if why == "" {
			continue
		}
		if strings.Contains(why, ErrNotModelled.Error()) {
			t.Logf("seed %d: %s", s, why)
			notModelled++
			continue
		}
		mismatches++
		min := Shrink(src, func(c string) bool {
			w, ok := compareKernel("fresh", c)
			return ok && w != "" && !strings.Contains(w, ErrNotModelled.Error())
		})
		mw, _ := compareKernel("fresh", min)
		t.Errorf("seed %d: mmcore differs from the kernel: %s\nminimal trace:\n%s", s, mw, min)
	}
	t.Logf("%d %s traces from seed %d: %d mismatches, %d not modelled yet, %d whose kernel runs were unusable (they differed between runs or faulted where the probe dies)",
		n, profile, seed, mismatches, notModelled, unusable)
}

// compareKernel runs src on the kernel (three times, to drop
// nondeterministic traces) and on mmcore; ok is false when the kernel run
// is not usable as a reference.
func compareKernel(name string, src string) (why string, ok bool) {
	tr, err := Parse(name, []byte(src))
	if err != nil {
		return "", false
	}
	kout, same, err := RunKernel(tr, []byte(src), Options{}, 3)
	if err != nil || !same || strings.Contains(kout, "(the probe dies here)") || strings.Contains(kout, "child died") || strings.Contains(kout, "(the probe hung)") {
		return "", false
	}
	want := strings.TrimSuffix(kout, Trailer(tr.Name, 3, true)) + Trailer(tr.Name, 1, true)
	got, err := RunSim(tr, Options{CPUWithoutPkeys: !HostHasPkeys(), NoZeroPage: !HostHasZeroPage()})
	if err != nil {
		return err.Error(), true
	}
	if got != want {
		return firstDiff(got, want), true
	}
	return "", true
}

// TestShrinkFile shrinks one trace that mmcore gets wrong to a minimal one,
// against this machine's kernel (opt-in: MMTRACE_SHRINK=FILE).
func TestShrinkFile(t *testing.T) {
	path := os.Getenv("MMTRACE_SHRINK")
	if path == "" {
		t.Skip("set MMTRACE_SHRINK=FILE to shrink a mismatching trace against this machine's kernel")
	}
	if !KernelSupported {
		t.Skip(ErrNoKernel)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	why, ok := compareKernel("shrink", string(src))
	if !ok || why == "" {
		t.Fatalf("no usable mismatch (kernel run usable: %v)", ok)
	}
	min := Shrink(string(src), func(c string) bool {
		w, ok := compareKernel("shrink", c)
		return ok && w != "" && !strings.Contains(w, ErrNotModelled.Error())
	})
	mw, _ := compareKernel("shrink", min)
	t.Logf("%s\nminimal trace:\n%s", mw, min)
}

// BenchmarkGoldens runs every golden trace on the simulator; ns/op is per
// trace.
func BenchmarkGoldens(b *testing.B) {
	files, _ := filepath.Glob("testdata/*/*.trace")
	var trs []*Trace
	for _, f := range files {
		src, _ := os.ReadFile(f)
		if tr, err := Parse(f, src); err == nil {
			trs = append(trs, tr)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, _ = RunSim(trs[i%len(trs)], Options{})
		i++
	}
}
