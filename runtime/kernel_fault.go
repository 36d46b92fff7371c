package runtime

import (
	"fmt"
	"strings"

	"github.com/mmscript/mmscript/mmcore"
)

// The atomic steps of the page fault (kernel/fault.mms): the struct vm_fault with its sanitized flags, the
// table allocation and the lockless reads of the PMD and the PTE, the
// changes made under the PTE or PMD lock (mmcore's fault steps), and the
// calls of the vm_operations_struct handlers, each checked on return. The
// locks between them (lock_vma_under_rcu, pte_offset_map_lock, the
// release on VM_FAULT_RETRY) are the library's, statement by statement.

// readFaultPaths: the kernel sources the fault library was written from.
const readFaultPaths = "torvalds/linux mm/memory.c, mm/huge_memory.c, arch/x86/mm/fault.c (mainline 2026), read"

// VM_FAULT_FALLBACK is include/linux/mm_types.h's "huge page fault
// failed, fall back to small".
const VM_FAULT_FALLBACK = 0x000800

func init() {
	for name, v := range map[string]int64{
		"VM_FAULT_FALLBACK": VM_FAULT_FALLBACK,
		"_PAGE_PRESENT":     int64(mmcore.PTEPresent), "_PAGE_RW": int64(mmcore.PTEWrite), "_PAGE_SPECIAL": int64(mmcore.PTESpecial),
		"PTRS_PER_PTE": mmcore.PTRS_PER_TABLE,
	} {
		Constants[name] = v
	}
	const memC = "mm/memory.c"
	c := func(name string, cs ...Cite) { citeTable[name] = append(citeTable[name], cs...) }
	c("sanitize_fault_flags", cite(memC, "handle_mm_fault()", "ret = sanitize_fault_flags(vma, &flags); ... ret = __handle_mm_fault(vma, address, flags) (struct vm_fault vmf = { .vma = vma, .address = address & PAGE_MASK, .flags = flags, .pgoff = linear_page_index(vma, address) })", readFaultPaths))
	c("sanitize_fault_flags", cite(memC, "__handle_mm_fault()", "p4d = p4d_alloc(mm, pgd, address); vmf.pud = pud_alloc(mm, p4d, address); vmf.pmd = pmd_alloc(mm, vmf.pud, address); if (!vmf.pmd) return VM_FAULT_OOM; ... vmf.orig_pmd = pmdp_get_lockless(vmf.pmd)", readFaultPaths))
	c("thp_vma_allowable_order", cite(memC, "__handle_mm_fault()", "if (pmd_none(*vmf.pmd) && thp_vma_allowable_order(vma, vm_flags, TVA_PAGEFAULT, PMD_ORDER)) { ret = create_huge_pmd(&vmf); ... }", readFaultPaths),
		cite("mm/huge_memory.c", "__thp_vma_allowable_orders()", "\"Trust that ->huge_fault() handlers know what they are doing in fault path.\"", readFaultPaths))
	c("sanitize_fault_flags", cite(memC, "sanitize_fault_flags()",
		"if (unlikely(*flags & FAULT_FLAG_UNSHARE)) { if (WARN_ON_ONCE(*flags & FAULT_FLAG_WRITE)) return VM_FAULT_SIGSEGV; if (!is_cow_mapping(vma->vm_flags)) *flags &= ~FAULT_FLAG_UNSHARE; } "+
			"else if (*flags & FAULT_FLAG_WRITE) { if (WARN_ON_ONCE(!(vma->vm_flags & VM_MAYWRITE))) return VM_FAULT_SIGSEGV; "+
			"if (WARN_ON_ONCE(!(vma->vm_flags & VM_WRITE) && !is_cow_mapping(vma->vm_flags))) return VM_FAULT_SIGSEGV; } "+
			"#ifdef CONFIG_PER_VMA_LOCK if (WARN_ON_ONCE((*flags & (FAULT_FLAG_VMA_LOCK | FAULT_FLAG_RETRY_NOWAIT)) == (FAULT_FLAG_VMA_LOCK | FAULT_FLAG_RETRY_NOWAIT))) return VM_FAULT_SIGSEGV; #endif",
		readFaultFlags))
	c("sanitize_fault_flags", cite(memC, "handle_pte_fault()", "vmf->pte = pte_offset_map_rw_nolock(vmf->vma->vm_mm, vmf->pmd, vmf->address, &dummy_pmdval, &vmf->ptl); vmf->orig_pte = ptep_get_lockless(vmf->pte); if (pte_none(vmf->orig_pte)) { pte_unmap(vmf->pte); vmf->pte = NULL; }", readFaultPaths))
	c("vmf_pte_offset_map_lock", cite(memC, "do_anonymous_page(), finish_fault(), wp_page_copy(), finish_mkwrite_fault()", "vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address, &vmf->ptl); if (!vmf->pte) goto ...", readFaultPaths))
	c("set_ptes_locked", cite(memC, "do_anonymous_page()", "vmf->pte = pte_offset_map_lock(); if (vmf_pte_changed(vmf)) goto release; folio_add_new_anon_rmap(); setpte: set_ptes(vma->vm_mm, addr, vmf->pte, entry, nr_pages)", readFaultPaths),
		cite(memC, "wp_page_copy()", "vmf->pte = pte_offset_map_lock(); if (likely(vmf->pte && pte_same(ptep_get(vmf->pte), vmf->orig_pte))) { ptep_clear_flush(vma, vmf->address, vmf->pte); folio_add_new_anon_rmap(); set_pte_at_notify() }", readFaultPaths))
	c("set_pte_range_locked", cite(memC, "finish_fault()", "vmf->pte = pte_offset_map_lock(); if (!pte_none(ptep_get(vmf->pte))) ret = VM_FAULT_NOPAGE; else set_pte_range(vmf, folio, page, nr_pages, addr); pte_unmap_unlock()", readFaultPaths))
	c("wp_page_reuse_locked", cite(memC, "wp_page_reuse()", "entry = pte_mkyoung(vmf->orig_pte); entry = maybe_mkwrite(pte_mkdirty(entry), vma); ptep_set_access_flags(); pte_unmap_unlock(vmf->pte, vmf->ptl)", readFaultPaths))
	c("__do_fault", cite(memC, "__do_fault()", "ret = vma->vm_ops->fault(vmf); if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY | VM_FAULT_DONE_COW))) return ret; ... if (unlikely(!(ret & VM_FAULT_LOCKED))) folio_lock(folio)", readFaultPaths))
	c("do_page_mkwrite", cite(memC, "do_page_mkwrite()", "vmf->flags = FAULT_FLAG_WRITE|FAULT_FLAG_MKWRITE; ret = vmf->vma->vm_ops->page_mkwrite(vmf); vmf->flags = old_flags; if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))) return ret;", readFaultPaths))
	c("vm_ops_pfn_mkwrite", cite(memC, "wp_pfn_shared()", "vmf->flags |= FAULT_FLAG_MKWRITE; ret = vma->vm_ops->pfn_mkwrite(vmf); if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) return ret; return finish_mkwrite_fault(vmf, NULL);", readFaultPaths))
	c("vm_ops_map_pages", cite(memC, "do_fault_around()", "rcu_read_lock(); ret = vmf->vma->vm_ops->map_pages(vmf, vmf->pgoff + from_pte - pte_off, vmf->pgoff + to_pte - pte_off); rcu_read_unlock();", readFaultPaths))
	c("vm_ops_huge_fault", cite(memC, "create_huge_pmd(), wp_huge_pmd()", "if (vma->vm_ops->huge_fault) return vma->vm_ops->huge_fault(vmf, PMD_ORDER); return VM_FAULT_FALLBACK;", readFaultPaths))
	for _, n := range []string{"__do_huge_pmd_anonymous_page", "do_huge_pmd_wp_page", "huge_pmd_set_accessed"} {
		c(n, cite("mm/huge_memory.c", n+"()", "vmf->ptl = pmd_lock(vma->vm_mm, vmf->pmd); if (unlikely(!pmd_same(*vmf->pmd, vmf->orig_pmd))) goto unlock; ... spin_unlock(vmf->ptl)", readFaultPaths))
	}
	const faultSeq = "/* arch/x86/mm/fault.c: do_user_addr_fault() */\nvma = lock_vma_under_rcu(mm, address);\n" +
		"fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs);\n" +
		"if (!(fault & (VM_FAULT_RETRY | VM_FAULT_COMPLETED)))\n\tvma_end_read(vma);"
	for _, n := range []string{"sanitize_fault_flags", "thp_vma_allowable_order", "vmf_pte_offset_map_lock",
		"set_ptes_locked", "set_pte_range_locked", "wp_page_reuse_locked", "__do_fault", "do_page_mkwrite", "vm_ops_pfn_mkwrite", "vm_ops_map_pages",
		"vm_ops_huge_fault", "__do_huge_pmd_anonymous_page", "do_huge_pmd_wp_page", "huge_pmd_set_accessed"} {
		sequenceTable[n] = faultSeq
	}
}

