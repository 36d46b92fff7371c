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

// genScript writes a random, well-typed script small enough for the naive
// search of the soundness test: set-up code that makes an mm, a file, a
// driver mutex, two VMAs and (sometimes) faulted pages; an ops block whose
// handlers (->fault, ->map_pages, ->page_mkwrite, ->pfn_mkwrite, ->open,
// ->close, f_op->mmap, a walk's pte_entry) take locks and call operations
// in the context the kernel gives them; sometimes a helper func; and one
// to three threads of a few statements each. The statements cover the
// language (if/else, while with break and continue, repeat, for vma in
// vmas(...), compound assignment, func calls, typed declarations) and the
// runtime: lock/unlock pairs of every lock kind, PTE-lock and lockless
// (RCU) page-table walks, mmu_gather and TLB flushes, grace periods, user
// accesses that fault through the handlers, and at most one or two calls
// of the kernel library's paths (runtime/kernel/*.mms: munmap, mprotect,
// madvise, mremap, fork, brk, mbind, GUP, GUP-fast, khugepaged, rmap
// walks, uaccess), whose many steps make the search space large. Every
// argument has its parameter's type, except in about one script in
// junkEvery, where one argument is deliberately wrong (nil or another
// type): such a script must fail to compile with a positioned error.
//
// It reaches far more of the runtime than byte mutation of the examples
// does; FuzzRun is seeded with some of its scripts.
func genScript(r *rand.Rand) string {
	g := &gen{r: r}
	if r.IntN(junkEvery) == 0 {
		g.junk = 1
	}
	// Kernel-library paths are tens of steps each: half of the scripts
	// call one (a few two), from a thread of at most two statements.
	paths := 0
	switch r.IntN(8) {
	case 0, 1, 2:
		paths = 1
	case 3:
		paths = 2
	}
	var b strings.Builder
	b.WriteString("mm m\nfile f\npage p = alloc_page()\nmutex dl\nn = 0\npage_array pa\n")
	// v0 is the driver's mapping (the ops block's handlers); v1 is
	// anonymous, so that the set-up's faults and populate, which run
	// before any thread, do not run a handler (an error there would end
	// the run before the threads start).
	fmt.Fprintf(&b, "vma v0 = mmap(m, 0x100000, pages=%d, prot=%s, flags=%s, file=%s%s, ops=o)\n",
		1+r.IntN(4), g.pick("rw", "rw", "r", "rwx"), g.pick("private", "shared"), g.pick("f", "f", "nil"),
		g.pick("", "", ", vm=mixedmap", ", vm=pfnmap|io", ", vm=dontcopy", ", vm=hugepage"))
	fmt.Fprintf(&b, "vma v1 = mmap(m, 0x110000, pages=%d, prot=%s, flags=%s)\n",
		1+r.IntN(4), g.pick("rw", "rw", "r"), g.pick("private", "shared", "private|populate", "shared|populate"))
	for range r.IntN(3) {
		fmt.Fprintf(&b, "touch(m, %s, %s)\n", g.pick("0x110000", "0x111000"), g.pick("read", "write"))
	}
	if r.IntN(4) == 0 {
		// A userfaultfd context the threads share (no range registered:
		// a fault there would wait for a monitor no script has): its
		// fields, events and queue steps race across threads.
		g.uffd = true
		b.WriteString("uffd = userfaultfd(m)\n")
	}
	if r.IntN(4) == 0 {
		// A THP (the write fault maps a PMD): a change of part of its
		// range splits the huge PMD (mprotect, madvise, munmap, a VMA
		// split), which the lockless walks and the PMD-level paths see.
		g.thp = true
		b.WriteString("vma v2 = mmap(m, 0x200000, pages=512, prot=rw, flags=private, vm=hugepage)\ntouch(m, 0x200000, write)\n")
	}
	// The kernel structs a call takes by pointer, shared by the threads
	// (runtime/owned.go: a shared one orders its users), and the
	// variables a call writes through a pointer (&rn, &rv).
	// (declared where the mark is, once the script is written, if it
	// uses them: a script without them keeps its symmetries)
	b.WriteString(structsMark)
	b.WriteString("ops o {\n")
	for _, name := range []string{"fault", "map_pages", "page_mkwrite", "pfn_mkwrite", "open", "close", "mmap", "pte_entry"} {
		params := rt.HandlerSlots[name]
		if r.IntN(3) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %s(%s) {\n", name, strings.Join(params, ", "))
		g.scope = params
		g.inHandler = true
		for range r.IntN(3) {
			if name == "mmap" {
				// f_op->mmap runs in the set-up's mmap: what drivers do
				// there, so that the threads get to run.
				b.WriteString("    " + g.pick("vm_flags_set(vma, mixedmap)", "vm_flags_set(vma, dontcopy|io)", "n += 1",
					"remap_pfn_range(vma, vma.vm_start, 0x1234, pages=1)", "vm_insert_page(vma, vma.vm_start, alloc_page())",
					"mutex_lock(dl); n += 1; mutex_unlock(dl)", "assert m.mmap_lock.held") + "\n")
				continue
			}
			b.WriteString("    " + g.stmt(1) + "\n")
		}
		g.scope = nil
		g.inHandler = false
		switch name {
		case "fault":
			fmt.Fprintf(&b, "    return %s\n", g.pick("VM_FAULT_NOPAGE", "alloc_page()", "p", "0", "VM_FAULT_SIGBUS", "VM_FAULT_RETRY",
				"vmf_insert_page(vmf.vma, vmf.address, alloc_page())", "vmf_insert_pfn(vmf.vma, vmf.address, 0x1234)"))
		case "pte_entry":
			b.WriteString("    return 0\n")
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	if r.IntN(3) == 0 {
		// A helper the threads call: a function of its own, with its own
		// locals and a VMA and an address as parameters.
		g.helper = true
		b.WriteString("func helper(vma, addr) {\n")
		g.scope = []string{"vma", "addr"}
		for range 1 + r.IntN(2) {
			b.WriteString("  " + g.stmt(1) + "\n")
		}
		g.scope = nil
		b.WriteString("  return addr\n}\n")
	}
	nthreads := 2
	switch r.IntN(6) {
	case 0:
		nthreads = 1
	case 1:
		nthreads = 3
	}
	pathIn := make([]int, nthreads)
	for range paths {
		pathIn[r.IntN(nthreads)]++
	}
	// About one script in five races a lookup whose result decides an
	// assertion (t0) against a change of the VMA tree (t1): the pair a
	// footprint that splits the mm wrongly (a lookup independent of the
	// tree's change) or a lock-held assertion recorded as touching
	// nothing (its report names the other holders) gets wrong.
	race := nthreads >= 2 && r.IntN(5) == 0
	for i := range nthreads {
		fmt.Fprintf(&b, "thread t%d {\n", i)
		n := 1 + r.IntN(3)
		if paths > 0 || nthreads > 2 {
			n = 1 + r.IntN(2)
		}
		at := r.IntN(n)
		for j := range n {
			if j == at && pathIn[i] > 0 {
				for range pathIn[i] {
					b.WriteString("  " + g.pathCall() + "\n")
				}
				continue
			}
			if race && j == 0 && i < 2 {
				if i == 0 {
					b.WriteString("  " + g.lookupAssert() + "\n")
				} else {
					b.WriteString("  " + g.treeChange() + "\n")
				}
				continue
			}
			b.WriteString("  " + g.stmt(2) + "\n")
		}
		b.WriteString("}\n")
	}
	src := b.String()
	var decl strings.Builder
	for _, d := range []struct{ use, decl string }{
		{"&vi", "VMA_ITERATOR(vi, m, 0)\n"},
		{"&fw", "folio_walk fw\n"},
		{"&fa", "follow_pfnmap_args fa\nfa.vma = v0\nfa.address = 0x100000\n"},
		{"&rn", "rn = 1\n"},
		{"&rv", "vma rv\n"},
	} {
		if strings.Contains(src, d.use) {
			decl.WriteString(d.decl)
		}
	}
	return strings.Replace(src, structsMark, decl.String(), 1)
}

// structsMark is where genScript declares the structs and variables the
// script passes by pointer.
const structsMark = "#structs\n"

// junkEvery: about one generated script in junkEvery has one argument of
// the wrong type.
const junkEvery = 50

type gen struct {
	r         *rand.Rand
	scope     []string // parameters and loop variables in scope
	inHandler bool     // inside an ops handler
	helper    bool     // the script defines helper(vma, addr)
	thp       bool     // the script maps v2, a THP at 0x200000
	uffd      bool     // the script has a userfaultfd context, uffd
	locals    int
	junk      int    // wrong-typed arguments left to write
	op        string // the operation whose arguments are being written
}

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) has(name string) bool { return slices.Contains(g.scope, name) }

func (g *gen) local() string {
	g.locals++
	return fmt.Sprintf("x%d", g.locals)
}

// stmt writes one statement (a few, joined by ";", for a pair or a walk);
// depth bounds the nesting of blocks.
func (g *gen) stmt(depth int) string {
	switch k := g.r.IntN(20); {
	case k == 0 && depth > 0:
		return fmt.Sprintf("if %s { %s } else { %s }", g.expr(rt.TBool), g.stmt(depth-1), g.stmt(depth-1))
	case k == 1 && depth > 0:
		return fmt.Sprintf("repeat %d { %s }", 1+g.r.IntN(2), g.stmt(depth-1))
	case k == 2 && depth > 0:
		// A bounded kernel retry loop: while, continue, break.
		i := g.local()
		return fmt.Sprintf("%[1]s = 0; while %[1]s < %[2]d { %[1]s += 1; if %[3]s { continue }; %[4]s; if %[5]s { break } }",
			i, 1+g.r.IntN(2), g.expr(rt.TBool), g.stmt(depth-1), g.expr(rt.TBool))
	case k == 3 && depth > 0:
		// for_each_vma_range under the mmap lock (or, sometimes, without).
		saved := g.scope
		g.scope = append(slices.Clip(g.scope), "vma")
		body := g.stmt(depth - 1)
		g.scope = saved
		loop := fmt.Sprintf("for vma in vmas(m%s) { n += 1; %s }", g.pick("", ", 0x100000, 0x120000", ", 0x101000, 0x111000"), body)
		switch g.r.IntN(3) {
		case 0:
			return loop
		case 1:
			return "mmap_read_lock(m); " + loop + "; mmap_read_unlock(m)"
		}
		return "mmap_write_lock(m); " + loop + "; mmap_write_unlock(m)"
	case k == 4:
		return fmt.Sprintf("%s = %s", g.local(), g.call())
	case k == 5:
		return fmt.Sprintf("n %s %s", g.pick("=", "+=", "-=", "|=", "&=", "^=", "<<=", ">>=", "*="), g.expr(rt.TInt))
	case k == 6:
		return "assert " + g.expr(rt.TBool)
	case k == 7 || k == 8:
		return g.lockPair()
	case k == 9:
		pt := g.local()
		return fmt.Sprintf("pte %[1]s = pte_offset_map_lock(m, %[2]s); if %[1]s { %[3]s; pte_unmap_unlock(%[1]s) }", pt, g.addr(), g.pick(
			"ptep_get_and_clear("+pt+")", "x = ptep_get("+pt+")", "ptep_clear_flush_young("+g.expr(rt.TVMA)+", "+g.addr()+", "+pt+")",
			"set_ptes("+pt+", get_and_clear_full_ptes("+pt+", 1))", "msleep(1)"))
	case k == 10:
		// The lockless walk: a PTE table read under RCU.
		pt := g.local()
		return fmt.Sprintf("rcu_read_lock(); pte %[1]s = pte_offset_map(m, %[2]s); if %[1]s { x = ptep_get_lockless(%[1]s); pte_unmap(%[1]s) }; rcu_read_unlock()", pt, g.addr())
	case k == 11:
		t := g.local()
		return fmt.Sprintf("mmu_gather %s = tlb_gather_mmu(m); %s; tlb_finish_mmu(%[1]s)", t, g.call())
	case k == 12:
		return g.pick("flush_tlb_range("+g.expr(rt.TVMA)+", "+g.addr()+", pages=1)", "flush_tlb_mm(m)", "synchronize_rcu()",
			"kfree_rcu(alloc_page())", "tlb_remove_table_sync_one()", "msleep(1)")
	case (k == 13 || k == 14) && !g.inHandler:
		// A user access: the fault path, through the handlers.
		return fmt.Sprintf("touch(m, %s, %s)", g.addr(), g.pick("read", "write"))
	case k == 15 && g.helper && !g.inHandler && !g.has("addr"):
		return fmt.Sprintf("%s = helper(%s, %s)", g.local(), g.expr(rt.TVMA), g.addr())
	}
	return g.call()
}

// lookupAssert looks a VMA up (under the mmap lock, under the VMA lock,
// or with no lock: find_vma's assertion then names who holds the mmap
// lock; vma_lookup has none, so nothing but the tree orders it against
// munmap) and asserts what it found, so that the order of the lookup and
// a change of the tree is a finding.
func (g *gen) lookupAssert() string {
	a := g.pick("0x100000", "0x101000")
	switch g.r.IntN(5) {
	case 0:
		return fmt.Sprintf("assert find_vma(m, %s) == v0", a)
	case 4:
		return fmt.Sprintf("assert vma_lookup(m, %s) == v0", a)
	case 1:
		return fmt.Sprintf("mmap_read_lock(m); assert vma_lookup(m, %s) == v0; mmap_read_unlock(m)", a)
	case 2:
		v := g.local()
		return fmt.Sprintf("vma %[1]s = lock_vma_under_rcu(m, %[2]s); if %[1]s { vma_end_read(%[1]s) }; assert %[1]s == v0", v, a)
	}
	return fmt.Sprintf("mmap_read_lock(m); vma %[1]s = find_vma(m, %[2]s); mmap_read_unlock(m); assert %[1]s == v0", g.local(), a)
}

// treeChange changes the VMA tree around v0 (munmap, a split by
// mprotect) or holds the mmap write lock across nothing.
func (g *gen) treeChange() string {
	return g.pick("munmap(m, 0x100000, pages=1)", "munmap(m, 0x101000, pages=1)", "mprotect(m, 0x101000, PAGE_SIZE, PROT_READ)",
		"mmap_write_lock(m); mmap_write_unlock(m)")
}

// lockPair takes a lock, does something, and releases it.
func (g *gen) lockPair() string {
	in := g.call()
	switch g.r.IntN(13) {
	case 0:
		return fmt.Sprintf("mmap_read_lock(m); %s; mmap_read_unlock(m)", in)
	case 1:
		return fmt.Sprintf("mmap_write_lock(m); %s; mmap_write_unlock(m)", in)
	case 2:
		return fmt.Sprintf("mmap_write_lock(m); %s; mmap_write_downgrade(m); %s; mmap_read_unlock(m)", in, g.call())
	case 3:
		return fmt.Sprintf("i_mmap_lock_%s(f); %s; i_mmap_unlock_%[1]s(f)", g.pick("read", "write"), in)
	case 4:
		return fmt.Sprintf("spin_lock(m.page_table_lock); %s; spin_unlock(m.page_table_lock)", in)
	case 5:
		l := g.local()
		return fmt.Sprintf("lock %s = pmd_lock(m, %s); %s; spin_unlock(%[1]s)", l, g.addr(), in)
	case 6:
		return fmt.Sprintf("folio_lock(p); %s; folio_unlock(p)", in)
	case 7:
		return fmt.Sprintf("rcu_read_lock(); %s; rcu_read_unlock()", in)
	case 8:
		return fmt.Sprintf("local_irq_disable(); %s; local_irq_enable()", in)
	case 9:
		return fmt.Sprintf("mutex_lock(dl); %s; mutex_unlock(dl)", in)
	case 10:
		// The per-VMA lock: a fault's first try.
		v := g.local()
		saved := g.scope
		g.scope = append(slices.Clip(g.scope), v)
		in = g.call()
		g.scope = saved
		return fmt.Sprintf("vma %[1]s = lock_vma_under_rcu(m, %[2]s); if %[1]s { %[3]s; vma_end_read(%[1]s) }", v, g.addr(), in)
	case 11:
		v := g.expr(rt.TVMA)
		return fmt.Sprintf("anon_vma_lock_%s(%s); %s; anon_vma_unlock_%[1]s(%[2]s)", g.pick("read", "write"), v, in)
	}
	return fmt.Sprintf("filemap_invalidate_lock%s(f); %s; filemap_invalidate_unlock%[1]s(f)", g.pick("", "_shared"), in)
}

// pathCall calls one of the kernel library's paths.
func (g *gen) pathCall() string {
	var names []string
	for _, n := range rt.OpNames() {
		if op := rt.LookupOp(n); op.Path && g.canCall(op) {
			names = append(names, n)
		}
	}
	return g.callOp(rt.LookupOp(names[g.r.IntN(len(names))]))
}

// call calls a random operation that is not a kernel path.
func (g *gen) call() string {
	names := rt.OpNames()
	for {
		op := rt.LookupOp(names[g.r.IntN(len(names))])
		if op.Path || !g.canCall(op) {
			continue
		}
		return g.callOp(op)
	}
}

// canCall reports whether every required argument of op can be written
// here (a vm_fault exists only inside a fault handler).
func (g *gen) canCall(op *rt.Op) bool {
	for _, p := range op.Params {
		if p.Type == rt.TVMF && !p.Optional && !g.has("vmf") {
			return false
		}
		// An mmap_state exists only between the steps of the kernel
		// library's mmap, a vm_area_desc only inside ->mmap_prepare:
		// passing nil would only make the script fail to compile.
		if (p.Type == rt.TMmapState || p.Type == rt.TVMDesc) && !p.Optional {
			return false
		}
	}
	return true
}

func (g *gen) callOp(op *rt.Op) string {
	g.op = op.Name
	var args []string
	named, gaveSize := false, false
	for i, p := range op.Params {
		if p.Optional && g.r.IntN(2) == 0 {
			named = true
			continue
		}
		if p.Type == rt.TVMF && !g.has("vmf") || p.Type == rt.TMmapState || p.Type == rt.TVMDesc || p.Name == "pages" && gaveSize {
			named = true
			continue
		}
		gaveSize = gaveSize || p.Name == "size"
		a := g.arg(p)
		if named || p.Optional || i > 0 && g.r.IntN(4) == 0 {
			a = p.Name + "=" + a
			named = true
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
	if g.junk > 0 && g.r.IntN(6) == 0 {
		g.junk--
		if p.Type == rt.TInt {
			return g.pick("nil", "m", "p", `"read"`)
		}
		return g.pick("nil", "1", `"read"`)
	}
	if p.Ref {
		// the kernel's pointer to a variable the call sets
		if p.Type == rt.TVMA {
			return "&rv"
		}
		return "&rn"
	}
	switch p.Type {
	case rt.TWord:
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
	case rt.TString:
		switch p.Name {
		case "rwc":
			return g.pick(`"try_to_unmap_one"`, `"try_to_migrate_one"`, `"folio_referenced_one"`)
		case "flags":
			return g.pick(`"TTU_RMAP_LOCKED"`, `""`)
		}
		return `""`
	case rt.TInt:
		return g.intArg(p.Name)
	case rt.TLock:
		switch {
		case strings.HasPrefix(g.op, "spin_"):
			return g.pick("m.page_table_lock", "pmd_lockptr(m, "+g.addr()+")")
		case strings.HasPrefix(g.op, "mutex_"):
			return "dl"
		}
	}
	return g.expr(p.Type)
}

// intArg writes an integer argument fitting the parameter's name.
func (g *gen) intArg(name string) string {
	switch name {
	case "addr", "address", "start", "old_addr", "new_addr", "holebegin", "brk":
		return g.addr()
	case "end":
		return g.pick("0x102000", "0x111000", "0x120000", "v0.vm_end")
	case "len", "len_in", "size", "old_len", "new_len", "holelen", "n":
		return g.pick("PAGE_SIZE", "2 * PAGE_SIZE")
	case "pages", "nr", "nr_pages":
		return g.pick("1", "2")
	case "pfn":
		return g.pick("page_to_pfn(p)", "0x1234")
	case "prot":
		return g.pick("PROT_READ", "PROT_READ | PROT_WRITE", "PROT_NONE")
	case "behavior":
		return g.pick("MADV_DONTNEED", "MADV_DONTFORK", "MADV_COLLAPSE", "MADV_WILLNEED", "MADV_FREE", "MADV_COLD", "MADV_PAGEOUT")
	case "mode", "new_pol", "pol":
		return g.pick("MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_DEFAULT")
	case "gup_flags", "foll_flags":
		return g.pick("0", "FOLL_WRITE", "FOLL_FORCE", "FOLL_WRITE | FOLL_FORCE")
	case "pgoff", "first_index", "index", "i":
		return g.pick("0", "1")
	case "flags", "newflags":
		return g.pick("v0.vm_flags", "v0.vm_flags | VM_LOCKED", "v1.vm_flags ^ VM_WRITE")
	case "ms":
		return "1"
	}
	return g.expr(rt.TInt)
}

// addr writes an address in or near the VMAs.
func (g *gen) addr() string {
	if g.has("vmf") && g.r.IntN(2) == 0 {
		return "vmf.address"
	}
	if g.has("addr") && g.r.IntN(2) == 0 {
		return "addr"
	}
	if g.has("vma") && g.r.IntN(2) == 0 {
		return "vma.vm_start"
	}
	if g.thp && g.r.IntN(3) == 0 {
		return g.pick("0x200000", "0x201000", "0x3ff000")
	}
	return g.pick("0x100000", "0x101000", "0x110000", "0x111000", "0x100000 + (n % 4) * PAGE_SIZE", "v0.vm_start", "v1.vm_end - PAGE_SIZE")
}

func (g *gen) expr(t rt.Type) string {
	switch t {
	case rt.TMM:
		return "m"
	case rt.TFile:
		if g.has("file") && g.r.IntN(2) == 0 {
			return "file"
		}
		return "f"
	case rt.TPage:
		return g.pick("p", "p", "alloc_page()")
	case rt.TVMA:
		for _, v := range g.scope {
			if (v == "vma" || strings.HasPrefix(v, "x")) && g.r.IntN(3) > 0 {
				return v
			}
		}
		if g.has("vmf") && g.r.IntN(3) > 0 {
			return "vmf.vma"
		}
		if g.thp && g.r.IntN(4) == 0 {
			return "v2"
		}
		return g.pick("v0", "v1", "v0", "v1", "find_vma(m, "+g.addr()+")", "vma_lookup(m, "+g.addr()+")")
	case rt.TVMF:
		return "vmf"
	case rt.TLock:
		return g.pick("m.page_table_lock", "m.mmap_lock", "f.i_mmap_rwsem", "dl")
	case rt.TOps:
		return "o"
	case rt.TMMUGather:
		return "tlb_gather_mmu(m)"
	case rt.TVMS:
		return "vms_gather_munmap_vmas(m, 0x100000, 0x101000)"
	case rt.TPTE:
		return "pte_offset_map_lock(m, " + g.addr() + ")"
	case rt.TPTEBatch:
		return "get_and_clear_full_ptes(pte_offset_map_lock(m, " + g.addr() + "), 1)"
	case rt.TBool:
		if g.has("vmf") && g.r.IntN(3) == 0 {
			return g.pick("vmf.write", "vmf.vma_lock", "vmf.allow_retry")
		}
		return g.pick("true", "false", "n > 2", "n == 0", "v0.attached", "m.mmap_lock.held", "p.mapcount == 0", "folio_test_locked(p)",
			"find_vma(m, 0x100000) == v0")
	case rt.TMMURange:
		return "mmu_notifier_range_init(clear, 0, m, 0x100000, 0x110000)"
	case rt.TPMC:
		return "pagetable_move(v0, v1, v0.vm_start, v1.vm_start, PAGE_SIZE)"
	case rt.TVRM:
		return g.pick("vrm_init(m, 0x100000, PAGE_SIZE, PAGE_SIZE)", "vrm_init(m, 0x100000, PAGE_SIZE, PAGE_SIZE, flags=maymove|fixed, new_addr=0x120000)")
	case rt.TInt:
		if g.has("pfn") && g.r.IntN(3) == 0 {
			return "pfn"
		}
		return g.pick("0", "1", "4", "n", "n + 1", "PAGE_SIZE", "page_to_pfn(p)", "v0.vm_start", "p.refcount", "m.map_count")
	case rt.TString:
		return `""`
	case rt.TPageArray:
		return "pa"
	case rt.TUffdCtx:
		if g.uffd {
			return "uffd"
		}
		return "userfaultfd(m)"
	case rt.TVMAIter:
		return "&vi"
	case rt.TFolioWalk:
		return "&fw"
	case rt.TFollowPfnmapArgs:
		return "&fa"
	case rt.TMfillState:
		return "mfill_state_init(" + g.expr(rt.TUffdCtx) + ", 0x110000, 0x100000, PAGE_SIZE, 0)"
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

// genPTEScript writes a script around the entries of one PTE table, for
// the page-table footprints (runtime: pteKey): a shared VM_MIXEDMAP VMA of
// two to four pages at 0x100000 (sometimes a second one at 0x400000,
// under another PMD entry of the same PMD table, so that free_pgtables
// keeps the upper tables), the PTE table there or not yet (the first
// install allocates it: pmd_populate), and two or three threads that
// install (vm_insert_page), zap (zap_vma_range), take the PTE lock in one
// statement and use the entry and drop the lock in later ones
// (pte_offset_map_lock ... pte_unmap_unlock, racing the one-step installs
// at other entries; sometimes without the mmap lock, so that munmap frees
// the table under the handle; the entry read whole with pte.val sees the
// accessed and dirty bits), read the PMD locklessly, access the pages as the CPU
// does (the accessed and dirty bits), unmap the VMA (free_pgtables) and
// assert what is mapped, at the same and at different entries of the
// table. A footprint that names the wrong entry, or misses a table's
// allocation or free, makes two dependent steps look independent, and
// the reduced search then misses a final state or a finding the naive
// search has.
func genPTEScript(r *rand.Rand) string {
	g := &gen{r: r}
	pages := 2 + r.IntN(3)
	var b strings.Builder
	b.WriteString("mm m\nfile f\nn = 0\nhits = 0\n")
	fmt.Fprintf(&b, "vma v = mmap(m, 0x100000, pages=%d, prot=rw, flags=shared, file=f, vm=mixedmap)\n", pages)
	if r.IntN(2) == 0 {
		b.WriteString("vma w = mmap(m, 0x400000, pages=1, prot=rw, flags=shared, file=f, vm=mixedmap)\n")
	}
	for i := range 4 {
		fmt.Fprintf(&b, "page p%d = alloc_page()\n", i)
	}
	addr := func() string { return fmt.Sprintf("%#x", 0x100000+r.IntN(pages)*0x1000) }
	// used holds the addresses named so far; a statement picks one of
	// them half of the time, so that steps meet at an entry more often
	// than three or four pages make them (the accessed and dirty bits
	// cpu_access sets show only at a present entry another thread reads)
	var used []string
	if r.IntN(2) == 0 {
		a := addr()
		used = append(used, a)
		fmt.Fprintf(&b, "mmap_read_lock(m)\nvm_insert_page(v, %s, p3)\nmmap_read_unlock(m)\n", a)
	}
	unmapped := false
	stmt := func(last bool) []string {
		a := addr()
		if len(used) > 0 && r.IntN(2) == 0 {
			a = used[r.IntN(len(used))]
		}
		used = append(used, a)
		p := fmt.Sprintf("p%d", r.IntN(3))
		g.locals++
		x := fmt.Sprintf("x%d", g.locals)
		switch k := r.IntN(10); {
		case k == 0 && !unmapped && last:
			unmapped = true
			if r.IntN(2) == 0 {
				return []string{fmt.Sprintf("munmap(m, 0x100000, pages=%d)", pages)}
			}
			return []string{fmt.Sprintf("munmap(m, %s, pages=1)", a)}
		case k <= 2:
			return []string{"mmap_read_lock(m)", fmt.Sprintf("vma %s = vma_lookup(m, %s)", x, a),
				fmt.Sprintf("if %s { vm_insert_page(%s, %s, %s) }", x, x, a, p), "mmap_read_unlock(m)"}
		case k == 3:
			lo := r.IntN(pages)
			return []string{"mmap_read_lock(m)", fmt.Sprintf("vma %s = vma_lookup(m, %#x)", x, 0x100000+lo*0x1000),
				fmt.Sprintf("if %s { zap_vma_range(%s, %#x, pages=%d) }", x, x, 0x100000+lo*0x1000, 1+r.IntN(pages-lo)), "mmap_read_unlock(m)"}
		case k == 4:
			// the PTE lock held across statements
			// pte.val is the whole entry, accessed and dirty bits
			// included: it sees cpu_access's hardware walk
			use := g.pick("n += ptep_get(%s)", "page %s_old = ptep_get_and_clear(%s)", "n += %s.val", "n += 1")
			switch strings.Count(use, "%s") {
			case 1:
				use = fmt.Sprintf(use, x)
			case 2:
				use = fmt.Sprintf(use, x, x)
			}
			ss := []string{fmt.Sprintf("pte %s = pte_offset_map_lock(m, %s)", x, a),
				fmt.Sprintf("if %s { %s }", x, use), fmt.Sprintf("if %s { pte_unmap_unlock(%s) }", x, x)}
			if r.IntN(3) == 0 {
				// no lock keeps the VMA (a finding): munmap may free the
				// table under the handle
				return ss
			}
			return append(append([]string{"mmap_read_lock(m)"}, ss...), "mmap_read_unlock(m)")
		case k == 5:
			return []string{fmt.Sprintf("n += pmdp_get_lockless(m, %s)", a)}
		case k <= 7:
			// a counter of its own: were it n, the step after the access
			// would conflict with every n += pte.val and make DPOR try
			// both orders of the access and the read anyway
			return []string{fmt.Sprintf("if cpu_access(m, %s, %s) { hits += 1 }", a, g.pick("4", "6"))}
		default:
			return []string{fmt.Sprintf("assert %s.mapcount %s, \"%s mapped\"", p, g.pick("== 0", "<= 1", "== 1"), p)}
		}
	}
	nthreads := 2 + r.IntN(2)
	for i := range nthreads {
		fmt.Fprintf(&b, "thread t%d {\n", i)
		n := 1 + r.IntN(2)
		for j := range n {
			for _, s := range stmt(j == n-1) {
				b.WriteString("  " + s + "\n")
			}
		}
		b.WriteString("}\n")
	}
	return b.String()
}
