package runtime_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/interp"
	rt "github.com/mmscript/mmscript/runtime"
)

// runWith runs a script under a kernel configuration (an external test
// package may import interp, which imports runtime).
func runWith(t *testing.T, src string, kc rt.KernelConfig) *interp.Result {
	t.Helper()
	p, err := interp.LoadSource("t.mms", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return interp.Run(p, interp.Options{Kernel: kc})
}

// TestKernelVersionsAndBuilds checks that the reaction of a rule follows
// the kernel version where the kernel changed, and the holder of the lock
// where the check is mmap_assert_*() (lockdep in debug builds, a plain
// WARN_ON only when nobody holds the lock), and that a production build
// keeps every finding but says it prints nothing for lockdep and
// debug-only ones.
func TestKernelVersionsAndBuilds(t *testing.T) {
	const remapLive = `
mm m
file dev
vma v = mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev)
thread t {
  mmap_read_lock(m)
  remap_pfn_range(v, 0x800000, 0x90000, pages=1)
  mmap_read_unlock(m)
}
`
	// 6.18's vm_flags_set waits for the VMA's readers: the caller's own.
	const remapUnderVMARead = `
mm m
file dev
vma v = mmap(m, 0x800000, pages=2, prot=rw, flags=shared, file=dev)
thread t {
  mmap_write_lock(m)
  ok = vma_start_read_locked(v)
  remap_pfn_range(v, 0x800000, 0x90000, pages=1)
  mmap_write_unlock(m)
}
`
	const findVMA = `
mm m
mmap(m, 0x100000, pages=1)
thread b {
  mmap_read_lock(m)
  msleep(1)
  msleep(1)
  mmap_read_unlock(m)
}
thread a { msleep(1); find_vma(m, 0x100000) }
thread c { msleep(1); msleep(1); msleep(1); msleep(1); msleep(1); find_vma(m, 0x100000) }
`
	mainline := rt.KernelConfig{}
	v618 := rt.KernelConfig{Version: rt.Linux618}
	prod := rt.KernelConfig{Production: true}
	tests := []struct {
		name     string
		src      string
		kc       rt.KernelConfig
		rule     string
		line     int
		kernel   rt.Reaction
		deadlock bool
		note     bool // the production note
	}{
		{"remap mainline", remapLive, mainline, "remap_pfn_range/needs-mmap-write", 7, rt.Unchecked, false, false},
		{"remap 6.18", remapLive, v618, "remap_pfn_range/needs-mmap-write", 7, rt.WARN, false, false},
		{"remap under own VMA read lock, mainline", remapUnderVMARead, mainline, "", 0, 0, false, false},
		{"remap under own VMA read lock, 6.18", remapUnderVMARead, v618, "", 0, 0, true, false},
		{"find_vma while b holds the lock", findVMA, mainline, "find_vma/needs-mmap-lock", 10, rt.Lockdep, false, false},
		{"find_vma while nobody holds it", findVMA, mainline, "find_vma/needs-mmap-lock", 11, rt.WARN, false, false},
		{"lockdep finding on production", findVMA, prod, "find_vma/needs-mmap-lock", 10, rt.Lockdep, false, true},
		{"WARN finding on production", findVMA, prod, "find_vma/needs-mmap-lock", 11, rt.WARN, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runWith(t, tc.src, tc.kc)
			if res.Deadlock != tc.deadlock {
				t.Errorf("deadlock %v, want %v: %v", res.Deadlock, tc.deadlock, res.Diagnostics)
			}
			if tc.rule == "" {
				return
			}
			var d *rt.Diagnostic
			for _, x := range res.Diagnostics {
				if x.Rule == tc.rule && x.Pos.Line == tc.line {
					d = x
				}
			}
			if d == nil {
				t.Fatalf("no %s at line %d in %v", tc.rule, tc.line, res.Diagnostics)
			}
			if d.Kernel != tc.kernel {
				t.Errorf("kernel: %v, want %v", d.Kernel, tc.kernel)
			}
			note := strings.Contains(d.String(), "a production kernel (without CONFIG_PROVE_LOCKING) prints nothing here")
			if note != tc.note {
				t.Errorf("production note %v, want %v:\n%s", note, tc.note, d)
			}
		})
	}
}

func TestParseKernelFlags(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want rt.KernelVersion
		err  string // a part of the error, "" for none
	}{
		{"", rt.Mainline, ""},
		{"mainline", rt.Mainline, ""},
		{"newest", rt.Mainline, ""},
		{"6.18", rt.Linux618, ""},
		{"4.19", rt.OldestKernel, ""},
		{"5.15", rt.Version(5, 15), ""},
		{"6.1", rt.Version(6, 1), ""},
		{"4.14", 0, "older than mmscript models"},
		{"6.19", 0, "newer than the last release"},
		{"7.0", 0, "newer than the last release"},
		{"5", 0, "unknown kernel"},
		{"5.15.3", 0, "unknown kernel"},
		{"v5.15", 0, "unknown kernel"},
		{"5.x", 0, "unknown kernel"},
	} {
		v, err := rt.ParseKernelVersion(tc.in)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want one saying %q", tc.in, err, tc.err)
		case tc.err == "" && v != tc.want:
			t.Errorf("%q: %v, want %v", tc.in, v, tc.want)
		}
	}
}

