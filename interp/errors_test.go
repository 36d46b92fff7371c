package interp

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/lang"
	rt "github.com/mmscript/mmscript/runtime"
)

// compileErrorTests map a script to its exact compile errors, one
// file:line:col: message per line, in position order.
var compileErrorTests = []struct {
	name, src, want string
}{
	{"vmas outside a for", "mm m\nthread t { x = vmas(m) }\n",
		"test.mms:2:16: vmas is the VMA iterator of a for loop: for vma in vmas(mm, start, end) { }"},
	{"for over a non-iterator", "mm m\nthread t { for v in m { } }\n",
		"test.mms:2:21: cannot iterate over a mm: want for v in vmas(mm, start, end), for v in PAGE_ARRAY or for v in LO..HI"},
	{"vmas arity", "mm m\nthread t { for v in vmas(m, 0) { } }\n",
		"test.mms:2:21: vmas takes mm, or mm, start and end (for_each_vma / for_each_vma_range), got 2 arguments"},
	{"vmas argument types", "mm m\nthread t { for v in vmas(1, m, 2) { } }\n",
		"test.mms:2:26: vmas: argument mm must be mm, got int\ntest.mms:2:29: vmas: argument start must be int, got mm"},
	{"vmas loop variable is a vma", "mm m\nthread t { for v in vmas(m) { x = v + 1 } }\n",
		"test.mms:2:37: invalid operation: vma + int"},
	{"compound assignment to an undefined name", "thread t { y += 1 }\n",
		"test.mms:1:12: undefined: y"},
	{"min of one value", "thread t { x = min(1) }\n",
		"test.mms:1:16: min takes two or more integers, got 1"},
	{"max of a non-integer", "mm m\nthread t { x = max(1, m) }\n",
		"test.mms:2:23: max: arguments must be int, got mm"},
	{"break outside a loop", "thread t { if true { break } }\n",
		"test.mms:1:22: break is not in a loop (for, while or repeat)"},
	{"continue in a func called from a loop", "func f() { continue }\nthread t { while true { f() } }\n",
		"test.mms:1:12: continue is not in a loop (for, while or repeat)"},
	{"goto into a block", "thread t {\n  goto in\n  if true {\n  in:\n    msleep(1)\n  }\n}\n",
		"test.mms:2:3: goto in jumps into block starting at test.mms:3:11"},
	{"goto into a loop", "thread t {\n  goto body\n  for i in 0..2 {\n  body:\n    msleep(1)\n  }\n}\n",
		"test.mms:2:3: goto body jumps into block starting at test.mms:3:17"},
	{"goto an undefined label", "func f() {\n  goto out_unlok\nout_unlock:\n  return 0\n}\n",
		"test.mms:2:8: label out_unlok not defined\ntest.mms:3:1: label out_unlock defined and not used"},
	{"a label in another function", "func f() {\nout:\n  return 0\n}\nfunc g() { goto out }\n",
		"test.mms:2:1: label out defined and not used\ntest.mms:5:17: label out not defined"},
	{"a label defined twice", "thread t {\nagain:\n  msleep(1)\nagain:\n  goto again\n}\n",
		"test.mms:4:1: label again already defined at test.mms:2:1"},
	{"goto over a declaration used after the label", "mm m\nfunc f(m) {\n  mmap_read_lock(m)\n  goto out\n  vma = find_vma(m, 0x1000)\nout:\n  mmap_read_unlock(m)\n  return vma\n}\n",
		"test.mms:4:3: goto out jumps over the declaration of vma at test.mms:5:3, which is used after the label: declare vma before the goto (as C declares it at the top of the function)"},
	{"goto over a set-up declaration used after the label", "goto skip\nx = 1\nskip:\ny = x\n",
		"test.mms:1:1: goto skip jumps over the declaration of x at test.mms:2:1, which is used after the label: declare x before the goto (as C declares it at the top of the function)"},
	{"unknown operation", "mm m\nthread t { mmap_read_lokc(m) }\n",
		"test.mms:2:12: unknown operation mmap_read_lokc (did you mean mmap_read_lock?)"},
	{"unknown operation, func suggested", "func helper(x) { return x }\nthread t { helpr(1) }\n",
		"test.mms:2:12: unknown operation helpr (did you mean helper?)"},
	{"unknown operation, no hint", "thread t { frobnicate_everything() }\n",
		"test.mms:1:12: unknown operation frobnicate_everything"},
	{"unknown operation, a former kernel name", "thread t { zap_page_range() }\n",
		"test.mms:1:12: unknown operation zap_page_range (zap_page_range() was removed in v6.3; its callers use zap_vma_range() (then zap_page_range_single()) or unmap_vmas())"},
	{"undefined, a removed kernel constant", "thread t { x = 1 & VM_FAULT_WRITE }\n",
		"test.mms:1:20: undefined: VM_FAULT_WRITE (the vm_fault_t bit 0x8, removed in v6.2 with FOLL_COW (David Hildenbrand's \"reliable R/O long-term pinning\" series): before, do_wp_page() returned it once it had broken COW (or reused the page), and faultin_page() then dropped FOLL_WRITE for a VMA without VM_WRITE (the test Dirty COW raced, CVE-2016-5195); mainline's handle_mm_fault() never says so. A script of a pre-v6.2 faultin_page() can test what the bit meant: a write fault that succeeded (ret & VM_FAULT_ERROR == 0) on a VMA without VM_WRITE)"},
	{"unknown named parameter", "mm m\nmmap(m, 0x1000, page=4)\n",
		"test.mms:2:17: mmap has no parameter page (parameters: mm, addr, len, prot, flags, file, pgoff, vm, ops, pages) (did you mean pages?)"},
	{"named parameter twice", "mm m\nmmap(m, 0x1000, pages=4, pages=5)\n",
		"test.mms:2:26: mmap: parameter pages given twice"},
	{"missing argument", "mm m\nthread t { touch(m) }\n",
		"test.mms:2:12: touch: missing argument addr"},
	{"missing arguments", "thread t { vm_insert_page() }\n",
		// Errors at one position are sorted by message.
		"test.mms:1:12: vm_insert_page: missing argument addr\n" +
			"test.mms:1:12: vm_insert_page: missing argument page\n" +
			"test.mms:1:12: vm_insert_page: missing argument vma"},
	{"too many arguments", "mm m\nmmap_read_lock(m, m)\n",
		"test.mms:2:19: too many arguments to mmap_read_lock (want 1)"},
	{"too many arguments, none wanted", "thread t { rcu_read_lock(1) }\n",
		"test.mms:1:26: too many arguments to rcu_read_lock (want 0)"},
	{"bad word", "mm m\ntouch(m, 0, writ)\n",
		"test.mms:2:13: touch: writ is not a valid access (want read, write) (did you mean write?)"},
	{"bad word in a combination", "thread t { handle_mm_fault(nil, 0, flags=write|vma_lok) }\n",
		"test.mms:1:28: handle_mm_fault: argument vma is nil, want vma\n" +
			"test.mms:1:48: handle_mm_fault: vma_lok is not a valid flags (want read, write, vma_lock, allow_retry, retry_nowait, tried, unshare, or the kernel's FAULT_FLAG_* names) (did you mean vma_lock?)"},
	// The type check: what would fail on every run that got there is an
	// error before the run (typecheck.go).
	{"int for an mm", "mm m\nthread t { mmap_read_lock(0x100) }\n",
		"test.mms:2:27: mmap_read_lock: argument mm must be mm, got int"},
	{"wrong argument type", "mm m\nvma v = mmap(m, 0x100000, pages=4, prot=rw)\nthread t { vm_insert_page(v, 0, 5) }\n",
		"test.mms:3:33: vm_insert_page: argument page must be page, got int"},
	{"string for an object", "mm m\nthread t { mmap_read_lock(\"m\") }\n",
		"test.mms:2:27: mmap_read_lock: argument mm must be mm, got string"},
	{"int for a word", "mm m\nthread t { touch(m, 0x1000, 1) }\n",
		"test.mms:2:29: touch: argument access must be word, got int"},
	{"literal nil for an object", "thread t { mmap_read_lock(nil) }\n",
		"test.mms:1:27: mmap_read_lock: argument mm is nil, want mm"},
	{"inferred variable type", "x = 5\nthread t { mmap_read_lock(x) }\n",
		"test.mms:2:27: mmap_read_lock: argument mm must be mm, got int"},
	{"a field's type", "mm m\nthread t { mmap_read_lock(m.mmap_lock) }\n",
		"test.mms:2:28: mmap_read_lock: argument mm must be mm, got lock"},
	{"an operation's result type", "mm m\nthread t {\n  v = find_vma(m, 0)\n  mmap_read_lock(v)\n}\n",
		"test.mms:4:18: mmap_read_lock: argument mm must be mm, got vma"},
	{"a handler parameter's type", "ops o { open(vma) { mmap_read_lock(vma) } }\n",
		"test.mms:1:36: mmap_read_lock: argument mm must be mm, got vma"},
	{"an index into an int", "x = 5\nthread t { y = x[0] }\n",
		"test.mms:2:16: page_array_get: argument array must be page_array, got int"},
	{"an index store of an int", "page_array a\nthread t { a[0] = 1 }\n",
		"test.mms:2:19: page_array_set: argument page must be page, got int"},
	{"a named argument", "mm m\nthread t { mmap(m, 0x1000, pages=m) }\n",
		"test.mms:2:34: mmap: argument pages must be int, got mm"},
	{"unknown field", "mm m\nx = m.foo\n",
		"test.mms:2:6: mm has no field foo (fields: brk, map_count, mmap_lock, mmap_sem, page_table_lock, start_brk, task_size)"},
	{"unknown field in a handler", "ops o { fault(vmf) { return vmf.nope } }\n",
		"test.mms:1:32: vmf has no field nope (fields: address, allow_retry, folio, oom, orig_pte, pgoff, pmd_none, pmd_trans_huge, pmd_write, retry_nowait, tried, vma, vma_lock, write)"},
	{"misspelt field", "ops o { fault(vmf) { return vmf.adress } }\n",
		"test.mms:1:32: vmf has no field adress (fields: address, allow_retry, folio, oom, orig_pte, pgoff, pmd_none, pmd_trans_huge, pmd_write, retry_nowait, tried, vma, vma_lock, write) (did you mean address?)"},
	{"field of a field", "ops o { fault(vmf) { return vmf.vma.vm_strat } }\n",
		"test.mms:1:36: vma has no field vm_strat (fields: anon_vma, attached, pages, vm_end, vm_file, vm_flags, vm_lock, vm_mm, vm_ops, vm_page_prot, vm_pgoff, vm_policy, vm_start, vm_userfaultfd_ctx) (did you mean vm_start?)"},
	{"field of an int", "x = 1\ny = x.vm_start\n",
		"test.mms:2:6: int has no fields (no field vm_start)"},
	{"negate an object", "mm m\nthread t { x = -m }\n",
		"test.mms:2:16: cannot negate mm"},
	{"complement a bool", "thread t { x = ~true }\n",
		"test.mms:1:16: cannot complement bool (~ takes an int)"},
	{"set_pmd_at of an entry", "mm m\nvma v = mmap(m, 0x200000, pages=512)\nthread t { set_pmd_at(v, 0x200000, 5) }\n",
		"test.mms:3:36: set_pmd_at: argument folio must be page, got int: set_pmd_at maps a new THP here (collapse_huge_page); to map again the entry pmdp_huge_get_and_clear() or pmdp_invalidate() returned (set_pmd_at(mm, addr, pmd, entry) in change_huge_pmd()), call set_huge_pmd_at(vma, addr, entry)"},
	{"store to vm_start", "mm m\nvma v = mmap(m, 0x100000)\nv.vm_start = 0x200000\n",
		"test.mms:3:1: cannot assign vma.vm_start: the VMA tree and the rmap trees are indexed by it: the kernel moves it with vma_iter_store_overwrite() (expand_downwards), vma_expand(), vma_shrink() or __split_vma(), under the mmap, VMA and rmap write locks"},
	{"handle_mm_fault regs of a wrong type", "mm m\nvma v = mmap(m, 0x100000)\nmmap_read_lock(m)\nhandle_mm_fault(v, 0x100000, FAULT_FLAG_WRITE, m)\n",
		"test.mms:4:48: handle_mm_fault: argument regs must be word, got mm: regs is the kernel's struct pt_regs *, which handle_mm_fault() reads for perf accounting only: pass regs (an arch fault's registers) or NULL (GUP's faults)"},
	{"fixup_user_fault unlocked as a bool", "mm m\nmmap_read_lock(m)\nfixup_user_fault(m, 0x100000, FAULT_FLAG_REMOTE | FAULT_FLAG_WRITE, true)\n",
		"test.mms:3:69: fixup_user_fault: argument unlocked is the kernel's pointer, bool *unlocked: pass a variable by reference, &unlocked, or NULL: the kernel's bool *unlocked: NULL (the fault may not drop the lock) or &unlocked (it may; *unlocked is set to true when it was dropped and re-taken)"},
	{"walk_lock in a thread", "ops w { pte_entry(addr, pfn) { return 0 } }\nthread t { w.walk_lock = PGWALK_WRLOCK }\n",
		"test.mms:2:12: w.walk_lock is the kernel's const struct mm_walk_ops' .walk_lock: set it at the top level, not in a thread or a function"},
	{"walk_lock of a variable", "ops w { pte_entry(addr, pfn) { return 0 } }\nx = 1\nw.walk_lock = x\n",
		"test.mms:3:15: w.walk_lock takes a PGWALK_* constant (PGWALK_RDLOCK, PGWALK_WRLOCK, PGWALK_WRLOCK_VERIFY, PGWALK_VMA_RDLOCK_VERIFY)"},
	{"walk_lock twice", "ops w { pte_entry(addr, pfn) { return 0 } }\nw.walk_lock = PGWALK_WRLOCK\nw.walk_lock = PGWALK_RDLOCK\n",
		"test.mms:3:1: w.walk_lock set twice to different modes: one struct mm_walk_ops has one walk_lock (declare another ops block for another mode, as the kernel declares one struct per mode)"},
	{"address-of an int", "mm m\nx = &PAGE_SIZE\n",
		"test.mms:2:5: unexpected & of int (&obj of an object is the object (spin_lock(&m.page_table_lock), walk_page_vma(vma, &ops, NULL)); &var of an int or bool variable is a pointer to it (vm_insert_pages(vma, addr, pages, &num), fixup_user_fault(mm, addr, flags, &unlocked), a func's *p))"},
	{"vm_insert_pages num not by reference", "mm m\nfile f\npage_array a\nvma v = mmap(m, 0x100000, file=f, flags=shared)\nnum = 1\nvm_insert_pages(v, 0x100000, a, num)\n",
		"test.mms:6:33: vm_insert_pages: argument num is the kernel's pointer to an int, which the call sets: pass a variable by reference, &num"},
	{"vm_insert_pages &constant", "mm m\nfile f\npage_array a\nvma v = mmap(m, 0x100000, file=f, flags=shared)\nvm_insert_pages(v, 0x100000, a, &1)\n",
		"test.mms:5:33: vm_insert_pages: argument num: & takes a variable here (&num)"},
	{"kernel's unlikely", "mm m\nif unlikely(1 == 2) {\n}\n",
		"test.mms:2:4: unknown operation unlikely (unlikely() is a branch hint: write the condition alone (`if !vma { ... }`))"},
	{"store to vmf.page", "mm m\nops d {\n  fault(vmf) {\n    page p = alloc_page()\n    vmf.page = p\n    return 0\n  }\n}\n",
		"test.mms:5:5: cannot assign vmf.page: a ->fault handler returns its page instead (`return page`): __do_fault() then sets vmf->page, as the kernel's `vmf->page = page; return 0;` does, and finish_fault() maps it (`mmscript explain fault`)"},
	{"store of a wrong type", "mm m\nvma v = mmap(m, 0x100000)\nv.vm_flags = m\n",
		"test.mms:3:14: cannot assign mm to vma.vm_flags (int)"},
	{"store to a field of another type", "mm m\nm.vm_flags = 1\n",
		"test.mms:2:2: mm has no field vm_flags"},
	{"compound store through a call", "mm m\nvma v = mmap(m, 0x100000)\nfind_vma(m, 0x100000).vm_flags |= VM_LOCKED\n",
		"test.mms:3:1: |= on a field of a call's result: store it in a variable first"},
	{"mismatched declaration", "mm m\nthread t { int x = m }\n",
		"test.mms:2:20: cannot use mm value as int"},
	{"invalid operation", "mm m\nthread t { x = m + 1 }\n",
		"test.mms:2:18: invalid operation: mm + int"},
	{"compare string and int", "thread t { x = \"a\" < 1 }\n",
		"test.mms:1:20: invalid operation: string < int"},
	{"a func's result type", "mm m\nfunc lk() { return m.mmap_lock }\nthread t { mmap_read_lock(lk()) }\n",
		"test.mms:3:27: mmap_read_lock: argument mm must be mm, got lock"},
	{"a func that returns nothing", "func f() { x = 1 }\nthread t { mmap_read_lock(f()) }\n",
		"test.mms:2:27: mmap_read_lock: argument mm is nil, want mm"},
	{"a func's result through a variable", "mm m\nfunc n(x) {\n  if x { return 1 } else { return 2 }\n}\nthread t {\n  v = n(true)\n  mmap_read_lock(v)\n}\n",
		"test.mms:7:18: mmap_read_lock: argument mm must be mm, got int"},
	{"repeat count", "repeat \"3\" { }\n",
		"test.mms:1:8: repeat count must be int, got string"},
	{"bad word in a string", "mm m\nthread t { touch(m, 0, \"wirte\") }\n",
		"test.mms:2:24: touch: wirte is not a valid access (want read, write) (did you mean write?)"},
	{"undefined variable", "mm m\nthread t { mmap_read_lock(mm) }\n",
		"test.mms:2:27: undefined: mm (did you mean m?)"},
	{"undefined in a handler", "ops o { fault(vmf) { return vmff.vma } }\n",
		"test.mms:1:29: undefined: vmff (did you mean vmf?)"},
	{"local of another thread", "thread a { x = 1 }\nthread b { y = x }\n",
		"test.mms:2:16: undefined: x"},
	{"unknown type", "vmaa v = nil\n",
		"test.mms:1:1: unknown type vmaa (want mm, file, page, page_array, vma, vmf, pte, lock, mutex, spinlock, rwsem, srcu, bitlock, int, bool or string) (did you mean vma?)"},
	{"unknown type in a thread", "thread t { word w = nil }\n",
		"test.mms:1:12: unknown type word (want mm, file, page, page_array, vma, vmf, pte, lock, mutex, spinlock, rwsem, srcu, bitlock, int, bool or string)"},
	{"unknown handler", "ops drv { faul(vmf) { return 0 } }\n",
		"test.mms:1:11: unknown handler faul in ops drv (want one of close, fault, huge_fault, map_pages, may_split, mmap, mmap_prepare, mprotect, mremap, open, page_mkwrite, pfn_mkwrite, pte_entry) (did you mean fault?)"},
	{"handler parameter count", "ops drv { fault(vmf, x) { return 0 } }\n",
		"test.mms:1:11: handler fault takes 1 parameter (vmf), got 2"},
	{"handler parameter count, plural", "ops drv { map_pages(vmf) { return 0 } }\n",
		"test.mms:1:11: handler map_pages takes 3 parameters (vmf, start_pgoff, end_pgoff), got 1"},
	{"assign to constant", "VM_MIXEDMAP = 1\n",
		"test.mms:1:1: cannot assign to constant VM_MIXEDMAP"},
	{"assign to constant in a thread", "thread t { PAGE_SIZE = 1 }\n",
		"test.mms:1:12: cannot assign to constant PAGE_SIZE"},
	{"declare a constant", "int EBUSY = 3\n",
		"test.mms:1:1: cannot assign to constant EBUSY"},
	{"for over a constant", "thread t { for PAGE_SIZE in 0..3 { } }\n",
		"test.mms:1:12: cannot assign to constant PAGE_SIZE\n" +
			"test.mms:1:12: cannot assign to constant PAGE_SIZE"},
	{"assign to ops", "ops drv { fault(vmf) { return 0 } }\ndrv = 1\n",
		"test.mms:2:1: cannot assign to ops drv"},
	{"func arity, too few", "func f(a, b) { return a }\nthread t { f(1) }\n",
		"test.mms:2:12: f takes 2 arguments, got 1"},
	{"func arity, too many", "func f(a) { return a }\nx = f(1, 2)\n",
		"test.mms:2:5: f takes 1 argument, got 2"},
	{"func named argument", "func f(a) { return a }\nf(a=1)\n",
		"test.mms:2:3: func f takes no named arguments"},
	{"func shadows an operation", "func find_vma(a) { return a }\n",
		"test.mms:1:1: func find_vma shadows the kernel operation of that name (an atomic step, not a kernel-library path a script can replace): give the func another name, or replace the library function that calls it and change the line there"},
	{"print named argument", "print(x=1)\n",
		"test.mms:1:7: print takes no named arguments"},
	{"expect ok with others", "expect ok\nexpect deadlock\n",
		"test.mms:1:1: expect ok conflicts with the other expectations (say expect ok sometimes, or never)"},
	{"expect ok after others", "expect violation \"x\"\nexpect ok\n",
		"test.mms:2:1: expect ok conflicts with the other expectations (say expect ok sometimes, or never)"},
	{"redeclared global", "mm m\nmm m\n",
		"test.mms:2:1: m redeclared"},
	{"redeclared local", "thread t { int x = 1; int x = 2 }\n",
		"test.mms:1:23: x redeclared in this function"},
	{"several errors, sorted", "thread t { nope() }\nVM_IO = 1\nmm m\nmm m\n",
		"test.mms:1:12: unknown operation nope\n" +
			"test.mms:2:1: cannot assign to constant VM_IO\n" +
			"test.mms:4:1: m redeclared"},
	{"mutex with a value", "mutex mu = 1\n", "test.mms:1:12: a mutex is declared without a value: mutex mu"},
	{"too many locks", manyLocks(rt.MaxScriptLocks + 1), fmt.Sprintf("test.mms:%d:1: too many lock declarations (mutex, spinlock, rwsem, srcu, bitlock; at most %d)", rt.MaxScriptLocks+1, rt.MaxScriptLocks)},
	{"literal prot word", "mm m\nmmap(m, 0x1000, pages=4, prot=rw|exex)\n",
		"test.mms:2:34: mmap: exex is not a valid prot (want none, r, w, x, rw, rx, wx, rwx, read, write, exec, or the kernel's PROT_* names) (did you mean exec?)"},
	{"literal VM flag word", "mm m\nmmap(m, 0x1000, vm=mixedmpa)\n",
		"test.mms:2:20: mmap: mixedmpa is not a valid vm (want one of the words `mmscript explain mmap` lists) (did you mean mixedmap?)"},
}

