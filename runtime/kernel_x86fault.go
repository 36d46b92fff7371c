package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The x86 page fault of the kernel library (kernel/x86_fault.mms):
// do_user_addr_fault and the accesses that raise it (touch, the user
// copies) and GUP's unlocked entries are library paths; the step of their
// own is the CPU's access (cpu_access), through the TLB or the hardware
// walk, which the fault follows when it misses.

// readX86Fault: the kernel sources kernel/x86_fault.mms was written from.
const readX86Fault = "torvalds/linux@0069455bcbf9 arch/x86/mm/fault.c (do_user_addr_fault, access_error), arch/x86/include/asm/uaccess_64.h, read"

// x86 page fault error code bits (arch/x86/include/asm/trap_pf.h).
const (
	X86_PF_PROT  = 1 << 0
	X86_PF_WRITE = 1 << 1
	X86_PF_USER  = 1 << 2
	X86_PF_INSTR = 1 << 4
)

func init() {
	for name, x := range map[string]struct {
		v   int64
		doc string
	}{
		"X86_PF_PROT":  {X86_PF_PROT, "arch/x86/include/asm/trap_pf.h: the page fault error code's bit 0: 0 a not-present page, 1 a protection fault"},
		"X86_PF_WRITE": {X86_PF_WRITE, "arch/x86/include/asm/trap_pf.h: bit 1: 0 a read, 1 a write (do_user_addr_fault: FAULT_FLAG_WRITE)"},
		"X86_PF_USER":  {X86_PF_USER, "arch/x86/include/asm/trap_pf.h: bit 2: the access came from user mode; mmscript's do_user_addr_fault takes it for user_mode(regs) (FAULT_FLAG_USER: the per-VMA lock is tried first)"},
		"X86_PF_INSTR": {X86_PF_INSTR, "arch/x86/include/asm/trap_pf.h: bit 4: an instruction fetch (FAULT_FLAG_INSTRUCTION)"},
	} {
		Constants[name] = x.v
		constDocs[name] = x.doc
	}
	const faultC = "arch/x86/mm/fault.c"
	citeTable["do_user_addr_fault"] = []Cite{cite(faultC, "do_user_addr_fault()",
		"none on the locks: if (!(flags & FAULT_FLAG_USER)) goto lock_mmap; vma = lock_vma_under_rcu(mm, address); ... fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs); "+
			"if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED))) vma_end_read(vma); ... lock_mmap: retry: vma = lock_mm_and_find_vma(mm, address, regs); ... "+
			"if (unlikely(fault & VM_FAULT_RETRY)) { flags |= FAULT_FLAG_TRIED; goto retry; } mmap_read_unlock(mm);", readX86Fault)}
	citeTable["do_user_addr_fault"] = append(citeTable["do_user_addr_fault"], cite(faultC, "do_user_addr_fault(), __bad_area_nosemaphore()",
		"if (unlikely(faulthandler_disabled() || !mm)) { bad_area_nosemaphore(regs, error_code, address); return; } -> if (!user_mode(regs)) { kernelmode_fixup_or_oops(...); return; } ... force_sig_fault(SIGSEGV, ...)", readPagefault))
	citeTable["cpu_access"] = []Cite{cite(faultC, "exc_page_fault(), handle_page_fault()",
		"address = read_cr2(); ... handle_page_fault(regs, error_code, address) -> do_user_addr_fault(regs, error_code, address)", readX86Fault)}
	sequenceTable["do_user_addr_fault"] = "/* arch/x86/mm/fault.c: do_user_addr_fault() */\nvma = lock_vma_under_rcu(mm, address);\n" +
		"fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs);\nif (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))\n\tvma_end_read(vma);\n" +
		"/* else, and for a kernel-mode fault: */\nvma = lock_mm_and_find_vma(mm, address, regs);\nfault = handle_mm_fault(vma, address, flags, regs);\nmmap_read_unlock(mm);"
	sequenceTable["cpu_access"] = sequenceTable["do_user_addr_fault"]
	citeTable["gup_check_unlocked"] = []Cite{cite("mm/gup.c", "get_user_pages_unlocked(), gup_fast_fallback()",
		"none: __gup_longterm_locked(current->mm, start, nr_pages, pages, NULL, gup_flags) takes mmap_read_lock_killable() itself; "+
			"internal_get_user_pages_fast(): if (!(gup_flags & FOLL_FAST_ONLY)) might_lock_read(&current->mm->mmap_lock)", readGUP)}
	sequenceTable["gup_check_unlocked"] = "/* no mmap lock held: GUP takes it */\nn = get_user_pages_unlocked(start, nr, pages, FOLL_WRITE);\n/* or */\nn = get_user_pages_fast(start, nr, FOLL_WRITE, pages);"

	faultRules := []*Rule{ruleStaleTLB, ruleFaultLock, ruleHandlerKeepsLock, ruleDroppedFaultLock, ruleRetryHoldingLock}
	mmP, addrP := Param{Name: "mm", Type: TMM}, Param{Name: "addr", Type: TInt}

	defOp(&Op{Name: "do_user_addr_fault", Path: true, Touches: touchesLocksOnly,
		Params: []Param{mmP, {Name: "error_code", Type: TInt}, {Name: "address", Type: TInt}}, Result: TInt,
		API: register(&API{Name: "do_user_addr_fault", Section: "2.18",
			Hold: "nothing of this mm: a user-mode fault holds nothing; a kernel-mode one (a uaccess) no mmap lock",
			Takes: "nothing when faulthandler_disabled() (pagefault_disable(), or a spinlock: in_atomic()): bad_area_nosemaphore(); else " +
				"user mode: lock_vma_under_rcu -> handle_mm_fault(FAULT_FLAG_VMA_LOCK) -> vma_end_read; on VM_FAULT_RETRY, and for a kernel-mode fault: lock_mm_and_find_vma (mmap read lock; the write lock to grow a stack) -> handle_mm_fault -> mmap_read_unlock, again with FAULT_FLAG_TRIED after VM_FAULT_RETRY",
			Sleeps: "yes",
			Source: "arch/x86/mm/fault.c: do_user_addr_fault(), access_error()",
			Notes: "a kernel path of the kernel library (kernel/x86_fault.mms); error_code holds X86_PF_WRITE for a write and X86_PF_USER for a user-mode access; " +
				"returns 0 when the access may go on, else the fault's VM_FAULT_ERROR bits (VM_FAULT_SIGSEGV for a bad area or an access error), where the kernel " +
				"sends the signal or runs the exception fixup. touch and the user copies fault through it; a script's do_user_addr_fault(mm, error_code, address) replaces it",
			Cites: citeTable["do_user_addr_fault"], Sequence: sequenceTable["do_user_addr_fault"],
			Rules: faultRules})})

	defOp(&Op{Name: "cpu_access", Params: []Param{mmP, addrP, {Name: "error_code", Type: TInt}}, Result: TBool,
		API: register(&API{Name: "cpu_access", Section: "-",
			Hold: "as the access: nothing for user code, no mmap lock of this mm for a user-mode access", Takes: "nothing", Sleeps: "no",
			Source: "the CPU (no kernel function): the TLB lookup and the hardware page walk; a miss is exc_page_fault() (arch/x86/mm/fault.c)",
			Notes: "the load (error_code without X86_PF_WRITE) or store of one instruction to addr on this thread's CPU: true when it goes through this CPU's TLB " +
				"or the hardware walk (which fills the TLB and sets the accessed and, for a store, dirty bits), false for a page fault (the CPU drops its entry " +
				"for addr: Intel SDM vol. 3, 4.10.4.1); kernel/x86_fault.mms runs do_user_addr_fault then and the access again. A stale TLB entry that reaches a freed " +
				"page is reported. With X86_PF_USER, holding this mm's mmap lock is reported: a fault would take it again; so is pagefault_disable() still in effect " +
				"(the thread is back in user mode with its faults disabled)",
			Rules: []*Rule{ruleStaleTLB, ruleMightFault, rulePagefaultAtUserReturn}}),
		// The walk reads the entry's mapping and sets its accessed and
		// dirty bits; the TLB entry and the pages are the ones the access
		// uses (cpuAccessTouches).
		Touches: func(c *Call, f *Footprint) {
			m := mmArg(c, 0)
			f.PTEYoung(m, c.addr(1))
			if m != nil {
				cpuAccessTouches(c, f, m, c.addr(1), c.int(2)&X86_PF_WRITE != 0)
			}
		},
		Fn: func(c *Call) Result {
			m, addr, code := c.mm(0), c.addr(1), c.int(2)
			if code&X86_PF_USER != 0 {
				// user code runs: the thread went back to user mode
				c.K.checkPagefaultUserReturn(c.T, fmt.Sprintf("user access at %#x", uint64(addr)))
				if h := m.MmapLock.heldBy(c.T); h != 0 {
					c.K.violate(c.T, ruleMightFault, fmt.Sprintf("user access while holding %s (%s): a fault would take it again", m.MmapLock.Name, h))
				}
			}
			return done(Bool(c.cpuAccess(m, addr, code&X86_PF_WRITE != 0)))
		}})

	defOp(&Op{Name: "touch", Path: true, Touches: touchesLocksOnly,
		Params: []Param{mmP, addrP, {Name: "access", Type: TWord, Words: []string{"read", "write"}, Optional: true, Default: Word("read")}},
		Result: TBool,
		API: register(&API{Name: "touch", Section: "2.18",
			Hold:   "no mmap lock of this mm (a user access may fault, and the fault takes it)",
			Takes:  "the CPU's access; on a miss the x86 fault path: lock_vma_under_rcu -> handle_mm_fault(FAULT_FLAG_VMA_LOCK) -> vma_end_read; on RETRY or no VMA lock, lock_mm_and_find_vma (mmap read lock; the write lock to grow a stack) -> handle_mm_fault -> mmap_read_unlock; then the access again",
			Sleeps: "yes",
			Source: "arch/x86/mm/fault.c: do_user_addr_fault(); mm/mmap_lock.c: lock_mm_and_find_vma()",
			Notes: "a user-mode access to addr by this thread's CPU; returns false when it would get SIGSEGV or SIGBUS. A kernel path of the kernel library " +
				"(kernel/x86_fault.mms: cpu_access, then do_user_addr_fault and the access again on a miss). " +
				"Only user-mode faults try the per-VMA lock first: a kernel-mode fault (uaccess from a syscall) goes straight to " +
				"lock_mm_and_find_vma (arch/x86/mm/fault.c: do_user_addr_fault() \"if (!(flags & FAULT_FLAG_USER)) goto lock_mmap\")",
			Rules: append([]*Rule{ruleMightFault}, faultRules...)})})

	rawCopy := func(name, src string) {
		defOp(&Op{Name: name, Path: true, Touches: touchesLocksOnly,
			Params: []Param{mmP, addrP, {Name: "n", Type: TInt}}, Result: TInt,
			API: register(&API{Name: name, Section: "-", Hold: "as the user copy that calls it", Sleeps: "yes (a fault)",
				Takes:  "per page: the TLB, or a kernel-mode fault (arch/x86/mm/fault.c: do_user_addr_fault() without FAULT_FLAG_USER goes straight to lock_mm_and_find_vma: mmap read lock -> handle_mm_fault -> unlock)",
				Source: src,
				Notes: "returns the number of bytes not copied (0 on success); the step after might_fault() in copy_to_user/copy_from_user; a kernel path of the kernel library (kernel/x86_fault.mms: copy_user_generic). " +
					"With page faults disabled (pagefault_disable(), a spinlock) a page that is not present ends the copy without a lock taken (the exception table's fixup)",
				Rules: faultRules})})
	}
	rawCopy("raw_copy_to_user", "arch/x86/include/asm/uaccess_64.h: raw_copy_to_user() -> copy_user_generic(); a fault goes to exc_page_fault()")
	rawCopy("raw_copy_from_user", "arch/x86/include/asm/uaccess_64.h: raw_copy_from_user() -> copy_user_generic(); a fault goes to exc_page_fault()")

	defOp(&Op{Name: "gup_check_unlocked", Params: []Param{mmP, {Name: "caller", Type: TString}},
		API: register(&API{Name: "gup_check_unlocked", Section: "-", Hold: "no mmap lock of this mm", Takes: "nothing", Sleeps: "no",
			Source: "mm/gup.c: get_user_pages_unlocked(), internal_get_user_pages_fast() might_lock_read(&current->mm->mmap_lock)",
			Notes: "mmscript's check at the entry of get_user_pages_unlocked() and get_user_pages_fast() (kernel/gup.mms, kernel/gup_fast.mms), which take the mmap lock " +
				"themselves; the kernel has no such check: lockdep reports the nested mmap_read_lock (or might_lock_read) as possible recursive locking",
			Rules: []*Rule{ruleGUPUnlocked}}),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			m := c.mm(0)
			if h := m.MmapLock.heldBy(c.T); h != 0 {
				c.K.violate(c.T, ruleGUPUnlocked, fmt.Sprintf("%s while holding %s (%s): it takes the lock itself", c.Args[1].Obj.(string), m.MmapLock.Name, h))
			}
			return ok
		}})

	for _, name := range []string{"get_user_pages_unlocked", "get_user_pages_fast"} {
		api := &API{Name: name, Section: "2.12", Hold: "no mmap lock of this mm",
			Takes: "mmap_read_lock (killable) -> walk and faults with FAULT_FLAG_ALLOW_RETRY|KILLABLE (FOLL_UNLOCKABLE: a fault may drop the lock, " +
				"GUP re-takes it and retries the page with FAULT_FLAG_TRIED) -> mmap_read_unlock", Sleeps: "yes",
			Asserts: "none explicit (lockdep sees the recursion)", Source: "mm/gup.c: get_user_pages_unlocked()",
			Notes: "a kernel path of the kernel library (kernel/gup.mms: __get_user_pages_locked with locked NULL); returns the number of pages, " +
				"each stored with a reference in array when given (put_page)",
			Rules: []*Rule{ruleGUPUnlocked, ruleRecursive, ruleSleepInAtomic}}
		if name == "get_user_pages_fast" {
			api.Section = "2.13"
			api.Takes = "IRQs off lockless walk of present PTEs -> [fallback __gup_longterm_locked(FOLL_UNLOCKABLE): mmap_read_lock -> faults that may drop and re-take it -> unlock]"
			api.Sleeps = "only the fallback"
			api.Asserts = "might_lock_read(&mm->mmap_lock)"
			api.Source = "mm/gup.c: get_user_pages_fast(), gup_fast_fallback()"
			api.Notes = "a kernel path of the kernel library (kernel/gup_fast.mms: gup_fast, then __get_user_pages_locked for the rest); returns the number of pages, " +
				"each stored with a reference in array when given (put_page)"
			api.Rules = append(api.Rules, ruleRCUUseAfterFree, rulePMDNotRevalidated)
		}
		withMMForm(defOp(&Op{Name: name, Path: true, Touches: touchesLocksOnly, Params: gupKernelParams(name, name == "get_user_pages_unlocked"), Result: TInt, API: register(api)}), gupMMParams())
	}
}