func (c *Call) vmf(i int) *VMF { return c.Args[i].Obj.(*VMF) }

// vmfMM is the mm of the vm_fault argument i, for footprints.
func vmfMM(c *Call, i int) *mmcore.MM {
	if i < len(c.Args) {
		if f, ok := c.Args[i].Obj.(*VMF); ok && f != nil && f.VMA != nil {
			return f.VMA.MM()
		}
	}
	return nil
}

// faultStepTouches: a fault step reads the VMA tree and writes the page
// tables, the TLB and the pages of its mm (and allocates).
func faultStepTouches(c *Call, f *Footprint) {
	faultStepTouchesExceptPages(c, f)
	f.AllPages(true)
}

// faultStepTouchesExceptPages is faultStepTouches without the pages.
// mmcore's anonymous, COW and huge-PMD faults (do_anonymous_page,
// wp_page_copy, do_cow_fault, __do_huge_pmd_anonymous_page) give a VMA
// without an anon_vma one (PrepareAnonVMA) where the kernel's
// vmf_anon_prepare did it in an earlier step and a script may not have:
// then the step writes the VMA (vmfMayPrepareAnonVMA).
func faultStepTouchesExceptPages(c *Call, f *Footprint) {
	m := vmfMM(c, 0)
	f.MM(m, vmfMayPrepareAnonVMA(c))
	f.PTEs(m, true)
	f.TLB(m, true)
	f.Alloc()
}

