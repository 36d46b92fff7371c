package interp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// The kernel library compiles, and every function in it cites its kernel
// source in the comment above it.
func TestKernelLibraryCompiles(t *testing.T) {
	lib, err := kernelFuncs()
	if err != nil {
		t.Fatal(err)
	}
	if len(lib) == 0 {
		t.Fatal("empty kernel library")
	}
	load(t, "mm m\n") // compiles every library function into the program
	for _, src := range rt.KernelLibrary() {
		if out, err := lang.Format(src.Name, src.Text); err != nil || string(out) != string(src.Text) {
			t.Errorf("%s is not in the canonical layout (mmscript fmt -w runtime/%s): %v", src.Name, src.Name, err)
		}
	}
	for _, d := range lib {
		text, file, _, ok := rt.KernelPathSource(d.Def.Name)
		if !ok || !strings.HasPrefix(file, "kernel/") {
			t.Errorf("%s: no source", d.Def.Name)
			continue
		}
		if !strings.Contains(strings.SplitN(text, "func ", 2)[0], ".c: ") {
			t.Errorf("%s (%s) does not cite its kernel source (mm/FILE.c: function()) above it", d.Def.Name, d.Pos)
		}
	}
}

// munmap runs as kernel/munmap.mms: blocked in vms_gather_munmap_vmas on
// the VMA a reader holds, the unmapper waits at the library's line, with
// the script's call among the related lines. The cycle: reader holds the
// VMA read lock and waits for gate; holder holds gate and waits for the
// mmap lock munmap holds for write; munmap waits for the VMA's reader.
func TestMunmapWaitsInsideKernelPath(t *testing.T) {
	src := `mm m
mutex gate
vma v = mmap(m, 0x300000, pages=4)
thread reader {
  vma r = lock_vma_under_rcu(m, 0x300000)
  mutex_lock(gate)
}
thread holder {
  mutex_lock(gate)
  mmap_read_lock(m)
}
thread unmapper { munmap(m, 0x300000, pages=4) }
`
	sched := []string{"reader", "holder", "unmapper", "unmapper", "unmapper", "holder", "reader"}
	res := run(t, src, Options{Schedule: sched})
	d := deadlockOf(res)
	if d == nil {
		t.Fatalf("no deadlock: %s", diagLines(res))
	}
	var at string
	for _, r := range d.Related {
		if strings.Contains(r.Msg, "unmapper blocks here") {
			at = r.Pos.String()
		}
	}
	_, file, line, _ := rt.KernelPathSource("do_vmi_align_munmap")
	if want := fmt.Sprintf("%s:%d:", file, line+1); !strings.HasPrefix(at, want) {
		t.Errorf("unmapper blocks at %q, want %s (vms_gather_munmap_vmas in do_vmi_align_munmap)\n%s", at, want, diagLines(res))
	}
	if !strings.Contains(d.Msg, "unmapper waits for vma[0x300000-0x304000]->vm_lock") {
		t.Errorf("deadlock: %s", d.Msg)
	}
}

// Script threads run inside munmap: after mmap_write_downgrade a reader
// of the mmap lock gets in while ->close runs (audit §2.1), and
// lock_vma_under_rcu never returns a VMA the gather detached, in any
// interleaving. A one-step munmap let no reader in.
func TestThreadsInterleaveInsideMunmap(t *testing.T) {
	p := load(t, `mm m
file dev
closing = 0
ops drv {
  close(vma) {
    closing = 1
    msleep(1)
    closing = 2
  }
}
vma v = mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
thread unmapper { munmap(m, 0x100000, pages=2) }
thread reader {
  mmap_read_lock(m)
  print(closing)
  mmap_read_unlock(m)
}
thread faulter {
  vma r = lock_vma_under_rcu(m, 0x100000)
  if r {
    assert r.attached, "lock_vma_under_rcu returned a detached VMA"
    vma_end_read(r)
  }
}
`)
	res := Explore(p, ExploreOptions{})
	if !res.Complete || len(res.Findings) != 0 {
		t.Fatalf("complete=%v findings=%v", res.Complete, res.Findings)
	}
	found := false
	for n := 1; n < 40 && !found; n++ {
		var sched []string
		for range n {
			sched = append(sched, "unmapper")
		}
		sched = append(sched, "reader", "reader")
		var out strings.Builder
		Run(p, Options{Schedule: sched, Output: &out}) // a replay may stop where the reader waits
		found = strings.Contains(out.String(), "reader: 1\n")
	}
	if !found {
		t.Error("no schedule let an mmap_read_lock reader in while munmap's ->close ran")
	}
}

