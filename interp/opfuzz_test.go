package interp

import (
	le "encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// Out-of-order fuzzing of the runtime's operations. The kernel library's
// paths (runtime/kernel/*.mms) are built from many step primitives
// (mmap_setup_vms, vms_gather_munmap_vmas, pagetable_move, pmc_next, ...)
// that expect the state an earlier step left: a script may call them in
// any order, with objects an earlier call returned, with nil, from any
// thread. genScript writes well-formed scripts; opScript writes scripts
// that misuse the operations, to find the Go code that trusts its caller.
// Every such misuse must end as a script error or a rule's diagnostic
// with its file:line:col, never as a Go panic or a hang.

// opFuzzMaxSteps bounds each thread's statements.
const opFuzzMaxSteps = 5_000

// opChooser draws the generator's choices from the fuzzer's input, so
// that a mutation of the input changes a few choices rather than the
// whole script; once the input is used up, from a generator seeded with
// its hash.
type opChooser struct {
	in []byte
	r  *rand.Rand
}

func newOpChooser(in []byte) *opChooser {
	h := fnv.New64a()
	h.Write(in)
	s := h.Sum64()
	return &opChooser{in: in, r: rand.New(rand.NewPCG(s, s^0x5851f42d4c957f2d))}
}

func (c *opChooser) intn(n int) int {
	if n <= 1 {
		return 0
	}
	if len(c.in) > 0 {
		b := c.in[0]
		c.in = c.in[1:]
		return int(b) % n
	}
	return c.r.IntN(n)
}

// opVar is a variable the script assigned, with the type of the value
// the call that gave it returns (the value may be nil at run time).
type opVar struct {
	name string
	t    rt.Type
}

type opGen struct {
	c      *opChooser
	vars   []opVar // in scope for every thread (globals)
	locals []opVar // the current handler's parameters
	n      int
}

// libFunc is a kernel-library function that is not an operation of its
// own (an internal step such as do_vmi_align_munmap or move_ptes): a
// script can call it too.
type libFunc struct {
	name   string
	params []string
}

// opFuzzOps is every operation, and opFuzzLib every library function
// that is not one, in a fixed order.
var opFuzzOps, opFuzzLib = func() ([]*rt.Op, []libFunc) {
	var ops []*rt.Op
	for _, n := range rt.OpNames() {
		// msleep only sleeps; mmput and zap_threads end the mm for
		// every later call, which hides the rest of the script.
		if n == "msleep" {
			continue
		}
		ops = append(ops, rt.LookupOp(n))
	}
	var lib []libFunc
	for _, src := range rt.KernelLibrary() {
		for _, l := range strings.Split(string(src.Text), "\n") {
			rest, ok := strings.CutPrefix(l, "func ")
			if !ok {
				continue
			}
			name, params, ok := strings.Cut(rest, "(")
			if !ok || rt.LookupOp(name) != nil {
				continue
			}
			params, _, _ = strings.Cut(params, ")")
			var ps []string
			for _, p := range strings.Split(params, ",") {
				if p = strings.TrimSpace(p); p != "" {
					ps = append(ps, p)
				}
			}
			lib = append(lib, libFunc{name, ps})
		}
	}
	return ops, lib
}()

func (g *opGen) pick(xs ...string) string { return xs[g.c.intn(len(xs))] }

// varOf returns a variable of type t in scope, or "".
func (g *opGen) varOf(t rt.Type) string {
	var cands []string
	for _, v := range g.locals {
		if v.t == t {
			cands = append(cands, v.name)
		}
	}
	for _, v := range g.vars {
		if v.t == t {
			cands = append(cands, v.name)
		}
	}
	if len(cands) == 0 {
		return ""
	}
	return cands[g.c.intn(len(cands))]
}

// anyVar returns any variable in scope, of whatever type.
func (g *opGen) anyVar() string {
	all := append(slices.Clip(g.locals), g.vars...)
	return all[g.c.intn(len(all))].name
}

// intArg is an integer: addresses in, next to and far from the VMAs,
// sizes, counts, flags, and values earlier calls returned.
func (g *opGen) intArg(name string) string {
	if g.c.intn(5) == 0 {
		if v := g.varOf(rt.TInt); v != "" {
			return v
		}
	}
	switch name {
	case "addr", "address", "start", "old_addr", "new_addr", "holebegin", "brk", "from_addr", "nstart", "last_end", "min":
		return g.pick("0x100000", "0x101000", "0x103000", "0x104000", "0x110000", "0x112000", "0x200000", "0x201000",
			"0x100800", "0", "0x7ffffffff000", "0xfffffffffffff000", "-4096", "v0.vm_start", "v1.vm_end - PAGE_SIZE", "0x400000")
	case "end", "next", "tmp":
		return g.pick("0x102000", "0x104000", "0x111000", "0x120000", "0x400000", "0", "0x100000", "0xfffffffffffff000", "v0.vm_end")
	case "len", "len_in", "size", "old_len", "new_len", "holelen", "n":
		return g.pick("PAGE_SIZE", "2 * PAGE_SIZE", "0", "-1", "0x200000", "0x7fffffffffffffff", "3")
	case "pages", "nr", "nr_pages", "extent":
		return g.pick("1", "2", "0", "-1", "512", "1 << 40")
	case "pfn":
		return g.pick("page_to_pfn(p)", "0x1234", "0", "-1")
	case "prot":
		return g.pick("PROT_READ", "PROT_READ | PROT_WRITE", "PROT_NONE", "0xff")
	case "behavior":
		return g.pick("MADV_DONTNEED", "MADV_DONTFORK", "MADV_COLLAPSE", "MADV_WILLNEED", "MADV_FREE", "MADV_COLD",
			"MADV_PAGEOUT", "MADV_POPULATE_READ", "MADV_DONTNEED_LOCKED", "12345", "-1")
	case "mode", "new_pol", "pol":
		return g.pick("MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_DEFAULT", "99")
	case "gup_flags", "foll_flags", "flags":
		return g.pick("0", "FOLL_WRITE", "FOLL_FORCE", "FOLL_WRITE | FOLL_FORCE", "v0.vm_flags", "-1", "0xffff")
	case "index", "i", "subclass", "bit", "pgoff", "first_index":
		return g.pick("0", "1", "2", "-1", "100")
	}
	return g.pick("0", "1", "-1", "0x100000", "0x1234", "4096", "1 << 62")
}

// arg writes an argument for a parameter of type t named name: mostly
// of its type (a variable an earlier call gave, or a fresh object),
// sometimes nil or a value of another type, hidden from the static type
// check behind dyn() so that the run-time checks meet it.
func (g *opGen) arg(t rt.Type, name string, words []string) string {
	switch g.c.intn(24) {
	case 0:
		return "dyn(nil)"
	case 1:
		return "dyn(" + g.anyVar() + ")"
	}
	switch t {
	case rt.TInt:
		return g.intArg(name)
	case rt.TBool:
		return g.pick("true", "false")
	case rt.TWord:
		if len(words) == 0 {
			return g.pick("rw", "read", "write")
		}
		w := g.pick(words...)
		if g.c.intn(3) == 0 {
			w += "|" + g.pick(words...)
		}
		return w
	case rt.TString:
		return g.pick(`"try_to_unmap_one"`, `"try_to_migrate_one"`, `"folio_referenced_one"`, `"TTU_RMAP_LOCKED"`, `""`, `"bogus"`)
	case rt.TLock:
		if v := g.varOf(t); v != "" && g.c.intn(2) == 0 {
			return v
		}
		return g.pick("dl", "m.page_table_lock", "m.mmap_lock", "f.i_mmap_rwsem", "pmd_lockptr(m, 0x100000)")
	case rt.TOps:
		return "o"
	case rt.TMM:
		if v := g.varOf(t); v != "" && g.c.intn(3) == 0 {
			return v
		}
		return g.pick("m", "m", "m2")
	case rt.TFile:
		return g.pick("f", "f", "f2")
	case rt.TPage:
		if v := g.varOf(t); v != "" && g.c.intn(2) == 0 {
			return v
		}
		return g.pick("p", "alloc_page()", "pfn_to_page(0x1234)")
	}
	if v := g.varOf(t); v != "" && g.c.intn(6) > 0 {
		return v
	}
	// No earlier call gave one: make one the way the kernel library
	// does, or pass nil.
	switch t {
	case rt.TVMA:
		return g.pick("v0", "v1", "v2", "find_vma(m, 0x100000)", "vma_lookup(m, 0x300000)")
	case rt.TMMUGather:
		return "tlb_gather_mmu(m)"
	case rt.TVMS:
		return g.pick("vms_gather_munmap_vmas(m, 0x100000, 0x101000)", "vms_gather_munmap_vmas(m, 0x110000, 0x120000, unlock=true)")
	case rt.TPTE:
		return g.pick("pte_offset_map_lock(m, 0x100000)", "pte_offset_map(m, 0x110000)", "pte_offset_map_nolock(m, 0x200000)")
	case rt.TPTEBatch:
		return "get_and_clear_full_ptes(pte_offset_map_lock(m, 0x110000), 1)"
	case rt.TMMURange:
		return "mmu_notifier_range_init(clear, 0, m, 0x100000, 0x110000)"
	case rt.TPMC:
		return g.pick("pagetable_move(v0, v1, v0.vm_start, v1.vm_start, PAGE_SIZE)", "vrm_pmc(vrm_init(m, 0x110000, PAGE_SIZE, PAGE_SIZE))")
	case rt.TVRM:
		return g.pick("vrm_init(m, 0x110000, PAGE_SIZE, PAGE_SIZE)", "vrm_init(m, 0x100000, PAGE_SIZE, 2 * PAGE_SIZE, flags=maymove)")
	case rt.TMmapState:
		return "ksys_mmap_pgoff(m, 0x300000, 0x1000, rw, private, nil, 0, mixedmap, nil)"
	case rt.TPageArray:
		return "pa"
	}
	return "dyn(nil)"
}

// libArg guesses a library function's argument from its name.
func (g *opGen) libArg(name string) string {
	switch name {
	case "mm", "oldmm":
		return g.arg(rt.TMM, name, nil)
	case "vma", "dst_vma", "src_vma", "prev", "old", "new":
		return g.arg(rt.TVMA, name, nil)
	case "tlb":
		return g.arg(rt.TMMUGather, name, nil)
	case "vms":
		return g.arg(rt.TVMS, name, nil)
	case "map":
		return g.arg(rt.TMmapState, name, nil)
	case "vrm":
		return g.arg(rt.TVRM, name, nil)
	case "pmc":
		return g.arg(rt.TPMC, name, nil)
	case "folio":
		return g.arg(rt.TPage, name, nil)
	case "file", "mapping":
		return g.arg(rt.TFile, name, nil)
	case "pages":
		if g.c.intn(2) == 0 {
			return g.arg(rt.TPageArray, name, nil)
		}
	case "pvmw", "pte":
		return g.arg(rt.TPTE, name, nil)
	case "rwc":
		return g.arg(rt.TString, name, nil)
	case "locked", "try_lock", "write", "pin", "is_locked", "unlock", "unmapped_error":
		return g.arg(rt.TBool, name, nil)
	case "lock_mode":
		return g.pick("0", "1", "2", "3")
	}
	return g.arg(rt.TInt, name, nil)
}

// call writes a call of a random operation or library function.
func (g *opGen) call() string {
	if g.c.intn(5) == 0 && len(opFuzzLib) > 0 {
		f := opFuzzLib[g.c.intn(len(opFuzzLib))]
		var args []string
		for _, p := range f.params {
			args = append(args, g.libArg(p))
		}
		return f.name + "(" + strings.Join(args, ", ") + ")"
	}
	// Half the time, an operation that takes a step object an earlier
	// call returned (an mmu_gather, a vma_munmap_struct, a
	// pagetable_move_control, a PTE, ...): the steps of one kernel path
	// on one object, in whatever order, which is where a step trusts
	// the state an earlier one left.
	if g.c.intn(2) == 0 {
		var cands []*rt.Op
		for _, op := range opFuzzOps {
			for _, p := range op.Params {
				if stepObject(p.Type) && g.varOf(p.Type) != "" {
					cands = append(cands, op)
					break
				}
			}
		}
		if len(cands) > 0 {
			if s, ok := g.callOp(cands[g.c.intn(len(cands))]); ok {
				return s
			}
		}
	}
	for {
		op := opFuzzOps[g.c.intn(len(opFuzzOps))]
		if s, ok := g.callOp(op); ok {
			return s
		}
	}
}

// stepObject reports whether t is the state a kernel path carries from
// one step to the next.
func stepObject(t rt.Type) bool {
	switch t {
	case rt.TVMS, rt.TMMUGather, rt.TVRM, rt.TPMC, rt.TPTEBatch, rt.TMMURange, rt.TMmapState, rt.TVMDesc, rt.TPTE, rt.TPageArray, rt.TVMF:
		return true
	}
	return false
}

func (g *opGen) callOp(op *rt.Op) (string, bool) {
	var args []string
	named := false
	for _, p := range op.Params {
		if p.Type == rt.TVMF && g.varOf(rt.TVMF) == "" {
			if !p.Optional {
				return "", false
			}
			named = true
			continue
		}
		if p.Optional && g.c.intn(2) == 0 {
			named = true
			continue
		}
		a := g.arg(p.Type, p.Name, p.Words)
		if named {
			a = p.Name + "=" + a
		}
		args = append(args, a)
		if p.Variadic {
			for range g.c.intn(3) {
				args = append(args, g.arg(p.Type, p.Name, p.Words))
			}
		}
	}
	return op.Name + "(" + strings.Join(args, ", ") + ")", true
}

// stmt writes a call whose value a later call may use.
func (g *opGen) stmt() string {
	s := g.call()
	name, _, _ := strings.Cut(s, "(")
	t := rt.TNil
	if op := rt.LookupOp(name); op != nil {
		t = op.Result
	}
	if t == rt.TNil {
		if g.c.intn(4) == 0 {
			return "assert " + s + " == nil"
		}
		return s
	}
	g.n++
	v := fmt.Sprintf("x%d", g.n)
	g.vars = append(g.vars, opVar{v, t})
	return v + " = " + s
}

// opScript writes a script from the choices in in.
func opScript(in []byte) string {
	g := &opGen{c: newOpChooser(in)}
	g.vars = []opVar{{"m", rt.TMM}, {"m2", rt.TMM}, {"f", rt.TFile}, {"f2", rt.TFile}, {"p", rt.TPage},
		{"dl", rt.TLock}, {"v0", rt.TVMA}, {"v1", rt.TVMA}, {"v2", rt.TVMA}, {"o", rt.TOps}, {"pa", rt.TPageArray}}
	var b strings.Builder
	b.WriteString("mm m\nmm m2\nfile f\nfile f2\npage p = alloc_page()\nmutex dl\npage_array pa\n")
	b.WriteString("func dyn(x) {\n  return x\n}\n")
	fmt.Fprintf(&b, "vma v0 = mmap(m, 0x100000, pages=4, prot=%s, flags=%s, file=f, ops=o%s)\n",
		g.pick("rw", "r"), g.pick("shared", "private"), g.pick("", ", vm=mixedmap", ", vm=pfnmap|io"))
	fmt.Fprintf(&b, "vma v1 = mmap(m, 0x110000, pages=%s, prot=rw, flags=%s)\n", g.pick("4", "16"), g.pick("private", "private|populate", "shared"))
	fmt.Fprintf(&b, "vma v2 = mmap(m2, 0x200000, pages=512, prot=rw, flags=private%s)\n", g.pick("", ", vm=hugepage"))
	// The set-up runs no handler (an error there would end the run
	// before the threads start): it faults in anonymous memory only.
	for range g.c.intn(3) {
		fmt.Fprintf(&b, "touch(%s, write)\n", g.pick("m, 0x110000", "m, 0x111000", "m2, 0x200000"))
	}
	// The handlers call operations too, with the vm_fault or VMA the
	// kernel gives them.
	b.WriteString("ops o {\n")
	for _, h := range []string{"fault", "page_mkwrite", "open", "close"} {
		if g.c.intn(3) == 0 {
			continue
		}
		params := rt.HandlerSlots[h]
		fmt.Fprintf(&b, "  %s(%s) {\n", h, strings.Join(params, ", "))
		switch h {
		case "fault", "page_mkwrite":
			g.locals = []opVar{{"vmf", rt.TVMF}}
		case "open", "close":
			g.locals = []opVar{{"vma", rt.TVMA}}
		}
		saved := len(g.vars)
		for range g.c.intn(3) {
			// A handler's assignments are its locals: keep them out of
			// the threads' scope.
			s := g.stmt()
			if len(g.vars) > saved {
				g.locals = append(g.locals, g.vars[saved:]...)
				g.vars = g.vars[:saved]
			}
			b.WriteString("    " + s + "\n")
		}
		g.locals = nil
		if h == "fault" {
			fmt.Fprintf(&b, "    return %s\n", g.pick("VM_FAULT_NOPAGE", "alloc_page()", "0", "VM_FAULT_SIGBUS"))
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	// Set-up calls run alone, before the threads: their values are the
	// threads' to share.
	for range g.c.intn(4) {
		b.WriteString(g.stmt() + "\n")
	}
	nthreads := 1 + g.c.intn(3)
	for i := range nthreads {
		fmt.Fprintf(&b, "thread t%d {\n", i)
		saved := len(g.vars)
		for range 1 + g.c.intn(6) {
			b.WriteString("  " + g.stmt() + "\n")
		}
		// A thread's variables are its own.
		g.vars = g.vars[:saved]
		b.WriteString("}\n")
	}
	return b.String()
}

// checkOpScript runs src once and checks that it ends within the step
// limit and in time, with every error and finding positioned.
func checkOpScript(t *testing.T, src string, seed uint64) {
	t.Helper()
	var (
		res   *Result
		err   error
		pnc   any
		stack string
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		defer func() {
			if e := recover(); e != nil {
				pnc = e
				stack = string(debug.Stack())
			}
		}()
		var prog *Program
		prog, err = LoadSource("fuzz.mms", []byte(src))
		if err != nil {
			return
		}
		res = Run(prog, Options{MaxSteps: opFuzzMaxSteps, Seed: seed})
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("run does not terminate:\n%s", src)
	}
	if pnc != nil {
		t.Fatalf("panic: %v\n%s\nscript:\n%s", pnc, stack, src)
	}
	if err != nil {
		var list lang.ErrorList
		if !asErrorList(err, &list) {
			t.Fatalf("load error %v (%T) is not an ErrorList\n%s", err, err, src)
		}
		for _, e := range list {
			if e.Pos.Line < 1 || e.Msg == "" {
				t.Fatalf("load error %q has bad position %+v\n%s", e.Msg, e.Pos, src)
			}
		}
		return
	}
	if res.Steps > 5*(opFuzzMaxSteps+1) {
		t.Errorf("ran %d steps, limit %d per thread", res.Steps, opFuzzMaxSteps)
	}
	for _, d := range res.Diagnostics {
		checkDiagPos(t, "fuzz.mms", d)
	}
	if t.Failed() {
		t.Logf("script:\n%s\n%s", src, diagLines(res))
	}
}

// FuzzOps calls operations and kernel-library functions out of order,
// with arguments of their types, of other types and nil, from up to three
// threads (opScript); the input is the generator's choices.
//
//	go test -run '^$' -fuzz FuzzOps -fuzztime 3m -fuzzminimizetime 0 ./interp
func FuzzOps(f *testing.F) {
	for i := range 64 {
		var b [8]byte
		le.LittleEndian.PutUint64(b[:], uint64(i)*0x9e3779b97f4a7c15)
		f.Add(b[:])
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		src := opScript(in)
		var seed uint64
		if len(in) > 0 {
			seed = uint64(in[0]) // a random schedule for some inputs, round-robin for others
		}
		checkOpScript(t, src, seed)
	})
}

// TestOpScripts is FuzzOps's deterministic corpus: a fixed series of
// generated inputs, run under go test (and land.sh) on every change.
func TestOpScripts(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	r := rand.New(rand.NewPCG(11, 12))
	for i := range n {
		in := make([]byte, 64)
		for j := range in {
			in[j] = byte(r.Uint32())
		}
		checkOpScript(t, opScript(in), uint64(i%3))
		if t.Failed() {
			t.Fatalf("input %d (%x)", i, in)
		}
	}
}