// vmfMayPrepareAnonVMA: the VMA of the vm_fault argument has no anon_vma
// and may get one in a fault: it is anonymous (shared anonymous memory
// too, which mmscript's do_anonymous_page prepares) or private. A shared
// file mapping never gets one.
func vmfMayPrepareAnonVMA(c *Call) bool {
	vmf, _ := c.Args[0].Obj.(*VMF)
	if vmf == nil || vmf.VMA == nil {
		return false
	}
	v := vmf.VMA
	return v.AnonVMA() == nil && (v.File() == nil || v.Flags&mmcore.VM_SHARED == 0)
}

// setPtesLockedTouches: in an anonymous VMA, do_anonymous_page's and
// wp_page_copy's section under the PTE lock changes no page but the one
// the fault address maps now (a COW's source loses a mapping and a
// reference; a reuse or a spurious fault marks it dirty) and a new one,
// which comes from the allocator (Alloc): a fault on a none entry maps the
// zero page or a page nobody else can reach yet. So two faults that map
// different pages commute on the pages; they still meet on the page
// tables. A VMA without an anon_vma gets one here (see
// faultStepTouchesExceptPages). A file, driver or PFN mapping (the page
// cache, ->fault) and a swap or migration entry keep the whole-page
// declaration.
func setPtesLockedTouches(c *Call, f *Footprint) {
	vmf, _ := c.Args[0].Obj.(*VMF)
	if vmf == nil || vmf.VMA == nil || !vmf.VMA.Anonymous() {
		faultStepTouches(c, f)
		return
	}
	v := vmf.VMA
	m := v.MM()
	w := m.Walk(vmf.Address)
	if w.Entry != 0 && !w.Present() {
		faultStepTouches(c, f)
		return
	}
	faultStepTouchesExceptPages(c, f)
	if w.Present() {
		f.PageAndFolio(m.Memory().Page(w.Entry.PFN()), true)
	}
}