// A script's function of a library function's name replaces it, for the
// library's own calls too: a pre-downgrade munmap (->close under the write
// lock) makes probe p5 clean; a wrong parameter count is an error.
func TestScriptOverridesKernelPath(t *testing.T) {
	src := `mm m
file dev
ops drv {
  close(vma) { vm_flags_set(vma, VM_DONTDUMP) }
}
mmap(m, 0x100000, pages=2, prot=rw, flags=shared, file=dev, ops=drv)
thread t { munmap(m, 0x100000, pages=2) }
`
	if res := run(t, src, Options{}); len(res.Diagnostics) != 1 || res.Diagnostics[0].Rule != "vm_flags/needs-mmap-write" {
		t.Fatalf("library munmap: %s", diagLines(res))
	}
	// vms_complete_munmap_vmas before the downgrade was added: ->close
	// under the write lock.
	old := src + `func vms_complete_munmap_vmas(mm, vms) {
  vms_clear_ptes(mm, vms)
  for i in 0..vms.vma_count {
    remove_vma(vms_detached_vma(vms, i))
  }
  mmap_write_unlock(mm)
}
`
	if res := run(t, old, Options{}); len(res.Diagnostics) != 0 {
		t.Fatalf("overridden munmap: %s", diagLines(res))
	}
	// The kernel's parameters: touch faults through the script's version
	// (a pre-fix arch fault path); v6.1's do_user_addr_fault(mm, address)
	// is runtime/testdata/bug_stackrot_v61_expand_stack.mms.
	arch := "mm m\nmmap(m, 0x100000, pages=1, prot=rw)\n" +
		"func do_user_addr_fault(mm, error_code, address) {\n  print(error_code, address)\n  return VM_FAULT_SIGSEGV\n}\n" +
		"thread t { assert !touch(m, 0x100000, write) }\n"
	out1 := &strings.Builder{}
	if res := run(t, arch, Options{Output: out1}); len(res.Diagnostics) != 0 || out1.String() != "t: 6 0x100000\n" {
		t.Errorf("own do_user_addr_fault(mm, error_code, address): %q %s", out1.String(), diagLines(res))
	}
	// Other parameters: a function of another kernel version, which the
	// script calls and the library does not (munmap still zaps through
	// its own vms_clear_ptes and reports the same finding).
	other := src + "func vms_clear_ptes(mm) {\n  print(\"own\")\n}\nthread u { vms_clear_ptes(m) }\n"
	out0 := &strings.Builder{}
	if res := run(t, other, Options{Output: out0}); len(res.Diagnostics) != 1 || res.Diagnostics[0].Rule != "vm_flags/needs-mmap-write" || out0.String() != "u: \"own\"\n" {
		t.Errorf("vms_clear_ptes(mm) beside the library's: %q %s", out0.String(), diagLines(res))
	}
	// The path op itself: the script's munmap takes the operation's
	// parameters, bound by name as the operation binds them.
	own := src + `func munmap(mm, start, size, pages) {
  print(start, size, pages)
  return 0
}
`
	var out strings.Builder
	if res := run(t, own, Options{Output: &out}); len(res.Diagnostics) != 0 || out.String() != "t: 0x100000 0 2\n" {
		t.Errorf("own munmap: %q %s", out.String(), diagLines(res))
	}
	// A pre-fix path with the pre-fix types: v6.1's expand_stack(vma,
	// address) where mainline has expand_stack(mm, addr). The script's
	// function takes what its own parameters take.
	v61 := `mm m
vma s = mmap(m, 0x7ff000, pages=1, prot=rw, flags=private|growsdown)
func expand_stack(vma, address) {
  print(vma.vm_start, address)
  return 0
}
thread t {
  mmap_read_lock(m)
  expand_stack(s, 0x7fe000)
  mmap_read_unlock(m)
}
`
	out.Reset()
	if res := run(t, v61, Options{Output: &out}); len(res.Diagnostics) != 0 || out.String() != "t: 0x7ff000 0x7fe000\n" {
		t.Errorf("own expand_stack(vma, address): %q %s", out.String(), diagLines(res))
	}
	// lock_vma_under_rcu is the library's (kernel/vma_lock.mms), so a
	// script's own replaces it where the fault path calls it: a user
	// fault reaches the script's, which fails, and the fault falls back
	// to the mmap lock (v6.4's, with its anon_vma check before the lock,
	// is examples/bugs/lock-vma-anon-vma-buggy.mms).
	vl := "mm m\nmmap(m, 0x100000, pages=1, prot=rw)\n" +
		"func lock_vma_under_rcu(mm, address) {\n  print(address)\n  return nil\n}\n" +
		"thread t { assert touch(m, 0x100000, write) }\n"
	out.Reset()
	if res := run(t, vl, Options{Output: &out}); len(res.Diagnostics) != 0 || out.String() != "t: 0x100000\n" {
		t.Errorf("own lock_vma_under_rcu(mm, address): %q %s", out.String(), diagLines(res))
	}
	// Without the override the library's types still apply: on mainline
	// expand_stack(vma, address) is an error at the call (the kernel line
	// of a pre-6.5 script binds it), decided at run time, as the kernel
	// version is.
	if res := run(t, "mm m\nvma s = mmap(m, 0x7ff000, pages=1, flags=growsdown)\nthread t { expand_stack(s, 0x7fe000) }\n", Options{}); !strings.Contains(diagLines(res), "expand_stack: argument mm must be mm, got vma") {
		t.Errorf("library expand_stack(vma, ...): %s", diagLines(res))
	}
}

