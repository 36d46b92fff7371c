package interp

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mmscript/mmscript/lang"
)

// TestTypecheckAccepts: the type check never rejects a script that can
// run right. Each script here is well typed on every path, though a
// variable changes type, holds nil, or comes through a func parameter.
func TestTypecheckAccepts(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"a variable of two types", "mm m\nx = 1\nx = m\nthread t { mmap_read_lock(x); mmap_read_unlock(x) }\n"},
		{"nil, then an object", "mm m\nthread t {\n  v = nil\n  mmap_read_lock(m)\n  v = find_vma(m, 0)\n  if v != nil { x = v.vm_start }\n  mmap_read_unlock(m)\n}\n"},
		{"a declared object may be nil", "thread t { vma v = nil\n  if v != nil { x = v.vm_end } }\n"},
		{"words from a string variable", "mm m\np = \"rw\"\nmmap(m, 0x10000, pages=1, prot=p)\n"},
		{"words combined", "mm m\nmmap(m, 0x10000, pages=1, prot=read|write, flags=private|populate)\n"},
		{"a word that is also a constant", "mm m\nfile f\nmmap(m, 0x10000, pages=1, flags=shared, file=f, vm=mixedmap)\n"},
		{"func parameters", "mm m\nfunc lk(x) { mmap_read_lock(x) }\nfunc ul(x) { mmap_read_unlock(x) }\nthread t { lk(m); ul(m) }\n"},
		{"a func of two result types", "mm m\nfunc pick(c) {\n  if c { return 1 }\n  return m\n}\nthread t { mmap_read_lock(pick(false)); mmap_read_unlock(m) }\n"},
		{"a func that may return nil", "mm m\nfunc get(c) {\n  if c { return m }\n}\nthread t { x = get(true)\n  mmap_read_lock(x); mmap_read_unlock(m) }\n"},
		{"a recursive func", "mm m\nfunc r(n) {\n  if n == 0 { return m }\n  return r(n - 1)\n}\nthread t { mmap_read_lock(r(3)); mmap_read_unlock(m) }\n"},
		{"a func result", "mm m\nfunc get() { return m }\nthread t { mmap_read_lock(get()); mmap_read_unlock(m) }\n"},
		{"a global a thread reassigns", "mm m\nx = 5\nthread t { x = m\n  mmap_read_lock(x)\n  mmap_read_unlock(x) }\n"},
		{"a local shadowing a global", "x = 5\nmm m\nthread t { mm x\n  mmap_read_lock(x)\n  mmap_read_unlock(x) }\n"},
		{"handler parameters", "ops o { fault(vmf) { v = vmf.vma\n  x = v.vm_start + vmf.pgoff\n  return VM_FAULT_SIGBUS }\n  mmap(file, vma) { return 0 }\n  pte_entry(addr, pfn) { return addr + pfn } }\n"},
		{"a lock field", "mm m\nthread t { l = m.mmap_lock\n  assert !l.held }\n"},
		{"ints combined with |", "x = VM_READ | VM_WRITE\ny = x & VM_READ\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := LoadSource("test.mms", []byte(tc.src)); err != nil {
				t.Errorf("rejected:\n%v", err)
			}
		})
	}
}

// BenchmarkCompileTypecheck compiles a 10,000-statement script, type
// check included, and reports statements per second.
func BenchmarkCompileTypecheck(b *testing.B) {
	var src strings.Builder
	src.WriteString("mm m\nfile f\nvma v = mmap(m, 0x100000, pages=4, prot=rw, flags=shared, file=f)\n")
	src.WriteString("ops o { fault(vmf) { x = vmf.vma.vm_start + vmf.pgoff\n  return VM_FAULT_SIGBUS } }\n")
	const n = 10_000
	src.WriteString("thread t {\n")
	for i := range n / 4 {
		fmt.Fprintf(&src, "  mmap_read_lock(m)\n  a%d = v.vm_start + %d\n  zap_vma_range(v, a%d, pages=1)\n  mmap_read_unlock(m)\n", i, i, i)
	}
	src.WriteString("}\n")
	f, err := lang.Parse("bench.mms", []byte(src.String()))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := Compile(f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "stmts/s")
}

// TestTypecheckTallExpressions: checking an expression costs time linear
// in its size. The check took each node's type by walking its operands
// again, so 20,000 nested parentheses (within a raised -max-expr-depth)
// took 17 s on a loaded machine; a chain of | as tall took as long.
func TestTypecheckTallExpressions(t *testing.T) {
	const n = 30_000
	l := lang.DefaultLimits
	l.MaxExprDepth = 4 * n
	for name, src := range map[string]string{
		"parentheses": "x = " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) + "\n",
		"a selector":  "mm m\nx = " + strings.Repeat("(", n) + "m).mmap_lock" + strings.Repeat(")", n-1) + ".held\n",
		"or":          "x = 1" + strings.Repeat(" | (1", n/2) + strings.Repeat(")", n/2) + "\n",
	} {
		f, err := l.Parse(name+".mms", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		start := time.Now()
		if _, err := Compile(f); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: compiling %d levels took %v", name, n, d)
		}
	}
}