func init() {
	vmfP := Param{Name: "vmf", Type: TVMF}
	step := func(name, hold, takes, notes string, rules ...*Rule) *API {
		return register(&API{Name: name, Section: "-", Hold: hold, Takes: takes, Sleeps: "no",
			Source: citeTable[name][0].File + ": " + citeTable[name][0].Func,
			Notes:  notes + " (a step of the kernel library's fault path: `mmscript explain handle_mm_fault`)",
			Rules:  rules})
	}

	defOp(&Op{Name: "sanitize_fault_flags", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "address", Type: TInt},
		{Name: "flags", Type: TWord, Words: faultFlagWords, Optional: true, Default: Word("read"), FromInt: faultFlagWord}},
		Result: TVMF,
		API: step("sanitize_fault_flags", "the fault lock: the mmap lock, or the VMA read lock with FAULT_FLAG_VMA_LOCK", "nothing",
			"handle_mm_fault()'s first step: sanitize_fault_flags()'s checks of the flags against the VMA (each a WARN_ON_ONCE: FAULT_FLAG_UNSHARE with "+
				"FAULT_FLAG_WRITE; a write without VM_MAYWRITE, or without VM_WRITE on a mapping that is not COW; FAULT_FLAG_VMA_LOCK with "+
				"FAULT_FLAG_RETRY_NOWAIT; FAULT_FLAG_UNSHARE is cleared on a mapping that is not COW), then "+
				"the struct vm_fault of __handle_mm_fault() (vmf.write, vmf.vma_lock, vmf.allow_retry, vmf.retry_nowait, vmf.tried), or nil "+
				"(VM_FAULT_SIGSEGV) for a broken check or an address outside the VMA, with __handle_mm_fault()'s lockless walk: p4d_alloc, pud_alloc and pmd_alloc "+
				"(mm->page_table_lock for a new table; vmf.oom when one fails), the PMD (vmf.pmd_none, vmf.pmd_trans_huge, vmf.pmd_write: "+
				"pmdp_get_lockless) and the PTE (vmf.orig_pte: ptep_get_lockless, 0 when none) as they are at this step. mmscript checks here that the fault lock is held (the kernel checks it only in "+
				"assert_fault_locked() of some sub-paths) and that the fault may sleep",
			append([]*Rule{ruleFaultLock, ruleSleepInAtomic}, sanitizeFaultRules...)...),
		// The walk writes the page tables only when an upper table is
		// missing (AllocPMD); the footprint is taken in the state the step
		// runs in.
		Touches: func(c *Call, f *Footprint) {
			m := vmaMM(c, 0)
			f.MM(m, false)
			if m != nil && m.Walk(c.addr(1)).PMD() == nil {
				f.PTEs(m, true)
				f.Alloc()
				return
			}
			f.PTEs(m, false)
		},
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)
			w := faultFlagSet(c.word(2))
			c.T.MightSleep("handle_mm_fault")
			unlocked := !c.faultLockHeld(v, w["vma_lock"])
			if unlocked {
				want := mmOf(v.MM()).MmapLock.Name
				if w["vma_lock"] {
					want = VMAName(v) + " read lock (FAULT_FLAG_VMA_LOCK)"
				}
				c.K.violate(c.T, ruleFaultLock, fmt.Sprintf("handle_mm_fault without %s held", want))
			}
			if r, ok := c.sanitizeFaultFlags(v, w); !ok {
				return r
			}
			if !v.Contains(addr) {
				return done(Nil)
			}
			vmf := &VMF{VMA: v, Address: addr &^ (mmcore.PageSize - 1), Write: w["write"], VMALock: w["vma_lock"],
				AllowRetry: w["allow_retry"], RetryNowait: w["retry_nowait"], Tried: w["tried"], heldVMA: w["vma_lock"], unlocked: unlocked,
				Owned: ownedBy(c.T)}
			// __handle_mm_fault(): p4d_alloc(), pud_alloc(), pmd_alloc()
			// (mm->page_table_lock publishes a new table), then the
			// lockless reads of the PMD and of the PTE.
			m := mmOf(v.MM())
			a, err := m.Core.AllocPMD(vmf.Address &^ (mmcore.PMD_SIZE - 1))
			if err != nil {
				vmf.oom = true
				return done(Obj(TVMF, vmf))
			}
			read := func() Result {
				w := m.Core.Walk(vmf.Address)
				vmf.pmdHuge = w.Huge()
				vmf.pmdNone = !w.Huge() && w.PTETable() == nil
				vmf.pmdWrite = w.Huge() && w.Entry.Writable()
				if w.Present() {
					vmf.origPTE = w.Entry
				}
				return done(Obj(TVMF, vmf))
			}
			if a.NeedsPageTableLock() {
				return c.touchLocks([]*Lock{m.PageTableLock}, read)
			}
			return read()
		}})

	defOp(&Op{Name: "thp_vma_allowable_order", Params: []Param{vmfP}, Result: TBool,
		API: step("thp_vma_allowable_order", "the fault lock", "nothing",
			"whether the fault may map a PMD-sized page at a none PMD (TVA_PAGEFAULT, PMD_ORDER): an anonymous VMA as THP's sysfs settings and "+
				"VM_HUGEPAGE/VM_NOHUGEPAGE allow, a driver's VMA only with ->huge_fault and VM_HUGEPAGE; the range must fit the VMA (thp_vma_suitable_order)"),
		Touches: func(c *Call, f *Footprint) { m := vmfMM(c, 0); f.MM(m, false); f.PTEs(m, false) },
		Fn: func(c *Call) Result {
			vmf := c.vmf(0)
			v := vmf.VMA
			// A write through a private mapping without VM_WRITE is GUP's
			// FOLL_FORCE: mmcore runs it at the PTE level.
			if vmf.Write && v.Flags&mmcore.VM_WRITE == 0 {
				return done(Bool(false))
			}
			o := opsOf(v)
			return done(Bool(mmOf(v.MM()).Core.THPFaultAllowed(v, vmf.Address, o != nil && o.HugeFault != nil)))
		}})

	hugeStep := func(name, notes string) {
		defOp(&Op{Name: name, Params: []Param{vmfP}, Result: TInt,
			API:     step(name, "the fault lock (and, for a new THP, the anon_vma: vmf_anon_prepare)", "the PMD lock (pmd_lock)", notes),
			Touches: faultStepTouches,
			Fn: func(c *Call) Result {
				vmf := c.vmf(0)
				v := vmf.VMA
				m := mmOf(v.MM())
				if vmf.Write && v.Flags&mmcore.VM_WRITE == 0 {
					return done(Int(VM_FAULT_FALLBACK)) // FOLL_FORCE: the PTE level's
				}
				pmd := m.Core.Walk(vmf.Address).PMD()
				if pmd == nil {
					// No PMD table (a vm_fault used after its fault, or
					// before __handle_mm_fault's pmd_alloc): nothing to lock.
					return done(Int(VM_FAULT_FALLBACK))
				}
				l := ptl(m, pmd)
				return c.lock(l, Write, func() Result {
					_, handled, err := m.Core.HugePMDFault(v, vmf.Address, vmf.Write)
					c.unlock(l, Write)
					switch {
					case err != nil:
						return done(Int(faultCode(err)))
					case !handled:
						return done(Int(VM_FAULT_FALLBACK))
					}
					return done(Int(0))
				})
			}})
	}
	hugeStep("__do_huge_pmd_anonymous_page", "under the PMD lock, if the PMD is still none: the huge zero page for a read, a new THP for a write; VM_FAULT_FALLBACK when no THP applies or the allocation fails")
	hugeStep("do_huge_pmd_wp_page", "under the PMD lock: reuse an exclusive THP, else split the PMD and return VM_FAULT_FALLBACK (the PTE level copies)")
	hugeStep("huge_pmd_set_accessed", "under the PMD lock: the huge PMD's accessed bit (a read, or a write to a writable huge PMD)")

	defOp(&Op{Name: "vmf_pte_offset_map_lock", Params: []Param{vmfP}, Result: TPTE,
		API: step("vmf_pte_offset_map_lock", "the fault lock", "RCU (pte_offset_map) -> the PTE lock of the fault address",
			"pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address, &vmf->ptl) of the fault path: nil, holding nothing, when there is no PTE table. "+
				"A fault that runs without its lock was reported once, at handle_mm_fault, and is not reported again here", ruleRecursive, ruleCircular),
		Touches: func(c *Call, f *Footprint) { m := vmfMM(c, 0); f.MM(m, false); f.PTEs(m, false) },
		Fn: func(c *Call) Result {
			vmf := c.vmf(0)
			m := mmOf(vmf.VMA.MM())
			if !vmf.unlocked {
				c.requireStable(m, vmf.Address, ruleTraverseLock)
			}
			t := m.Core.Walk(vmf.Address).PTETable()
			if t == nil {
				return done(Nil)
			}
			c.T.rcuLock()
			l := ptl(m, t)
			p := &PTE{MM: m, Addr: vmf.Address, Table: t, PTL: l, rcuSection: c.T.rcuSection}
			return c.lock(l, Write, func() Result { return done(Obj(TPTE, p)) })
		}})

	// The PTE lock sections: pte_offset_map_lock, the re-check, the
	// change and pte_unmap_unlock as one step (kernel/fault.mms says why).
	// A contended lock blocks the step in lockThen, whose continuation is
	// data: the step runs again from its start holding the lock.
	ptlSection := func(name, notes string, touches func(*Call, *Footprint), fn func(c *Call, vmf *VMF, cur mmcore.PTE) int64) {
		defOp(&Op{Name: name, Params: []Param{vmfP}, Result: TInt,
			API:     step(name, "the fault lock", "RCU (pte_offset_map) -> the PTE lock of the fault address, released at the end of the step", notes),
			Touches: touches,
			Fn: func(c *Call) Result {
				vmf := c.vmf(0)
				m := mmOf(vmf.VMA.MM())
				if !c.reentered {
					t := m.Core.Walk(vmf.Address).PTETable()
					if t == nil {
						return done(Int(0)) // !vmf->pte: the fault is retried
					}
					c.T.rcuLock()
					l := ptl(m, t)
					return c.lockThen(l, Write, grantReenter, Obj(TLock, l))
				}
				l := c.reenterValue.Obj.(*Lock)
				var code int64
				if t := m.Core.Walk(vmf.Address).PTETable(); t != nil && ptl(m, t) == l {
					cur := mmcore.PTE(0)
					if w := m.Core.Walk(vmf.Address); w.Present() {
						cur = w.Entry
					}
					code = fn(c, vmf, cur)
				}
				// else the table was freed or replaced while the step waited
				// for its lock (pmd_same fails in __pte_offset_map_lock):
				// nothing is changed and the fault is retried.
				c.release(l, Write)
				c.T.rcuUnlock()
				return done(Int(code))
			}})
	}
	ptlSection("set_ptes_locked", "do_anonymous_page's and wp_page_copy's section under the PTE lock: if the PTE is still what the fault read "+
		"(vmf_pte_changed, pte_same against vmf.orig_pte), mmcore's fault step: the zero page (read) or a new exclusive anonymous page (write; a file "+
		"without a script ops block: its page-cache page, as filemap_fault and finish_fault map it); for a read-only present PTE, the COW copy "+
		"(wp_page_copy) or the reuse of an exclusive anonymous page. A write through a private mapping without VM_WRITE is GUP's FOLL_FORCE. "+
		"0 (also when the PTE changed: the access faults again), or the vm_fault_t error",
		setPtesLockedTouches,
		func(c *Call, vmf *VMF, cur mmcore.PTE) int64 {
			if cur != vmf.origPTE {
				return 0
			}
			_, err := coreFault(mmOf(vmf.VMA.MM()), vmf.VMA, vmf.Address, vmf.Write)
			return faultCode(err)
		})
	ptlSection("set_pte_range_locked", "finish_fault's section under the PTE lock: maps the page ->fault returned (vmf.page) if the PTE is still none, "+
		"for a private write a copy of it (do_cow_fault); VM_FAULT_NOPAGE when it is not none",
		faultStepTouches,
		func(c *Call, vmf *VMF, cur mmcore.PTE) int64 {
			if cur.Present() {
				return VM_FAULT_NOPAGE
			}
			if vmf.Page == nil {
				return VM_FAULT_SIGBUS
			}
			_, err := mmOf(vmf.VMA.MM()).Core.FinishFault(vmf.VMA, vmf.Address, vmf.Page, vmf.Write)
			return faultCode(err)
		})
	ptlSection("wp_page_reuse_locked", "wp_page_reuse under the PTE lock (finish_mkwrite_fault, or wp_page_shared and wp_pfn_shared without a handler): "+
		"if the PTE is still what the fault read, makes it writable and dirty in place; else VM_FAULT_NOPAGE",
		faultStepTouches,
		func(c *Call, vmf *VMF, cur mmcore.PTE) int64 {
			if cur != vmf.origPTE || !cur.Present() {
				return VM_FAULT_NOPAGE
			}
			_, err := mmOf(vmf.VMA.MM()).Core.MkWrite(vmf.VMA, vmf.Address)
			return faultCode(err)
		})

	handlerRules := []*Rule{ruleHandlerKeepsLock, ruleDroppedFaultLock, ruleRetryHoldingLock, ruleNowaitDroppedLock}
	defOp(&Op{Name: "__do_fault", Params: []Param{vmfP}, Result: TInt,
		API: step("__do_fault", "the fault lock", "the VMA's ->fault",
			"calls ->fault(vmf) and checks its lock discipline on return. A page it returns becomes vmf.page (0); an int is its vm_fault_t, "+
				"where 0 or VM_FAULT_NOPAGE means the handler installed the PTE itself (VM_FAULT_NOPAGE when it did, else VM_FAULT_SIGBUS); "+
				"VM_FAULT_RETRY or VM_FAULT_COMPLETED when the fault lock is gone, and VM_FAULT_RETRY with it held under FAULT_FLAG_RETRY_NOWAIT (vmf.retry_nowait)", handlerRules...),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			vmf := c.vmf(0)
			o := opsOf(vmf.VMA)
			if o == nil || o.Fault == nil {
				return done(Int(VM_FAULT_SIGBUS))
			}
			return c.callFaultHandler(o.Fault, "fault handler "+o.Fault.Name, []Value{Obj(TVMF, vmf)}, vmf, func(ret Value, gone bool) Result {
				if c.T.dead {
					return done(Int(VM_FAULT_SIGBUS))
				}
				if gone {
					return done(Int(releasedCode(ret)))
				}
				switch ret.T {
				case TPage:
					vmf.Page = ret.Obj.(*mmcore.Page)
					return done(Int(0))
				case TInt:
					if ret.Int&^(VM_FAULT_NOPAGE|VM_FAULT_LOCKED) != 0 {
						return done(Int(ret.Int))
					}
				}
				return done(Int(installedCode(vmf)))
			})
		}})

	defOp(&Op{Name: "do_page_mkwrite", Params: []Param{vmfP}, Result: TInt,
		API: step("do_page_mkwrite", "the fault lock", "the VMA's ->page_mkwrite",
			"calls ->page_mkwrite with a vm_fault of its own whose flags are FAULT_FLAG_WRITE|FAULT_FLAG_MKWRITE (no FAULT_FLAG_VMA_LOCK, no "+
				"FAULT_FLAG_ALLOW_RETRY, whatever lock the fault holds), and checks it on return. Its VM_FAULT_ERROR or VM_FAULT_NOPAGE is returned; "+
				"a VM_FAULT_RETRY with the lock held means nothing to the core (0); VM_FAULT_RETRY or VM_FAULT_COMPLETED when the handler dropped the lock", handlerRules...),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			vmf := c.vmf(0)
			o := opsOf(vmf.VMA)
			if o == nil || o.PageMkwrite == nil {
				return done(Int(0))
			}
			mvmf := &VMF{Owned: ownedBy(c.T), VMA: vmf.VMA, Address: vmf.Address, Write: true, heldVMA: vmf.heldVMA, mkwrite: true}
			return c.callFaultHandler(o.PageMkwrite, "page_mkwrite handler "+o.PageMkwrite.Name, []Value{Obj(TVMF, mvmf)}, mvmf, mkwriteResult)
		}})

	defOp(&Op{Name: "vm_ops_pfn_mkwrite", Params: []Param{vmfP}, Result: TInt,
		API: step("vm_ops_pfn_mkwrite", "the fault lock", "the VMA's ->pfn_mkwrite",
			"calls ->pfn_mkwrite(vmf) with the fault's own flags (wp_pfn_shared ORs in FAULT_FLAG_MKWRITE) and checks it on return; its "+
				"VM_FAULT_ERROR or VM_FAULT_NOPAGE ends the fault; VM_FAULT_RETRY or VM_FAULT_COMPLETED when the handler dropped the lock", handlerRules...),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			vmf := c.vmf(0)
			o := opsOf(vmf.VMA)
			if o == nil || o.PfnMkwrite == nil {
				return done(Int(0))
			}
			return c.callFaultHandler(o.PfnMkwrite, "pfn_mkwrite handler "+o.PfnMkwrite.Name, []Value{Obj(TVMF, vmf)}, vmf, func(ret Value, gone bool) Result {
				if c.T.dead {
					return done(Int(VM_FAULT_SIGBUS))
				}
				return mkwriteResult(ret, gone)
			})
		}})

	defOp(&Op{Name: "vm_ops_map_pages", Params: []Param{vmfP, {Name: "start_pgoff", Type: TInt}, {Name: "end_pgoff", Type: TInt}}, Result: TInt,
		API: step("vm_ops_map_pages", "the fault lock and rcu_read_lock()", "the VMA's ->map_pages",
			"calls ->map_pages(vmf, start_pgoff, end_pgoff) and checks it on return: VM_FAULT_NOPAGE when the PTE at the fault address is mapped "+
				"afterwards (filemap_map_pages' return), else 0; VM_FAULT_RETRY or VM_FAULT_COMPLETED when the handler dropped the lock, and its "+
				"VM_FAULT_RETRY with the lock kept under FAULT_FLAG_RETRY_NOWAIT", handlerRules...),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			vmf := c.vmf(0)
			o := opsOf(vmf.VMA)
			if o == nil || o.MapPages == nil {
				return done(Int(0))
			}
			return c.callFaultHandler(o.MapPages, "map_pages handler "+o.MapPages.Name, []Value{Obj(TVMF, vmf), c.Args[1], c.Args[2]}, vmf, func(ret Value, gone bool) Result {
				if gone {
					return done(Int(releasedCode(ret)))
				}
				if vmf.RetryNowait && ret.T == TInt && ret.Int&VM_FAULT_RETRY != 0 {
					return done(Int(VM_FAULT_RETRY)) // kept the lock, as FAULT_FLAG_RETRY_NOWAIT asks: do_read_fault() returns it
				}
				if installedCode(vmf) == VM_FAULT_NOPAGE {
					return done(Int(VM_FAULT_NOPAGE))
				}
				return done(Int(0))
			})
		}})

	defOp(&Op{Name: "vm_ops_huge_fault", Params: []Param{vmfP}, Result: TInt,
		API: step("vm_ops_huge_fault", "the fault lock (the VMA read lock too: create_huge_pmd() has no vmf_can_call_fault filter)", "the VMA's ->huge_fault",
			"calls ->huge_fault(vmf, PMD_ORDER) and checks it on return: its vm_fault_t (VM_FAULT_FALLBACK: the PTE level runs); VM_FAULT_RETRY "+
				"or VM_FAULT_COMPLETED when the handler dropped the lock", handlerRules...),
		Touches: touchesLocksOnly,
		Fn: func(c *Call) Result {
			vmf := c.vmf(0)
			o := opsOf(vmf.VMA)
			if o == nil || o.HugeFault == nil {
				return done(Int(VM_FAULT_FALLBACK))
			}
			return c.callFaultHandler(o.HugeFault, "huge_fault handler "+o.HugeFault.Name, []Value{Obj(TVMF, vmf), Int(mmcore.PMD_SHIFT - mmcore.PageShift)}, vmf, func(ret Value, gone bool) Result {
				if c.T.dead {
					return done(Int(VM_FAULT_SIGBUS))
				}
				if gone {
					return done(Int(releasedCode(ret)))
				}
				if ret.T == TInt {
					return done(Int(ret.Int))
				}
				return done(Int(VM_FAULT_FALLBACK))
			})
		}})
}

