package interp

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	rt "github.com/mmscript/mmscript/runtime"
)

// gotoRunTests run scripts with gotos and compare what they print (which
// statements ran, in order) and the findings of the run (a lock a goto
// skipped the release of is still held at the end).
var gotoRunTests = []struct {
	name, src, out, diags string
}{
	{"out_unlock, taken and not", `mm m
mmap(m, 0x10000, pages=1)
func f(m, addr) {
  ret = -14
  mmap_read_lock(m)
  vma = find_vma(m, addr)
  if !vma { goto out_unlock }
  print("found")
  ret = 0
out_unlock:
  mmap_read_unlock(m)
  return ret
}
print(f(m, 0x10000))
print(f(m, 0x90000))
`, "main: \"found\"\nmain: 0\nmain: -14\n", ""},
	{"a goto past the unlock leaves the lock held", `mm m
mmap(m, 0x10000, pages=1)
thread t {
  mmap_read_lock(m)
  vma = find_vma(m, 0x90000)
  if !vma { goto out }
  mmap_read_unlock(m)
out:
  print("out")
}
`, "t: \"out\"\n", "test.mms:10:1: lock/held-at-exit: thread t exits holding m->mmap_lock (read) "},
	{"backward: retry", `n = 0
retry:
n += 1
print(n)
if n < 3 { goto retry }
print("done")
`, "main: 1\nmain: 2\nmain: 3\nmain: \"done\"\n", ""},
	{"a label at the end of a block", `thread t {
  goto end
  print("skipped")
end:
}
`, "", ""},
	// Out of a for_each_vma loop and back before it: the loop starts
	// again from the first VMA (its iterator afresh, as after break).
	{"out of a vmas loop and in again", `mm m
mmap(m, 0x10000, pages=1)
mmap(m, 0x20000, pages=1)
mmap(m, 0x30000, pages=1)
thread t {
  passes = 0
  mmap_read_lock(m)
again:
  passes += 1
  for vma in vmas(m) {
    print(vma.vm_start)
    if passes == 1 && vma.vm_start == 0x20000 { goto again }
  }
  mmap_read_unlock(m)
  print(passes)
}
`, "t: 0x10000\nt: 0x20000\nt: 0x10000\nt: 0x20000\nt: 0x30000\nt: 2\n", ""},
	// Out of an inner counting loop to the end of the outer loop's
	// body: the outer loop goes on with its own counter.
	{"out of an inner for loop", `thread t {
  for i in 0..3 {
    for j in 0..3 {
      if j == 2 { goto next }
      print(i * 10 + j)
    }
    print(99)
  next:
    print(100 + i)
  }
  print(i)
}
`, "t: 0\nt: 1\nt: 100\nt: 10\nt: 11\nt: 101\nt: 20\nt: 21\nt: 102\nt: 3\n", ""},
	{"out of a repeat and a while", `thread t {
  n = 0
  repeat 5 {
    while true {
      n += 1
      if n == 2 { goto out }
    }
  }
out:
  print(n)
}
`, "t: 2\n", ""},
	// A variable declared before the goto keeps its value.
	{"a forward goto over code", `func f(x) {
  y = x
  if x > 1 { goto big }
  y = 0
big:
  return y
}
print(f(1))
print(f(5))
`, "main: 0\nmain: 5\n", ""},
}

func TestGotoRuns(t *testing.T) {
	for _, tc := range gotoRunTests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			res := run(t, tc.src, Options{Output: &out})
			if got := out.String(); got != tc.out {
				t.Errorf("printed\n%s\nwant\n%s", got, tc.out)
			}
			got := diagLines(res)
			if tc.diags == "" && got != "" || !strings.HasPrefix(got, tc.diags) {
				t.Errorf("diagnostics\n%s\nwant one starting %q", got, tc.diags)
			}
		})
	}
}

