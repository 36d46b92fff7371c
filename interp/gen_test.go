package interp

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// genScript writes a random but mostly well-typed script: set-up code
// that makes an mm, a file, VMAs and pages, an ops block whose handlers
// call operations, and a few threads calling random operations with
// arguments of the right type most of the time (and sometimes nil or
// the wrong type). It reaches far more of the runtime than byte mutation
// of the examples does; FuzzRun is seeded with some of its scripts.
func genScript(r *rand.Rand) string {
	g := &gen{r: r}
	var b strings.Builder
	b.WriteString("mm m\nfile f\npage p = alloc_page()\nn = 0\n")
	flags := []string{"private", "shared", "shared|populate", "private|populate"}
	vms := []string{"", ", vm=mixedmap", ", vm=pfnmap|io", ", vm=dontcopy"}
	for i := range 2 {
		fmt.Fprintf(&b, "vma v%d = mmap(m, %#x, pages=%d, prot=%s, flags=%s, file=%s%s, ops=o)\n",
			i, 0x100000+i*0x10000, 1+r.IntN(8), g.pick("rw", "r", "rwx"), g.pick(flags...),
			g.pick("f", "nil"), g.pick(vms...))
	}
	b.WriteString("ops o {\n")
	for _, name := range []string{"fault", "map_pages", "page_mkwrite", "open", "close", "mmap", "pte_entry"} {
		params := rt.HandlerSlots[name]
		if r.IntN(3) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %s(%s) {\n", name, strings.Join(params, ", "))
		g.handler = params
		for range r.IntN(3) {
			b.WriteString("    " + g.stmt(1) + "\n")
		}
		g.handler = nil
		switch name {
		case "fault":
			fmt.Fprintf(&b, "    return %s\n", g.pick("VM_FAULT_NOPAGE", "alloc_page()", "0", "VM_FAULT_SIGBUS", "vmf_insert_page(vmf.vma, vmf.address, alloc_page())"))
		case "pte_entry":
			b.WriteString("    return 0\n")
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	for i := range 1 + r.IntN(3) {
		fmt.Fprintf(&b, "thread t%d {\n", i)
		for range 1 + r.IntN(8) {
			b.WriteString("  " + g.stmt(2) + "\n")
		}
		b.WriteString("}\n")
	}
	return b.String()
}

type gen struct {
	r       *rand.Rand
	handler []string // parameters in scope, inside a handler
	locals  int
}

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) stmt(depth int) string {
	switch k := g.r.IntN(12); {
	case k == 0 && depth > 0:
		return fmt.Sprintf("if %s { %s } else { %s }", g.expr(rt.TBool), g.stmt(depth-1), g.stmt(depth-1))
	case k == 1 && depth > 0:
		return fmt.Sprintf("repeat %d { %s; %s }", g.r.IntN(4), g.stmt(depth-1), g.stmt(depth-1))
	case k == 2:
		g.locals++
		return fmt.Sprintf("x%d = %s", g.locals, g.call())
	case k == 3:
		return fmt.Sprintf("n = n + %s", g.expr(rt.TInt))
	case k == 4:
		return "assert " + g.expr(rt.TBool)
	case k == 5:
		// a lock/unlock pair, the commonest shape
		l := g.pick("mmap_read", "mmap_write", "i_mmap", "spin", "folio", "rcu")
		switch l {
		case "mmap_read", "mmap_write":
			return fmt.Sprintf("%s_lock(m); %s; %s_unlock(m)", l, g.call(), l)
		case "i_mmap":
			return fmt.Sprintf("i_mmap_lock_write(f); %s; i_mmap_unlock_write(f)", g.call())
		case "spin":
			return fmt.Sprintf("spin_lock(m.page_table_lock); %s; spin_unlock(m.page_table_lock)", g.call())
		case "folio":
			return fmt.Sprintf("folio_lock(p); %s; folio_unlock(p)", g.call())
		}
		return fmt.Sprintf("rcu_read_lock(); %s; rcu_read_unlock()", g.call())
	case k == 6:
		g.locals++
		return fmt.Sprintf("pte pt%d = pte_offset_map_lock(m, %s); if pt%[1]d { ptep_get_and_clear(pt%[1]d); pte_unmap_unlock(pt%[1]d) }", g.locals, g.expr(rt.TInt))
	}
	return g.call()
}

func (g *gen) call() string {
	names := rt.OpNames()
	op := rt.LookupOp(names[g.r.IntN(len(names))])
	var args []string
	for i, p := range op.Params {
		if p.Optional && g.r.IntN(2) == 0 {
			continue
		}
		a := g.arg(p)
		if p.Optional || i > 0 && g.r.IntN(4) == 0 {
			a = p.Name + "=" + a
		}
		args = append(args, a)
		if p.Variadic {
			for range g.r.IntN(3) {
				args = append(args, g.arg(p))
			}
		}
	}
	return op.Name + "(" + strings.Join(args, ", ") + ")"
}

func (g *gen) arg(p rt.Param) string {
	if g.r.IntN(12) == 0 {
		return g.pick("nil", "1", "m", "p", `"read"`)
	}
	if p.Type == rt.TWord {
		if len(p.Words) > 0 {
			w := g.pick(p.Words...)
			if g.r.IntN(3) == 0 {
				w += "|" + g.pick(p.Words...)
			}
			return w
		}
		switch p.Name {
		case "prot":
			return g.pick("rw", "r", "rx", "none")
		case "flags":
			return g.pick("shared", "private", "shared|populate", "fixed|private", "hint")
		}
		return g.pick("mixedmap", "pfnmap", "io", "dontcopy", "mixedmap|io")
	}
	return g.expr(p.Type)
}

func (g *gen) expr(t rt.Type) string {
	switch t {
	case rt.TMM:
		return "m"
	case rt.TFile:
		return "f"
	case rt.TPage:
		return g.pick("p", "alloc_page()")
	case rt.TVMA:
		if slices.Contains(g.handler, "vma") {
			return "vma"
		}
		if slices.Contains(g.handler, "vmf") {
			return "vmf.vma"
		}
		return g.pick("v0", "v1", "find_vma(m, "+g.expr(rt.TInt)+")", "lock_vma_under_rcu(m, "+g.expr(rt.TInt)+")")
	case rt.TVMF:
		if slices.Contains(g.handler, "vmf") {
			return "vmf"
		}
		return "nil"
	case rt.TLock:
		return g.pick("m.page_table_lock", "m.mmap_lock", "f.i_mmap_rwsem")
	case rt.TOps:
		return "o"
	case rt.TMMUGather:
		return "tlb_gather_mmu(m)"
	case rt.TVMS:
		return "vms_gather_munmap_vmas(m, 0x100000, 0x101000)"
	case rt.TPTE:
		return "pte_offset_map_lock(m, " + g.expr(rt.TInt) + ")"
	case rt.TBool:
		return g.pick("true", "false", "n > 2", "v0.attached", "m.mmap_lock.held", "p.mapcount == 0")
	case rt.TMMURange:
		return "mmu_notifier_range_init(clear, 0, m, 0x100000, 0x110000)"
	case rt.TPMC:
		return "pagetable_move(v0, v1, v0.vm_start, v1.vm_start, PAGE_SIZE)"
	case rt.TVRM:
		return "vrm_prepare(m, 0x100000, 4096, 4096)"
	case rt.TInt:
		if slices.Contains(g.handler, "vmf") && g.r.IntN(2) == 0 {
			return "vmf.address"
		}
		return g.pick("0x100000", "0x101000", "0x110000", "0x100000 + n * PAGE_SIZE", "4", "1", "0", "page_to_pfn(p)", "v0.vm_start", "v1.vm_end - PAGE_SIZE")
	}
	return "nil"
}

var (
	genN    = flag.Int("gen.n", 400, "TestGeneratedScripts: how many scripts to run")
	genSeed = flag.Uint64("gen.seed", 1, "TestGeneratedScripts: the generator's seed")
)

// TestGeneratedScripts runs random well-typed scripts: nothing panics,
// every diagnostic is positioned, and a run reproduces itself.
//
//	go test -run GeneratedScripts -gen.n 100000 -gen.seed 7 ./interp
func TestGeneratedScripts(t *testing.T) {
	n := *genN
	if testing.Short() {
		n = min(n, 50)
	}
	r := rand.New(rand.NewPCG(*genSeed, 2))
	for i := range n {
		src := genScript(r)
		checkGenerated(t, i, src)
		if t.Failed() {
			return
		}
	}
}

func checkGenerated(t *testing.T, i int, src string) {
	t.Helper()
	defer func() {
		if e := recover(); e != nil {
			t.Fatalf("script %d panics: %v\n%s", i, e, src)
		}
	}()
	prog, err := LoadSource("fuzz.mms", []byte(src))
	if err != nil {
		// A wrong-typed argument can be a compile error (a string that
		// is not a valid word); it must still be positioned.
		var list lang.ErrorList
		if !asErrorList(err, &list) {
			t.Fatalf("script %d: %v", i, err)
		}
		for _, e := range list {
			if e.Pos.Line < 1 {
				t.Fatalf("script %d: compile error without a position: %v", i, e)
			}
		}
		return
	}
	var res *Result
	done := make(chan struct{})
	go func() {
		defer close(done)
		res = Run(prog, Options{MaxSteps: fuzzMaxSteps})
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("script %d does not terminate:\n%s", i, src)
	}
	for _, d := range res.Diagnostics {
		checkDiagPos(t, "fuzz.mms", d)
	}
	again := Run(prog, Options{MaxSteps: fuzzMaxSteps})
	if !slices.Equal(diagStrings(res), diagStrings(again)) {
		t.Errorf("script %d: runs differ\n%s", i, src)
	}
	if t.Failed() {
		t.Logf("script %d:\n%s\n%s", i, src, diagLines(res))
	}
}