// releasedCode is the fault's result when a handler released the fault
// lock: VM_FAULT_COMPLETED if it said so, else VM_FAULT_RETRY; the core
// must not touch the VMA or the lock again.
func releasedCode(ret Value) int64 {
	if ret.T == TInt && ret.Int&VM_FAULT_COMPLETED != 0 {
		return VM_FAULT_COMPLETED
	}
	return VM_FAULT_RETRY
}

// installedCode is VM_FAULT_NOPAGE when the fault address is mapped, else
// VM_FAULT_SIGBUS: what a handler that returned 0 or VM_FAULT_NOPAGE
// without a page left behind.
func installedCode(vmf *VMF) int64 {
	if mmOf(vmf.VMA.MM()).Core.Walk(vmf.Address).Present() {
		return VM_FAULT_NOPAGE
	}
	return VM_FAULT_SIGBUS
}

// The fault flags handle_mm_fault() takes: mmscript's words and the
// kernel's names (include/linux/mm_types.h: enum fault_flag), so that a
// fault path copied from the kernel keeps its flags:
// handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs).
// KILLABLE, INTERRUPTIBLE, USER and REMOTE change nothing mmscript models (no
// signals; the fault is a user one unless it comes from GUP): they are
// accepted and dropped; FAULT_FLAG_DEFAULT is ALLOW_RETRY with those two.
var faultFlagWords = []string{"read", "write", "vma_lock", "allow_retry", "retry_nowait", "tried", "unshare",
	"FAULT_FLAG_WRITE", "FAULT_FLAG_VMA_LOCK", "FAULT_FLAG_ALLOW_RETRY", "FAULT_FLAG_RETRY_NOWAIT", "FAULT_FLAG_TRIED", "FAULT_FLAG_UNSHARE",
	"FAULT_FLAG_KILLABLE", "FAULT_FLAG_INTERRUPTIBLE", "FAULT_FLAG_USER", "FAULT_FLAG_REMOTE", "FAULT_FLAG_DEFAULT"}