// TestKernelVersionOrder: versions compare as LINUX_VERSION_CODE does,
// mainline after every release.
func TestKernelVersionOrder(t *testing.T) {
	for _, tc := range []struct {
		a, b   rt.KernelVersion
		before bool
	}{
		{rt.Version(5, 15), rt.Version(6, 4), true},
		{rt.Version(6, 4), rt.Version(6, 4), false},
		{rt.Version(6, 10), rt.Version(6, 9), false},
		{rt.Version(5, 19), rt.Version(6, 0), true},
		{rt.Linux618, rt.Mainline, true},
		{rt.Mainline, rt.Linux618, false},
		{rt.Mainline, rt.Mainline, false},
	} {
		if got := tc.a.Before(tc.b); got != tc.before {
			t.Errorf("%v.Before(%v) = %v, want %v", tc.a, tc.b, got, tc.before)
		}
	}
	if c := rt.Version(5, 15).Code(); c != 5<<16|15<<8 {
		t.Errorf("5.15's code %#x, want KERNEL_VERSION(5, 15, 0)", c)
	}
	if rt.Mainline.Code() <= rt.Linux618.Code() {
		t.Errorf("mainline's code %#x is not above 6.18's", rt.Mainline.Code())
	}
}

func TestParseKernelBuild(t *testing.T) {
	if p, err := rt.ParseKernelBuild("production"); !p || err != nil {
		t.Errorf("production: %v %v", p, err)
	}
	if _, err := rt.ParseKernelBuild("release"); err == nil {
		t.Error("release accepted")
	}
}

// TestZapSpecialVMARangeMixedmap: zap_vma_ptes() became
// zap_special_vma_range() in 7.1 and acts on VM_MIXEDMAP VMAs too
// (mm/memory.c at linux-mm 009857a22860); 6.18's only on VM_PFNMAP ones.
func TestZapSpecialVMARangeMixedmap(t *testing.T) {
	const src = `mm m
file dev
vma v = mmap(m, 0x200000, pages=1, prot=rw, flags=shared, file=dev, vm=mixedmap)
touch(m, 0x200000, write)
thread t {
  mmap_read_lock(m)
  zap_vma_ptes(v, 0x200000, pages=1)
  mmap_read_unlock(m)
}
`
	for _, tc := range []struct {
		kc     rt.KernelConfig
		noop   bool
		kernel string
	}{{rt.KernelConfig{}, false, "mainline"}, {rt.KernelConfig{Version: rt.Linux618}, true, "6.18"}} {
		res := runWith(t, src, tc.kc)
		noop := false
		for _, d := range res.Diagnostics {
			if d.Rule == "zap_vma_ptes/not-pfnmap" {
				noop = true
			}
		}
		if noop != tc.noop {
			t.Errorf("%s: zap_vma_ptes on a VM_MIXEDMAP VMA reported as a no-op: %v, want %v (%v)", tc.kernel, noop, tc.noop, res.Diagnostics)
		}
	}
}

// TestKillableLocksMustCheck: mmap_read_lock_killable() and
// mmap_write_lock_killable() are __must_check since 52f657e34d7b, so a
// discarded result is a build-time finding in mainline; 6.18 declares
// them without it and the compiler says nothing. A tested result is no
// finding in either.
func TestKillableLocksMustCheck(t *testing.T) {
	for _, name := range []string{"mmap_read_lock_killable", "mmap_write_lock_killable"} {
		unlock := "mmap_read_unlock"
		if strings.Contains(name, "write") {
			unlock = "mmap_write_unlock"
		}
		dropped := "mm m\nthread t {\n  " + name + "(m)\n  " + unlock + "(m)\n}\n"
		tested := "mm m\nthread t {\n  if " + name + "(m) == 0 {\n    " + unlock + "(m)\n  }\n}\n"
		for _, tc := range []struct {
			what string
			src  string
			kc   rt.KernelConfig
			want bool
		}{
			{"dropped, mainline", dropped, rt.KernelConfig{}, true},
			{"dropped, 6.18", dropped, rt.KernelConfig{Version: rt.Linux618}, false},
			{"tested, mainline", tested, rt.KernelConfig{}, false},
		} {
			t.Run(name+" "+tc.what, func(t *testing.T) {
				res := runWith(t, tc.src, tc.kc)
				var got []string
				for _, d := range res.Diagnostics {
					got = append(got, d.Rule)
					if d.Rule == name+"/result-unused" && (d.Pos.Line != 3 || d.Kernel != rt.BuildTime) {
						t.Errorf("%s at line %d, kernel %v; want line 3, build-time", d.Rule, d.Pos.Line, d.Kernel)
					}
				}
				if want := []string{name + "/result-unused"}; tc.want && !slices.Equal(got, want) || !tc.want && len(got) != 0 {
					t.Errorf("findings %v, want result-unused: %v", got, tc.want)
				}
			})
		}
	}
}