// manyLocks declares n mutexes, one per line.
func manyLocks(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "mutex l%d\n", i)
	}
	return b.String()
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range compileErrorTests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := LoadSource("test.mms", []byte(tc.src))
			if err == nil {
				t.Fatalf("compiled without errors")
			}
			if p != nil {
				t.Errorf("LoadSource returned a Program and an error")
			}
			var list lang.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v (%T) is not an ErrorList", err, err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Error())
			}
			if g := strings.Join(got, "\n"); g != tc.want {
				t.Errorf("got\n%s\nwant\n%s", g, tc.want)
			}
		})
	}
}

// TestCompileOK: scripts close to the errors above that compile.
func TestCompileOK(t *testing.T) {
	for _, src := range []string{
		"mm m\nmmap(m, 0x1000, pages=4, prot=rw, flags=shared|populate)\n",
		"mm m\ntouch(m, 0x1000, \"write\")\n",                // a string literal spells a word
		"func f(a) { return a }\nthread t { x = f(f(1)) }\n", // a func used before or after its declaration
		"thread t { x = f(1) }\nfunc f(a) { return a + 1 }\n",
		"thread t { y = g }\ng = 3\n", // a global may be declared after its use in a thread
		"expect ok\n",
		"expect deadlock\nexpect violation \"x\"\n",
		// a goto over a declaration the code after the label does not use
		"func f() {\n  goto out\n  x = 1\n  msleep(x)\nout:\n  return 0\n}\n",
		// a backward goto over a declaration: the variable is set again
		"thread t {\n  n = 0\nagain:\n  x = n\n  n += 1\n  if x < 2 { goto again }\n}\n",
	} {
		if _, err := LoadSource("test.mms", []byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// runtimeErrorTests map a script to the exact diagnostics of its run. A
// script error stops its thread and is an rt.Error diagnostic positioned
// at the statement or expression that failed.
var runtimeErrorTests = []struct {
	name, src, want string
}{
	// Values passed through a func's parameters have no static type (the
	// type check leaves them alone): the run checks them.
	{"wrong argument type", "mm m\nvma v = mmap(m, 0x100000, pages=4, prot=rw)\nfunc ins(p) { vm_insert_page(v, 0, p) }\nthread t { ins(5) }\n",
		"test.mms:3:15: error: vm_insert_page: argument page must be page, got int"},
	{"string for an object", "func lk(x) { mmap_read_lock(x) }\nthread t { lk(\"m\") }\n",
		"test.mms:1:14: error: mmap_read_lock: argument mm must be mm, got string"},
	{"int for a word", "mm m\nfunc tc(a) { touch(m, 0x1000, a) }\nthread t { tc(1) }\n",
		"test.mms:2:14: error: touch: argument access must be word, got int"},
	// A NULL result of an API is the kernel's NULL dereference where it
	// is used: a finding of the API that returned it, naming the call.
	{"NULL from a failed lookup", "mm m\nthread t {\n  mmap_read_lock(m)\n  vma v = find_vma(m, 0x5000)\n  page p = alloc_page()\n  vm_insert_page(v, 0x5000, p)\n  mmap_read_unlock(m)\n}\n",
		"test.mms:6:3: find_vma/null-dereferenced: the NULL that find_vma() returned at line 4 goes untested into vm_insert_page() (argument vma): a NULL pointer dereference (mm/mmap.c: find_vma(); arch/x86/mm/fault.c: page_fault_oops() -> show_fault_oops(): pr_alert(\"BUG: kernel NULL pointer dereference, address: %px\\n\") -> oops_end(); kernel: BUG)"},
	{"NULL from a failed lock", "mm m\nthread t {\n  vma v = lock_vma_under_rcu(m, 0x5000)\n  vma_end_read(v)\n}\n",
		"test.mms:4:3: lock_vma_under_rcu/null-dereferenced: the NULL that lock_vma_under_rcu() returned at line 3 goes untested into vma_end_read() (argument vma): a NULL pointer dereference (mm/mmap_lock.c: lock_vma_under_rcu(), vma_start_read(); arch/x86/mm/fault.c: page_fault_oops() -> show_fault_oops(): pr_alert(\"BUG: kernel NULL pointer dereference, address: %px\\n\") -> oops_end(); kernel: BUG)"},
	{"NULL kept through a func", "mm m\nfunc get(mm) { return vma_lookup(mm, 0x5000) }\nthread t {\n  mmap_read_lock(m)\n  vma v = get(m)\n  w = v\n  vm_flags_set(w, VM_IO)\n}\n",
		"test.mms:7:3: vma_lookup/null-dereferenced: the NULL that vma_lookup() returned at line 2 goes untested into vm_flags_set() (argument vma): a NULL pointer dereference (include/linux/mm.h: vma_lookup(); arch/x86/mm/fault.c: page_fault_oops() -> show_fault_oops(): pr_alert(\"BUG: kernel NULL pointer dereference, address: %px\\n\") -> oops_end(); kernel: BUG)"},
	{"nil that no API returned", "mm m\nthread t {\n  vma v = nil\n  vma_end_read(v)\n}\n",
		"test.mms:4:3: error: vma_end_read: argument vma is nil (did a lookup or lock attempt fail?)"},
	{"nil lock", "thread t {\n  lock l = nil\n  spin_lock(l)\n}\n",
		"test.mms:3:3: error: spin_lock: argument lock is nil (did a lookup or lock attempt fail?)"},
	{"field of a NULL result", "mm m\nthread t {\n  mmap_read_lock(m)\n  vma v = vma_lookup(m, 0x5000)\n  x = v.vm_start\n}\n",
		"test.mms:5:8: vma_lookup/null-dereferenced: the NULL that vma_lookup() returned at line 4 goes untested into the read of .vm_start: a NULL pointer dereference (include/linux/mm.h: vma_lookup(); arch/x86/mm/fault.c: page_fault_oops() -> show_fault_oops(): pr_alert(\"BUG: kernel NULL pointer dereference, address: %px\\n\") -> oops_end(); kernel: BUG)"},
	{"field of nil", "mm m\nfunc f(x) { return x.vm_start }\nthread t { y = f(nil) }\n",
		"test.mms:2:21: error: nil has no field vm_start (a lookup or lock attempt failed?)"},
	{"unknown field", "mm m\nfunc f(x) { return x.foo }\ny = f(m)\n",
		"test.mms:2:21: error: mm has no field foo (fields: [brk map_count mmap_lock mmap_sem page_table_lock start_brk task_size])"},
	{"unknown field in a handler", "func g(x) { return x.nope }\nops o { fault(vmf) { return g(vmf) } }\nmm m\nfile f\nmmap(m, 0x100000, pages=1, file=f, ops=o)\nthread t { touch(m, 0x100000, read) }\n",
		"test.mms:1:21: error: vmf has no field nope (fields: [address allow_retry folio oom orig_pte pgoff pmd_none pmd_trans_huge pmd_write retry_nowait tried vma vma_lock write])"},
	{"division by zero", "x = 0\nthread t { y = 10 / x }\n",
		"test.mms:2:19: error: division by zero"},
	{"modulo by zero", "x = 0\nthread t { y = 10 % x }\n",
		"test.mms:2:19: error: division by zero"},
	{"shift too far", "x = 64\nthread t { y = 1 << x }\n",
		"test.mms:2:18: error: shift count 64 out of range"},
	{"negative shift", "x = -1\nthread t { y = 1 >> x }\n",
		"test.mms:2:18: error: shift count -1 out of range"},
	{"negate an object", "mm m\nfunc neg(x) { return -x }\nthread t { y = neg(m) }\n",
		"test.mms:2:22: error: cannot negate mm"},
	{"complement an object", "mm m\nfunc cpl(x) { return ~x }\nthread t { y = cpl(m) }\n",
		"test.mms:2:22: error: cannot complement mm (~ takes an int)"},
	{"mismatched declaration", "mm m\nfunc id(x) { return x }\nthread t { int x = id(m) }\n",
		"test.mms:3:20: error: cannot use mm value as int"},
	{"invalid operation", "mm m\nfunc add(x) { return x + 1 }\nthread t { y = add(m) }\n",
		"test.mms:2:24: error: invalid operation: mm + int"},
	{"compare string and int", "func lt(x) { return x < 1 }\nthread t { y = lt(\"a\") }\n",
		"test.mms:1:23: error: invalid operation: string < int"},
	{"recursion", "func f(a) { return f(a) }\nthread t { f(1) }\n",
		"test.mms:1:20: error: call stack too deep (recursion?)"},
	{"assert", "thread t { assert 1 == 2 }\n",
		"test.mms:1:12: assert: assertion failed"},
	{"assert with message", "thread t {\n  x = 1\n  assert x == 2, \"x is two\"\n}\n",
		"test.mms:3:3: assert: assertion failed: x is two"},
	{"assert nil", "mm m\nthread t { assert lock_vma_under_rcu(m, 0x1000), \"a VMA\" }\n",
		"test.mms:2:12: assert: assertion failed: a VMA"},
	{"runtime word check", "mm m\np = \"rw|exex\"\nmmap(m, 0x1000, pages=4, prot=p)\n",
		"test.mms:3:1: error: mmap: unknown prot \"exex\" (want r, rw, rx, rwx, none, or read|write|exec)"},
	{"first bad word of several", "mm m\np = \"foo|bar|baz|qux\"\nmmap(m, 0x1000, prot=p)\n",
		"test.mms:3:1: error: mmap: unknown prot \"foo\" (want r, rw, rx, rwx, none, or read|write|exec)"},
	{"bad mmap flag", "mm m\nf = \"shared|populte|zzz\"\nmmap(m, 0x1000, flags=f)\n",
		"test.mms:3:1: error: mmap: unknown mmap flag \"populte\""},
	{"not a spinlock", "mm m\nthread t { spin_lock(m.mmap_lock) }\n",
		"test.mms:2:12: error: spin_lock: m->mmap_lock is not a spinlock"},
	{"mutex_lock on a spinlock", "spinlock s\nthread t { mutex_lock(s) }\n",
		"test.mms:2:12: error: mutex_lock: s is not a mutex"},
	{"spin_lock on a mutex", "mutex mu\nthread t { spin_lock(mu) }\n",
		"test.mms:2:12: error: spin_lock: mu is not a spinlock"},
	{"mutex_lock on a kernel lock", "mm m\nthread t { mutex_lock(m.mmap_lock) }\n",
		"test.mms:2:12: error: mutex_lock: m->mmap_lock is not a mutex"},
	// Pointers to variables (&var, *p) live as long as the variable.
	{"return of a pointer to a local", "func f() {\n  x = 1\n  return &x\n}\nthread t { p = f() }\n",
		"test.mms:3:3: error: return of a pointer to a local variable of f: it does not outlive the function"},
	{"pointer to a local in a global", "g = nil\nfunc f() {\n  x = 1\n  g = &x\n}\nthread t { f() }\n",
		"test.mms:4:3: error: a pointer to a local variable stored in global g: it would outlive the function (pass it down as an argument instead)"},
	{"* of NULL", "func f(p) { *p = true }\nthread t { f(NULL) }\n",
		"test.mms:1:13: error: NULL pointer dereference: * of nil (the caller passed NULL; test the pointer first, as C's if (p))"},
	{"* of an int", "func f(p) { return *p + 1 }\nthread t { f(3) }\n",
		"test.mms:1:20: error: * of int: * reads through a pointer to a variable, &var"},
	{"pointer for an int", "mm m\nfunc f(p) { mmap(m, p) }\nthread t {\n  a = 0x100000\n  f(&a)\n}\n",
		"test.mms:2:13: error: mmap: argument addr must be int, got a pointer (pass the value, *addr)"},
	{"pointers to a global and a local", "g = 1\nfunc inc(p) { *p += 1 }\nthread t {\n  l = 5\n  inc(&g)\n  inc(&l)\n  q = &l\n  *q = *q * 2\n  assert g == 2 && l == 12 && *q == 12\n}\n", ""},
	{"no overflow trap", "x = -9223372036854775807 - 1\nassert x / -1 == x, \"wraps\"\nassert x % -1 == 0, \"zero\"\n", ""},
}

func TestRuntimeErrors(t *testing.T) {
	for _, tc := range runtimeErrorTests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, tc.src, Options{MaxSteps: 100_000})
			if got := strings.TrimSuffix(diagLines(res), "\n"); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
			for _, d := range res.Diagnostics {
				if d.Kind == rt.Error && d.Thread == "" {
					t.Errorf("error without a thread: %s", d)
				}
			}
		})
	}
}