// faultFlagBits are enum fault_flag's values of the kernel's names, and
// the word each one means to mmscript ("" for none).
var faultFlagBits = []struct {
	name string
	bit  int64
	word string
}{
	{"FAULT_FLAG_WRITE", 1 << 0, "write"},
	{"FAULT_FLAG_ALLOW_RETRY", 1 << 2, "allow_retry"},
	// "Don't drop mmap_lock and wait when retrying": GUP's FOLL_NOWAIT
	// (faultin_page()); a handler that would wait returns VM_FAULT_RETRY
	// with the fault lock still held
	{"FAULT_FLAG_RETRY_NOWAIT", 1 << 3, "retry_nowait"},
	{"FAULT_FLAG_KILLABLE", 1 << 4, ""},
	{"FAULT_FLAG_TRIED", 1 << 5, "tried"},
	{"FAULT_FLAG_USER", 1 << 6, ""},
	// a fault on another process's mm (GUP remote, fixup_user_fault() from
	// vfio or futex code): handle_mm_fault() then skips the pkey test of
	// arch_vma_access_permitted() and mm_account_fault()'s perf events,
	// neither of which mmscript models
	{"FAULT_FLAG_REMOTE", 1 << 7, ""},
	{"FAULT_FLAG_INTERRUPTIBLE", 1 << 9, ""},
	// "an unsharing request to break COW in a COW mapping": GUP's
	// gup_must_unshare(), which mmscript does not model; only
	// sanitize_fault_flags()'s checks of it are
	{"FAULT_FLAG_UNSHARE", 1 << 10, "unshare"},
	{"FAULT_FLAG_VMA_LOCK", 1 << 12, "vma_lock"},
}