// A finding inside the library prints at the library's line, with the
// script's call among its related lines and the path in the call path.
func TestFindingInsideKernelPath(t *testing.T) {
	res := run(t, `mm m
mmap(m, 0x100000, pages=2)
thread t {
  spin_lock(m.page_table_lock)
  munmap(m, 0x100000, pages=2)
  spin_unlock(m.page_table_lock)
}
`, Options{})
	var d *rt.Diagnostic
	for _, x := range res.Diagnostics {
		if x.Rule == "lock/sleep-in-atomic" && d == nil {
			d = x
		}
	}
	if d == nil {
		t.Fatalf("no sleep in atomic: %s", diagLines(res))
	}
	if !strings.HasPrefix(d.Pos.String(), "kernel/munmap.mms:") {
		t.Errorf("finding at %s, want inside kernel/munmap.mms", d.Pos)
	}
	called := false
	for _, r := range d.Related {
		called = called || r.Pos.Filename == "test.mms" && r.Pos.Line == 5 && strings.Contains(r.Msg, "munmap() called here")
	}
	if !called || len(d.Path) == 0 || d.Path[0] != "munmap" {
		t.Errorf("related %v, path %v", d.Related, d.Path)
	}
}

// At the prompt munmap is the kernel library's path too: ->close runs
// under the read lock munmap downgraded to.
func TestSessionRunsKernelPath(t *testing.T) {
	var out strings.Builder
	s := NewSession(SessionOptions{Output: &out})
	for _, l := range []string{
		"mm m", "file dev",
		"ops drv { close(vma) { print(m.mmap_lock.held, vma.vm_start) } }",
		"vma v = mmap(m, 0x100000, pages=2, flags=shared, file=dev, ops=drv)",
		"rc = munmap(m, 0x101000, pages=1)",
	} {
		if err := s.Eval(l); err != nil {
			t.Fatalf("Eval(%q): %v", l, err)
		}
	}
	if got := out.String(); got != "main: true 0x101000\n" {
		t.Errorf("output %q", got)
	}
	if n := len(s.Kernel().Diagnostics()); n != 0 {
		t.Errorf("%d findings", n)
	}
}

// mmap runs as kernel/mmap.mms: a MAP_FIXED mapping waits, inside
// vms_gather_munmap_vmas, for the reader of the VMA it replaces and
// changes nothing meanwhile; then it replaces the old mapping with a new
// VMA and returns with no lock held. Checked over
// every interleaving.
func TestMmapFixedWaitsForVMAReader(t *testing.T) {
	p := load(t, `mm m
vma old = mmap(m, 0x400000, pages=2, prot=rw)
touch(m, 0x400000, write)
thread reader {
  vma r = lock_vma_under_rcu(m, 0x401000)
  if r {
    if r == old {
      msleep(1)
      assert r.attached, "the old mapping changed under its reader"
    }
    vma_end_read(r)
  }
}
thread mapper {
  vma v = mmap(m, 0x400000, pages=2, prot=rw)
  assert v && v != old
  assert v.vm_start == 0x400000 && v.vm_end == 0x402000
  assert !m.mmap_lock.held
  assert !old.attached
}
`)
	ex := Explore(p, ExploreOptions{})
	if !ex.Complete || len(ex.Findings) != 0 {
		t.Fatalf("complete=%v findings=%v", ex.Complete, ex.Findings)
	}
}