// TestVMAAssertLockedVersions: mainline's vma_assert_locked() checks this
// task's hold with lockdep (lock_is_held() of the VMA's map); 6.18's is
// VM_BUG_ON_VMA(vm_refcnt <= 1 && !write-locked), which another task's
// read lock satisfies. vma_assert_stabilised() and vma_set_atomic_flag()
// do not exist in 6.18.
func TestVMAAssertLockedVersions(t *testing.T) {
	const otherReader = `mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
thread r {
  mmap_read_lock(m)
  ok = vma_start_read_locked(v)
  mmap_read_unlock(m)
  msleep(1)
  msleep(1)
  vma_end_read(v)
}
thread t {
  msleep(1)
  vma_assert_locked(v)
}
`
	const nobody = `mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
thread t { vma_assert_locked(v) }
`
	const stabilised = `mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
thread t { vma_assert_stabilised(v) }
`
	const atomicFlag = `mm m
vma v = mmap(m, 0x200000, pages=1, prot=rw)
thread t {
  mmap_read_lock(m)
  vma_set_atomic_flag(v, maybe_guard)
  mmap_read_unlock(m)
}
`
	mainline, v618 := rt.KernelConfig{}, rt.KernelConfig{Version: rt.Linux618}
	for _, tc := range []struct {
		name   string
		src    string
		kc     rt.KernelConfig
		want   string // the rule reported on the assertion's line, or ""
		line   int
		source string // a part of the diagnostic's source
		err    bool
	}{
		{"another task's read lock, mainline", otherReader, mainline, "vma_assert_locked/not-locked", 13, "lock_is_held", false},
		{"another task's read lock, 6.18", otherReader, v618, "", 13, "", false},
		{"no lock, mainline", nobody, mainline, "vma_assert_locked/not-locked", 3, "lock_is_held", false},
		{"no lock, 6.18", nobody, v618, "vma_assert_locked/not-locked", 3, "VM_BUG_ON_VMA", false},
		{"stabilised, mainline", stabilised, mainline, "vma_assert_stabilised/not-stabilised", 3, "vma_assert_stabilised()", false},
		{"stabilised, 6.18", stabilised, v618, "", 3, "", true},
		{"atomic flag, 6.18", atomicFlag, v618, "", 5, "", true},
		{"atomic flag, mainline", atomicFlag, mainline, "", 5, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runWith(t, tc.src, tc.kc)
			var got *rt.Diagnostic
			errs := 0
			for _, d := range res.Diagnostics {
				if d.Kind == rt.Error {
					errs++
				}
				if d.Kind == rt.Violation && d.Pos.Line == tc.line {
					got = d
				}
			}
			if (errs > 0) != tc.err {
				t.Errorf("errors %d, want error %v: %v", errs, tc.err, res.Diagnostics)
			}
			switch {
			case tc.want == "" && got != nil:
				t.Errorf("reported %s: %v", got.Rule, got)
			case tc.want != "" && (got == nil || got.Rule != tc.want):
				t.Fatalf("want %s at line %d, got %v", tc.want, tc.line, res.Diagnostics)
			case tc.want != "" && !strings.Contains(got.Source, tc.source):
				t.Errorf("source %q lacks %q", got.Source, tc.source)
			}
		})
	}
}

// TestMmapAssertNamesEveryHolder: a failed mmap_assert_locked() while
// other tasks hold the mmap lock names every holder, not the first in
// task order, which would be another thread in a symmetric image of the
// state (its finding then not the image's: TestSymmetryIsSound... found
// it on a generated script).
func TestMmapAssertNamesEveryHolder(t *testing.T) {
	const src = `
mm m
mmap(m, 0x100000, pages=1)
thread b {
  mmap_read_lock(m)
  msleep(1)
  msleep(1)
  mmap_read_unlock(m)
}
thread c {
  mmap_read_lock(m)
  msleep(1)
  msleep(1)
  mmap_read_unlock(m)
}
thread a { msleep(1); find_vma(m, 0x100000) }
`
	res := runWith(t, src, rt.KernelConfig{})
	var d *rt.Diagnostic
	for _, x := range res.Diagnostics {
		if x.Rule == "find_vma/needs-mmap-lock" {
			d = x
		}
	}
	if d == nil {
		t.Fatalf("no find_vma/needs-mmap-lock finding: %v", res.Diagnostics)
	}
	var lines []int
	for _, r := range d.Related {
		if strings.Contains(r.Msg, "holds m->mmap_lock") {
			lines = append(lines, r.Pos.Line)
		}
	}
	slices.Sort(lines)
	if !slices.Equal(lines, []int{5, 11}) {
		t.Errorf("holders named at lines %v, want both read holds (5, 11): %+v", lines, d.Related)
	}
}