func init() {
	for _, f := range faultFlagBits {
		Constants[f.name] = f.bit
	}
	Constants["FAULT_FLAG_DEFAULT"] = Constants["FAULT_FLAG_ALLOW_RETRY"] | Constants["FAULT_FLAG_KILLABLE"] | Constants["FAULT_FLAG_INTERRUPTIBLE"]
}

// faultFlagWord is the words of an int of FAULT_FLAG_* bits (flags kept
// in a variable, as the kernel keeps them); false for a bit mmscript does
// not take (FAULT_FLAG_MKWRITE, FAULT_FLAG_INSTRUCTION,
// FAULT_FLAG_ORIG_PTE_VALID: set by the core, never by a caller).
func faultFlagWord(v int64) (string, bool) {
	ws := []string{"read"}
	for _, f := range faultFlagBits {
		if v&f.bit != 0 {
			ws = append(ws, f.name)
			v &^= f.bit
		}
	}
	return strings.Join(ws, "|"), v == 0
}

// faultFlagSet is a flags word as the set of mmscript's words it means.
func faultFlagSet(w string) map[string]bool {
	s := wordSet(w)
	for _, f := range faultFlagBits {
		if s[f.name] {
			delete(s, f.name)
			if f.word != "" {
				s[f.word] = true
			}
		}
	}
	if s["FAULT_FLAG_DEFAULT"] {
		delete(s, "FAULT_FLAG_DEFAULT")
		s["allow_retry"] = true
	}
	return s
}