// The kernel library's mmap lays out VMAs as the kernel does: the
// real-kernel observations of shared/reference/kernel-vma-fidelity.md
// (scenarios 1 and 8) replayed as a script. Adjacent anonymous mappings
// with equal flags merge; a MAP_FIXED overlay inside a faulted VMA with
// the same flags merges back into one VMA; MAP_NORESERVE and MAP_STACK
// neighbours do not merge; MAP_FIXED_NOREPLACE over a mapping fails.
func TestMmapLayoutMatchesKernel(t *testing.T) {
	p := load(t, `mm m
P = PAGE_SIZE
W = 0x20000000
vma a = mmap(m, W + 16 * P, pages=4, prot=rw)
vma b = mmap(m, W + 20 * P, pages=4, prot=rw)
assert b == a && a.vm_start == W + 16 * P && a.vm_end == W + 24 * P, "two adjacent rw anon maps merge"
vma c = mmap(m, W + 24 * P, pages=4, prot=rw, flags=private|noreserve)
vma d = mmap(m, W + 28 * P, pages=4, prot=rw, flags=private|stack)
assert c != a && d != c && c.vm_start == W + 24 * P && d.vm_start == W + 28 * P, "noreserve and MAP_STACK neighbours stay apart"
vma e = mmap(m, W + 64 * P, pages=8, prot=rw)
for i in 0..8 {
  touch(m, W + (64 + i) * P, write)
}
vma f = mmap(m, W + 66 * P, pages=2, prot=rw)
assert f.vm_start == W + 64 * P && f.vm_end == W + 72 * P, "a MAP_FIXED overlay inside a faulted VMA merges back"
assert !mmap(m, W + 64 * P, pages=2, prot=rw, flags=private|fixed_noreplace), "MAP_FIXED_NOREPLACE over a mapping fails"
vma g = mmap(m, W + 100 * P, pages=4, prot=rw, flags=private|populate)
mmap_read_lock(m)
assert follow_page_mask(g, W + 103 * P, 0), "MAP_POPULATE faults the range in"
mmap_read_unlock(m)
`)
	res := Run(p, Options{})
	if len(res.Diagnostics) != 0 {
		t.Fatalf("%s", diagLines(res))
	}
}

// TestKernelLibraryCondResched: where the kernel calls cond_resched() (the
// end of madvise_free_pte_range() and madvise_cold_or_pageout_pte_range(),
// each PMD of change_pmd_range()), the library does too, not a bare
// might_sleep(): inside an RCU reader that is also cond_resched/rcu-reader
// (with non-preemptible RCU it reports a quiescent state), and it yields.
func TestKernelLibraryCondResched(t *testing.T) {
	for _, tc := range []struct{ name, call, file string }{
		{"MADV_FREE", "madvise(m, 0x100000, PAGE_SIZE, MADV_FREE)", "kernel/madvise.mms:"},
		{"MADV_COLD", "madvise(m, 0x100000, PAGE_SIZE, MADV_COLD)", "kernel/madvise.mms:"},
		{"mprotect", "mprotect(m, 0x100000, PAGE_SIZE, r)", "kernel/mprotect.mms:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "mm m\nvma v = mmap(m, 0x100000, pages=2, prot=rw, flags=private)\ntouch(m, 0x100000, write)\n" +
				"thread t {\n  rcu_read_lock()\n  " + tc.call + "\n  rcu_read_unlock()\n}\n"
			got := diagLines(run(t, src, Options{}))
			found := false
			for _, l := range strings.Split(got, "\n") {
				found = found || strings.HasPrefix(l, tc.file) && strings.Contains(l, "cond_resched/rcu-reader: cond_resched() inside an RCU read-side critical section")
			}
			if !found {
				t.Errorf("%s under rcu_read_lock(): no cond_resched/rcu-reader in %s; findings:\n%s", tc.call, tc.file, got)
			}
		})
	}
}