// A goto that jumps back forever is stopped by the step limit, as a
// while loop is.
func TestGotoStepLimit(t *testing.T) {
	res := run(t, "thread t {\n  n = 0\nspin:\n  n += 1\n  goto spin\n}\n", Options{MaxSteps: 50})
	if !res.StepLimit {
		t.Fatalf("no step limit: %s", diagLines(res))
	}
	if got := diagLines(res); !strings.Contains(got, "step limit of 50 statements exceeded by thread t") {
		t.Errorf("%s", got)
	}
}

// gotoRetry and whileRetry are one kernel retry loop written with goto
// and with while/continue/break, the statements that make steps at the
// same lines and columns: a walker that re-takes the mmap lock and uses
// the VMA it found before it dropped it (a use after unmap when the
// unmapper ran in between).
const gotoRetry = `mm m
mmap(m, 0x700000, pages=4, prot=rw)
thread unmapper {
  munmap(m, 0x700000, pages=4)
}
thread walker {
  tries = 0
  stale = nil
retry:
  mmap_read_lock(m)
  if stale { zap_vma_range(stale, 0x700000, pages=1) }
  vma = find_vma(m, 0x700000)
  if !vma { goto out_unlock }
  stale = vma
  tries += 1
  if tries < 2 {
  mmap_read_unlock(m)
  goto retry
  }
out_unlock:
  mmap_read_unlock(m)
}
expect violation "vma/use-after-unmap" at 11 sometimes
`

const whileRetry = `mm m
mmap(m, 0x700000, pages=4, prot=rw)
thread unmapper {
  munmap(m, 0x700000, pages=4)
}
thread walker {
  tries = 0
  stale = nil
while true {
  mmap_read_lock(m)
  if stale { zap_vma_range(stale, 0x700000, pages=1) }
  vma = find_vma(m, 0x700000)
  if !vma { break }
  stale = vma
  tries += 1
  if tries < 2 {
  mmap_read_unlock(m)
  continue
  }
break }
  mmap_read_unlock(m)
}
expect violation "vma/use-after-unmap" at 11 sometimes
`

// A goto is no step of the schedule: the explorer finds in the script
// written with goto what it finds in the one written with while and
// continue, in as many executions, with the same schedules.
func TestExploreGotoAsWhile(t *testing.T) {
	summary := func(src string) string {
		p := load(t, src)
		res := Explore(p, ExploreOptions{Workers: 1})
		var b strings.Builder
		fmt.Fprintf(&b, "complete=%v executions=%d\n", res.Complete, res.Executions)
		for _, f := range res.Findings {
			fmt.Fprintf(&b, "%s x%d [%s]\n", f.Key, f.Count, FormatSchedule(f.Schedule))
		}
		for _, v := range Verdicts(p, res) {
			fmt.Fprintf(&b, "verdict %v %v\n", v.Verdict, v.Holds)
		}
		if findingOf(res, rt.Violation) == nil {
			t.Errorf("no violation found:\n%s", b.String())
		}
		return b.String()
	}
	g, w := summary(gotoRetry), summary(whileRetry)
	if g != w {
		t.Errorf("goto:\n%s\nwhile:\n%s", g, w)
	}
	t.Logf("%s", g)
}

// A session runs a chunk's gotos; a top-level label may not be one an
// earlier chunk defined, since the saved session is one script.
func TestSessionGoto(t *testing.T) {
	var out bytes.Buffer
	s := newTestSession(&out)
	evalAll(t, s, "n = 0\nretry:\nn += 1\nif n < 3 { goto retry }\nprint(n)")
	if got := out.String(); got != "main: 3\n" {
		t.Errorf("output %q", got)
	}
	err := s.Eval("retry:\nn += 1\nif n < 5 { goto retry }")
	if err == nil || !strings.Contains(err.Error(), "label retry already defined at") {
		t.Errorf("a label defined again: %v", err)
	}
	evalAll(t, s, "again:\nn += 1\nif n < 5 { goto again }", "print(n)")
	if got := out.String(); got != "main: 3\nmain: 5\n" {
		t.Errorf("output %q", got)
	}
	script, _ := s.Script()
	if _, err := LoadSource("session.mms", []byte(script)); err != nil {
		t.Errorf("the saved session does not compile: %v\n%s", err, script)
	}
}