// regsParam is handle_mm_fault()'s struct pt_regs *regs: the arch fault
// handler passes the faulting registers, GUP and fixup_user_fault() NULL.
// handle_mm_fault() reads it only in mm_account_fault(), for the perf
// events of a fault that completed ("if (!regs) return;" before
// perf_sw_event()): no lock, no entry depends on it, so mmscript takes
// the bare word regs (the arch path's registers) or NULL and models
// neither.
var regsParam = Param{Name: "regs", Type: TWord, Words: []string{"regs"}, Optional: true, Nilable: true, Default: Nil,
	FromInt: func(v int64) (string, bool) { return "regs", v == 0 }, // NULL written 0
	Hint:    "regs is the kernel's struct pt_regs *, which handle_mm_fault() reads for perf accounting only: pass regs (an arch fault's registers) or NULL (GUP's faults)"}

// The library paths of the fault, bound to their rule-book entries.
func init() {
	defOp(&Op{Name: "handle_mm_fault", Path: true,
		Params: []Param{{Name: "vma", Type: TVMA}, {Name: "addr", Type: TInt},
			{Name: "flags", Type: TWord, Words: faultFlagWords, Optional: true, Default: Word("read"), FromInt: faultFlagWord},
			regsParam},
		Result: TInt,
		API: register(&API{Name: "handle_mm_fault", Section: "2.18",
			Hold:    "mmap lock (read; write without ALLOW_RETRY), or the VMA read lock with FAULT_FLAG_VMA_LOCK",
			Takes:   "page-table allocation locks -> PTE lock; calls ->map_pages (under RCU) and ->fault; may release the caller's lock (RETRY)",
			Sleeps:  "yes",
			Asserts: "none at entry; assert_fault_locked() in some sub-paths",
			Source:  "mm/memory.c: handle_mm_fault(), __handle_mm_fault(), handle_pte_fault(), do_anonymous_page(), do_fault(), do_wp_page(), vmf_can_call_fault()",
			Notes: "a kernel path of the kernel library (kernel/fault.mms); with vma_lock, VM_FAULT_RETRY means the VMA lock was released (release_fault_lock). " +
				"Runs ->huge_fault (create_huge_pmd), ->map_pages (do_fault_around), ->fault (__do_fault), ->page_mkwrite (do_page_mkwrite) and ->pfn_mkwrite (wp_pfn_shared)",
			Rules: append([]*Rule{ruleFaultLock, ruleSleepInAtomic, ruleHandlerKeepsLock, ruleDroppedFaultLock, ruleRetryHoldingLock, ruleNowaitDroppedLock}, sanitizeFaultRules...)})})

}

// mkwriteResult is what do_page_mkwrite() and wp_pfn_shared() make of a
// ->page_mkwrite or ->pfn_mkwrite return: the handler's code when it
// dropped the fault lock, its VM_FAULT_ERROR or VM_FAULT_NOPAGE, else 0
// (the fault goes on to finish_mkwrite_fault()).
func mkwriteResult(ret Value, gone bool) Result {
	if gone {
		return done(Int(releasedCode(ret)))
	}
	if ret.T == TInt && ret.Int&(vmFaultError|VM_FAULT_NOPAGE) != 0 {
		return done(Int(ret.Int))
	}
	return done(Int(0))
}