// TestErrorStopsOnlyItsThread: a script error ends the failing thread;
// the others run on.
func TestErrorStopsOnlyItsThread(t *testing.T) {
	var out strings.Builder
	res := run(t, `x = 0
thread a { msleep(); y = 1 / x; print("a after") }
thread b { msleep(); msleep(); msleep(); print("b done") }
`, Options{Output: &out})
	if got := out.String(); got != "b: \"b done\"\n" {
		t.Errorf("output %q", got)
	}
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Thread != "a" || res.Diagnostics[0].Msg != "division by zero" {
		t.Errorf("got\n%s", diagLines(res))
	}
}

// TestErrorInSetupStopsRun: threads do not start when the set-up code
// fails; they would run on a half-made set-up and report its fallout.
func TestErrorInSetupStopsRun(t *testing.T) {
	for _, tc := range []struct{ name, setup, want string }{
		{"error", "x = 1 / 0", "test.mms:1:7: error: division by zero"},
		{"assert", "assert 1 == 0, \"no\"", "test.mms:1:1: assert: assertion failed: no"},
		{"step limit", "repeat 1000000 { }", "test.mms:1:1: error: step limit of 100 statements exceeded by thread main (an unbounded loop? each thread may run 100 statements; raise it with -max-steps)"},
		{"BUG", "mm m\nvma v = mmap(m, 0x100000, prot=rw)\nvm_insert_page(v, 0x100000, alloc_page())",
			"test.mms:3:1: vm_insert_page/not-mixedmap-needs-mmap-write: vm_insert_page on vma[0x100000-0x101000] without VM_MIXEDMAP needs m->mmap_lock held for write (mm/memory.c: vm_insert_page() BUG_ON(mmap_read_trylock(vma->vm_mm)); kernel: BUG)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			res := run(t, tc.setup+"\nthread t { print(\"ran\") }\n", Options{Output: &out, MaxSteps: 100})
			if out.Len() != 0 || len(res.Schedule()) != 0 {
				t.Errorf("threads ran: output %q schedule %v", out.String(), res.Schedule())
			}
			if got := strings.TrimSuffix(diagLines(res), "\n"); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestRuntimeErrorsReproducible runs each runtime-error script several
// times: a run must reproduce its diagnostics exactly (no map order may
// leak into a message).
func TestRuntimeErrorsReproducible(t *testing.T) {
	for _, tc := range runtimeErrorTests {
		prog := load(t, tc.src)
		first := diagLines(Run(prog, Options{MaxSteps: 100_000}))
		for range 20 {
			if got := diagLines(Run(prog, Options{MaxSteps: 100_000})); got != first {
				t.Errorf("%s: runs differ:\n%s\n%s", tc.name, first, got)
				break
			}
		}
	}
}

// TestUnknownOperationHintsBounded: the "did you mean" hints for unknown
// operations share the undefined names' budget (maxUndefinedHints): each
// hint lists and sorts every operation name, about 30 KB, so a file of two
// million misspelled calls took minutes and gigabytes to check. Compiling
// 20,000 of them allocates what the hint-less errors need (before: over
// 30 KB a call).
func TestUnknownOperationHintsBounded(t *testing.T) {
	const n = 20_000
	src := []byte("func helper(x) {\n  return x\n}\n" + strings.Repeat("helpr(1)\n", n))
	f, err := lang.Parse("many.mms", src)
	if err != nil {
		t.Fatal(err)
	}
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	_, err = Compile(f)
	goruntime.ReadMemStats(&after)
	var l lang.ErrorList
	if !errors.As(err, &l) || len(l) != lang.MaxErrors+1 {
		t.Fatalf("Compile: %v", err)
	}
	if got, want := l[0].Msg, "unknown operation helpr (did you mean helper?)"; got != want {
		t.Errorf("first error %q, want %q", got, want)
	}
	perCall := (after.TotalAlloc - before.TotalAlloc) / n
	if perCall > 4<<10 {
		t.Errorf("compiling allocated %d bytes a misspelled call, want at most 4 KiB", perCall)
	}
}