// ruleGUPUnlocked: get_user_pages_unlocked() and get_user_pages_fast()
// called with the mmap lock their own mmap_read_lock takes again.
var ruleGUPUnlocked = &Rule{"get_user_pages_unlocked/mmap-lock-held",
	"get_user_pages_unlocked() and get_user_pages_fast() take the mmap lock themselves: the caller must not hold it",
	"mm/gup.c: get_user_pages_unlocked() (its mmap_read_lock nests in the caller's: lockdep \"possible recursive locking\"); internal_get_user_pages_fast() might_lock_read()", Lockdep}

// cpuAccessTouches records what cpuAccess (mmcore TLB.lookup) uses of
// the TLB and the pages in the state the step runs in, as the CPU does.
// The TLB: this CPU's entry for addr is read; it changes only when a miss
// walks to a present, permitted entry (the fill: a TLBOwnCPU change, which
// caches the current entry and so makes no entry stale) or a store finds a
// read-only cached entry (the fault drops it: a write, as the dropped entry
// may be the stale one the TLB checks that read every CPU's entries,
// tlb/flush-before-ptl-drop at pte_unmap_unlock and the tlb_flush_pending
// records, look for); a read of this CPU's entry otherwise, which those
// checks need not be ordered with. The pages: the page the cached entry reaches
// (a hit checks whether it was freed) and the page addr's entry maps now
// (a miss walks to it and caches it with its generation; a store through
// a current translation sets its dirty and data, markDirty: a write).
// Another step that changes which page either names changes the TLB
// entry (a flush: a write of the TLB) or the page-table entry (PTEYoung's
// walk), so the two conflict there. A huge PMD (markDirty dirties the
// folio and a subpage) is every page, as ZappedPages declares it.
func cpuAccessTouches(c *Call, f *Footprint, m *mmcore.MM, addr mmcore.Addr, write bool) {
	pte, p, hit := m.TLB.CachedEntry(c.T.CPU, addr)
	if hit && p != nil {
		f.PageAndFolio(p, write)
	}
	w := m.Walk(addr)
	fills := !hit && w.Present() && w.Entry.Accessible() && (!write || w.Entry.Writable())
	if hit && write && !pte.Writable() {
		// The fault drops an entry the checks that read every CPU's
		// entries may find stale (a protection change not flushed
		// yet): before the drop they report it, after it they do not.
		// A write of the TLB, then, not this CPU's own Shared update.
		f.TLB(m, true)
	} else {
		f.TLBOwnCPU(m, fills)
	}
	if w.Huge() {
		f.AllPages(write)
		return
	}
	if w.Present() {
		if p := m.Memory().Page(w.Entry.PFN()); p != nil {
			f.PageAndFolio(p, write)
		}
	}
}

// cpuAccess is the access of one instruction by the task's CPU: through
// its TLB if it has a translation, else through the hardware walk; false
// is a page fault, which drops this CPU's entry for addr.
func (c *Call) cpuAccess(m *MM, addr mmcore.Addr, write bool) bool {
	tr, hit := m.Core.TLB.Translate(c.T.CPU, addr)
	if write {
		tr, hit = m.Core.TLB.TranslateWrite(c.T.CPU, addr)
	}
	// A stale translation to a live page is the normal window between
	// clearing an entry and the flush; one that reaches a freed page means
	// the page was freed before the flush.
	if hit && tr.Hit && tr.UseAfterFree {
		if !tr.Stale {
			// the page tables still map it: nothing unmapped the page
			// before it was freed (a PFN map's driver that freed its
			// memory before revoking the mappings), no flush was late
			c.K.violate(c.T, ruleStaleTLB, fmt.Sprintf("user access at %#x on CPU %d reached a freed page through a TLB entry the page tables still hold (the page was freed while still mapped, before any unmap and TLB flush)", uint64(addr), c.T.CPU))
			return true
		}
		c.K.violate(c.T, ruleStaleTLB, fmt.Sprintf("user access at %#x on CPU %d used a stale TLB entry reaching a freed page (the page was freed before the TLB flush)", uint64(addr), c.T.CPU))
		return true
	}
	// A store through a stale dirty translation to a page-cache folio
	// that writeback has cleaned: folio_mkclean() did not reach this
	// mapping (the zap had removed the rmap before its TLB flush), so
	// nothing records the new contents. The store itself succeeds.
	if hit && tr.Hit && tr.LostWrite {
		c.K.violate(c.T, ruleLostWrite, fmt.Sprintf("user write at %#x on CPU %d went through a stale dirty TLB entry to pfn %#x after writeback cleaned its folio: "+
			"the entry had been zapped and the folio's rmap removed before the TLB flush, so folio_mkclean() found the folio unmapped and did not wait for the flush; "+
			"the written data is lost (the real kernel does not notice)", uint64(addr), c.T.CPU, uint64(tr.PFN)))
		return true
	}
	if !hit {
		m.Core.TLB.FlushPage(c.T.CPU, addr)
	}
	return hit
}
