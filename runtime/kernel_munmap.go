package runtime

import (
	"fmt"
	"slices"

	"github.com/mmscript/mmscript/mmcore"
)

// The atomic steps of munmap(2), for the kernel library's munmap path
// (kernel/munmap.mms). Each is one kernel function over mmcore's munmap
// steps (VMSGatherMunmapVMAs, VMAIterClear, UnmapVMAs, FreePageTables,
// VMSCompleteMunmapVMAs); the locks between them are the script's.

// readVMAKpaths: mm/vma.c as read for the kernel library's munmap.
const readVMAKpaths = "torvalds/linux@01c373e9a5ce, read"

// The rule book's citations and call sequences of the steps; before the
// operations' init, which registers their entries.
// gatherFolio hands the gather a reference to p's folio, once per folio
// and zap: the mapping's reference tlb_remove_page() batches, which
// tlb_flush_mmu() drops after the TLB flush (tlb_batch_pages_flush()).
func (g *MMUGather) gatherFolio(p *mmcore.Page) {
	if p == nil || p.Zero() || p.Folio().Freed() {
		return
	}
	f := p.Folio()
	for _, q := range g.pages {
		if q == f {
			return
		}
	}
	if f.Get() == nil {
		g.pages = append(g.pages, f)
	}
}

// ruleZapLiveVMA is munmap's invariant that the range it zaps and frees
// the page tables of belongs to the VMAs it detached, and to nothing
// else, until it is done: the mmap write lock keeps every other VMA out,
// and after mmap_write_downgrade() nothing may grow into the range under
// the read lock. v4.20's "zap pages with read mmap_sem in munmap"
// (dd2283f2605e) broke it for stacks, which grew under the read lock
// then (expand_downwards()): a fault below a VM_GROWSDOWN VMA moved its
// vm_start into the hole and populated it, and unmap_region() zapped the
// new PTE and freed the page table under the stack (CVE-2021-20200, Jann
// Horn; fixed by 246c320a8cfe, which keeps the write lock next to a
// growing VMA; since 8d7071af8907, v6.5, a stack grows only under the
// write lock).
var ruleZapLiveVMA = &Rule{"munmap/zap-live-vma",
	"munmap zaps and frees the page tables of the range of the VMAs it detached only while no VMA in the tree covers that range: " +
		"after mmap_write_downgrade() nothing may move a VMA into the hole (the mmap write lock is needed to grow a stack, 8d7071af8907)",
	"mm/vma.c: vms_complete_munmap_vmas() (mmap_write_downgrade(), then vms_clear_ptes(): unmap_vmas(), free_pgtables()); " +
		"commit 246c320a8cfe (mm/mmap.c: close race between munmap() and expand_upwards()/downwards(), CVE-2021-20200)", Unchecked}

// checkZapLiveVMA reports a zap, for a VMA no longer in the tree, of an
// entry that a VMA in the tree now covers: the page belongs to that
// VMA's mapping, which munmap then tears down under it.
func (c *Call) checkZapLiveVMA(v *mmcore.VMA, p *PTE, start, end mmcore.Addr) {
	if v.Attached() {
		return
	}
	for a := start; a < end; a += mmcore.PageSize {
		if !p.Table.Entry(p.Table.Index(a)).Present() {
			continue
		}
		w := p.MM.Core.FindVMAIntersection(a, a+mmcore.PageSize)
		if w == nil || w == v || !w.Attached() {
			continue
		}
		c.K.violate(c.T, ruleZapLiveVMA, fmt.Sprintf("zap_present_ptes at %#x: the range of the detached VMA %#x-%#x is now covered by the VMA %#x-%#x "+
			"in the tree, whose page this zaps (and whose page table free_pgtables() then frees)",
			uint64(a), uint64(v.Start()), uint64(v.End()), uint64(w.Start()), uint64(w.End())))
		return
	}
}

func init() {
	citeTable["vms_gather_munmap_vmas"] = []Cite{
		cite("mm/vma.c", "vms_gather_munmap_vmas()", "__split_vma(vms->vmi, vms->vma, vms->start, 1); for_each_vma_range(): __split_vma(vms->vmi, next, vms->end, 0); vma_start_write(next); vma_mark_detached(next, true)", readVMAKpaths),
		cite("mm/vma.c", "__split_vma()", "WARN_ON(vma->vm_start >= addr); new->vm_ops->open(new); vma_start_write(vma); vma_start_write(new)", readVMAKpaths)}
	citeTable["vma_iter_clear_gfp"] = []Cite{cite("mm/vma.c", "do_vmi_align_munmap()", "error = vma_iter_clear_gfp(vmi, start, end, GFP_KERNEL) between the gather and vms_complete_munmap_vmas()", readVMAKpaths)}
	citeTable["zap_present_ptes"] = []Cite{cite("mm/memory.c", "zap_pte_range(), zap_present_ptes()",
		"start_pte = pte = pte_offset_map_lock(mm, pmd, addr, &ptl); flush_tlb_batched_pending(mm); do { ... zap_present_ptes(tlb, vma, pte, ptent, max_nr, addr, details, rss, &force_flush, &force_break, &any_skipped); } while (pte += nr, addr += PAGE_SIZE * nr, addr != end); ... pte_unmap_unlock(start_pte, ptl)", readMemory),
		cite("include/asm-generic/tlb.h", "tlb_remove_tlb_entries()", "tlb_flush_pte_range(tlb, address, PAGE_SIZE * nr): __tlb_adjust_range()", readMemory)}
	const zapSeq = "/* mm/memory.c: zap_pmd_range(), the mmu_gather started by tlb_gather_mmu() */\n" +
		"if (pmd_is_huge(*pmd) && next - addr == HPAGE_PMD_SIZE && zap_huge_pmd(tlb, vma, pmd, addr))\n\tcontinue;\n" +
		"start_pte = pte = pte_offset_map_lock(mm, pmd, addr, &ptl);\n" +
		"flush_tlb_batched_pending(mm);\n" +
		"/* zap_present_ptes() for each entry: ptep_get_and_clear_full(), tlb_remove_tlb_entries() */\n" +
		"pte_unmap_unlock(start_pte, ptl);\n/* later: tlb_finish_mmu(tlb) flushes, then frees the pages */"
	sequenceTable["zap_present_ptes"] = zapSeq
	citeTable["vms_detached_vma"] = []Cite{cite("mm/vma.c", "vms_complete_munmap_vmas()", "mas_for_each(mas_detach, vma, ULONG_MAX) remove_vma(vma, false, vms->closed_vm_ops)", readVMAKpaths)}
	citeTable["remove_vma"] = []Cite{cite("mm/vma.c", "remove_vma()", "might_sleep(); if (!closed && vma->vm_ops && vma->vm_ops->close) vma->vm_ops->close(vma)", readVMAKpaths)}
	citeTable["munmap"] = append(citeTable["munmap"], cite("mm/vma.c", "vms_complete_munmap_vmas(), vms_clear_ptes()", "if (vms->unlock) mmap_write_downgrade(mm); vms_clear_ptes(); remove_vma() for each; if (vms->unlock) mmap_read_unlock(mm)", readVMAKpaths))
	const munmapSeq = "/* mm/vma.c: do_vmi_align_munmap(), mmap lock held for write */\n" +
		"error = vms_gather_munmap_vmas(&vms, &mas_detach);\n" +
		"error = vma_iter_clear_gfp(vmi, start, end, GFP_KERNEL);\n" +
		"vms_complete_munmap_vmas(&vms, &mas_detach); /* downgrade, zap, ->close, unlock */"
	sequenceTable["vms_gather_munmap_vmas"] = munmapSeq
	sequenceTable["vma_iter_clear_gfp"] = munmapSeq
	sequenceTable["vms_detached_vma"] = "/* mm/vma.c: vms_complete_munmap_vmas(), mmap lock held for read */\n" +
		"mas_set(mas_detach, 0);\nmas_for_each(mas_detach, vma, ULONG_MAX)\n\tremove_vma(vma, false, vms->closed_vm_ops);"
	sequenceTable["remove_vma"] = sequenceTable["vms_detached_vma"]
}

// VMS is a vma_munmap_struct (mm/vma.h): an munmap between its steps.
type VMS struct {
	Owned // the thread that made it (owned.go)
	MM    *MM
	Core  *mmcore.VMAMunmap // nil when the gather failed or found nothing
	Error int64             // 0 or -errno of the gather
	// Unlock is vms->unlock: munmap drops the mmap lock at the end
	// (downgrading it first); mmap's MAP_FIXED gather keeps it.
	Unlock bool
}

func (v *VMS) String() string {
	if v.Core == nil {
		return "vms(empty)"
	}
	return fmt.Sprintf("vms[%#x-%#x]", uint64(v.Core.Start), uint64(v.Core.End))
}

func (v *VMS) detached() []*mmcore.VMA {
	if v.Core == nil {
		return nil
	}
	return v.Core.Detached
}

// MMUGather is a struct mmu_gather (include/asm-generic/tlb.h): the range
// its zaps cleared, flushed by tlb_finish_mmu.
type MMUGather struct {
	Owned      // the thread that made it (owned.go)
	MM         *MM
	Start, End mmcore.Addr // what the zaps cleared: the range tlb_flush_mmu flushes
	// CovStart, CovEnd is the range the zaps walked, cleared or not: the
	// range whose translations must be gone when the gather is finished
	// (tlb/stale-after-zap).
	CovStart, CovEnd mmcore.Addr
	// nrPages counts the folios the zaps batched for freeing after the
	// flush (__tlb_remove_folio_pages(), tlb_remove_page_size()): a
	// special entry has none, and mprotect's gather batches nothing.
	nrPages int
	// pages are the folios whose mapping references the zaps handed to
	// the gather (tlb_remove_page, __tlb_remove_folio_pages()) and which
	// tlb_flush_mmu frees after its flush: the zaps of MADV_DONTNEED/FREE
	// and zap_present_ptes (mmcore drops the mapping's reference with
	// the entry; the gather holds one of its own in its place, so a
	// folio another holder puts meanwhile outlives the flush as in the
	// kernel); zap_huge_pmd's tlb_remove_page_size() too.
	pages []*mmcore.Page
	// staleSeen are the stale translations the zaps found in the range
	// they walked (cover): the ones this gather must not leave behind,
	// each with the walk that found it.
	staleSeen []staleSeen
	// delayed are the pages whose rmap removal the zaps delayed until
	// after the TLB flush (tlb->delayed_rmap and the batch's
	// ENCODED_PAGE_BIT_DELAY_RMAP pages): tlb_flush_rmaps() removes it.
	delayed []*mmcore.Page
	// batch is the state of the gather's page batches, which
	// __tlb_remove_folio_pages() fills (kernel_zap_break.go).
	batch gatherBatch
	// forceBreak and addr are zap_pte_range()'s locals force_break and
	// addr as the last zap_present_ptes() left them (a script function
	// has no out-parameters): the gather's batch filled and the loop
	// stopped at addr, or went to its end.
	forceBreak bool
	addr       mmcore.Addr
	// fullmm is tlb->fullmm: exit_mmap()'s gather
	// (tlb_gather_mmu_fullmm()), started by the task whose mmput()
	// dropped the mm's last user; tlb_free_vmas() flushes nothing for it.
	fullmm bool
}

func (g *MMUGather) String() string { return "tlb(" + g.MM.Name + ")" }

// tlbFreeVMAsFlushes reports whether tlb_free_vmas() flushes g before
// free_pgtables() unlinks vms' VMAs: tlb->vma_pfn (tlb_update_vma_flags():
// a VM_PFNMAP or VM_MIXEDMAP VMA among those the gather zapped) and not
// tlb->fullmm.
func tlbFreeVMAsFlushes(g *MMUGather, vms *VMS) bool {
	if g == nil || g.fullmm || vms == nil || vms.Core == nil {
		return false
	}
	for _, v := range vms.Core.Detached {
		if v.Flags&(mmcore.VM_PFNMAP|mmcore.VM_MIXEDMAP) != 0 {
			return true
		}
	}
	return false
}

// gatherWalk names the walk that added a range to a gather: a zap
// (zap_pte_range(), zap_huge_pmd(), MADV_DONTNEED), MADV_FREE's
// madvise_free_pte_range() or MADV_COLD's madvise_cold_or_pageout_pte_range().
// The three batch their flushes in an mmu_gather alike, and a report of
// what one left stale names that one. A word wide: staleSeen is then a
// struct without padding, which the state hasher takes as bytes
// (isScalar), and padding would carry what the allocator left there
// (growslice does not clear the slots append fills).
type gatherWalk int

const (
	walkZap gatherWalk = iota
	walkMadviseFree
	walkMadviseCold
)

func (w gatherWalk) String() string {
	return [...]string{"zap", "MADV_FREE walk", "MADV_COLD walk"}[w]
}

// changed is what the walk did to the entries it gathered.
func (w gatherWalk) changed() string {
	if w == walkZap {
		return "cleared"
	}
	return "changed"
}

// staleSeen is a stale translation a walk found in its range.
type staleSeen struct {
	mmcore.StaleRef
	By gatherWalk
}

func (c *Call) vms(i int) *VMS             { return c.Args[i].Obj.(*VMS) }
func (c *Call) mmuGather(i int) *MMUGather { return c.Args[i].Obj.(*MMUGather) }

func init() {
	fieldTable[TVMS] = map[string]func(k *Kernel, x any) Value{
		"vma_count": func(_ *Kernel, x any) Value { return Int(int64(len(x.(*VMS).detached()))) },
		"error":     func(_ *Kernel, x any) Value { return Int(x.(*VMS).Error) },
		"unlock":    func(_ *Kernel, x any) Value { return Bool(x.(*VMS).Unlock) },
		"clear_ptes": func(_ *Kernel, x any) Value {
			v := x.(*VMS)
			return Bool(v.Core != nil && v.Core.ClearPTEs)
		},
		"nr_pages": func(_ *Kernel, x any) Value {
			if v := x.(*VMS); v.Core != nil {
				return Int(int64(v.Core.NrPages))
			}
			return Int(0)
		},
	}
	fieldTypes[TVMS] = map[string]Type{"vma_count": TInt, "error": TInt, "nr_pages": TInt, "unlock": TBool, "clear_ptes": TBool}
	fieldTable[TMM]["task_size"] = func(_ *Kernel, x any) Value { return Int(int64(x.(*MM).Core.TaskSize())) }
	fieldTypes[TMM]["task_size"] = TInt

	vmsParam := Param{Name: "vms", Type: TVMS}
	tlbParam := Param{Name: "tlb", Type: TMMUGather}
	// munmapAPI's rules are the ones the op checks: ruleSleepInAtomic
	// only for a step that may sleep (and says so in its Fn).
	munmapAPI := func(name, hold, takes, source, notes string, rules ...*Rule) *API {
		sleeps := "no"
		if slices.Contains(rules, ruleSleepInAtomic) {
			sleeps = "yes"
		}
		if a := takeDocumented(name); a != nil {
			// The rule book's entry, read in the kernel, stays; it is
			// simulated now.
			a.Notes += "; mmscript: " + notes + " (a step of the kernel library's munmap: `mmscript explain munmap`)"
			a.Rules = rules
			return register(a)
		}
		return register(&API{Name: name, Section: "2.29", Hold: hold, Takes: takes, Sleeps: sleeps,
			Source: source, Notes: notes + " (a step of the kernel library's munmap: `mmscript explain munmap`)",
			Rules: rules})
	}

	defOp(&Op{Name: "vms_gather_munmap_vmas",
		Params: []Param{{Name: "mm", Type: TMM}, {Name: "start", Type: TInt}, {Name: "end", Type: TInt},
			{Name: "unlock", Type: TBool, Optional: true, Default: Bool(true)}},
		Result: TVMS,
		API: munmapAPI("vms_gather_munmap_vmas", "mmap_lock for write",
			"vma_start_write on each VMA in the range (waits for its readers) -> __split_vma at both ends (->open on each new piece) -> vma_mark_detached",
			"mm/vma.c: vms_gather_munmap_vmas(), __split_vma()",
			"returns the vma_munmap_struct; its error is 0 or -errno, its vma_count the VMAs detached", ruleStartWrite, ruleSleepInAtomic),
		// A step of it reads the tree (the VMAs of the range, and
		// whether each is attached or new: vma_start_write's wait); the
		// step that gathers (Fn, VMSGatherMunmapVMAs) writes the VMAs'
		// attachment (vma_mark_detached) and, where it splits, the mm
		// (the tree and the ranges) and allocates. A step that only
		// write-locks VMAs or queues behind a VMA's readers changes no
		// VMA: a lookup or an install under a VMA read lock commutes with
		// it (the lock code records the VMA locks it takes or waits for).
		Touches: func(c *Call, f *Footprint) { f.VMAs(mmArg(c, 0), false) },
		Fn: func(c *Call) Result {
			m, start, end := c.mm(0), c.addr(1), c.addr(2)
			vms := &VMS{Owned: ownedBy(c.T), MM: m, Unlock: c.Args[3].Truth()}
			gathered := func(core *mmcore.VMAMunmap, err error) Result {
				if err != nil {
					// start_split_failed / end_split_failed: a split
					// already done stays (reattach_vmas() only)
					vms.Error = errnoOf(err)
					return done(Obj(TVMS, vms))
				}
				vms.Core = core
				for _, d := range core.Detached {
					c.K.vmaState(d).Gatherer = c.T // its own list until remove_vma()
				}
				// __split_vma: new->vm_ops->open(new), then
				// vma_start_write(vma) and vma_start_write(new). The new
				// pieces are the ones kept outside the range; one made
				// before a ->may_split handler ran is not in core.Split:
				// splitting opened it then.
				return seq(len(core.Split), func(i int, next func() Result) Result {
					nv := core.Split[i]
					c.K.vmaState(nv) // a fresh struct: no lock state yet
					o := opsOf(nv)
					if o == nil || o.Open == nil {
						return c.vmaStartWrite(nv, ruleStartWrite, next)
					}
					return c.call(o.Open, "open handler "+o.Open.Name, []Value{Obj(TVMA, nv)}, func(Value) Result {
						if c.T.dead {
							return done(Nil)
						}
						return c.vmaStartWrite(nv, ruleStartWrite, next)
					})
				}, func() Result { return done(Obj(TVMS, vms)) })
			}
			resumed := c.reentered
			if !resumed {
				c.T.MightSleep(c.Op.Name)
				if end <= start || !start.PageAligned() || !end.PageAligned() || end > m.Core.TaskSize() {
					return fail("%s: bad range [%#x, %#x)", c.Op.Name, uint64(start), uint64(end))
				}
			}
			// vma_start_write(next) for each VMA of the range: the kernel
			// write-locks each just before marking it detached. Taking
			// them all first leaves the same state (a write-locked VMA
			// turns every reader away), and a wait is a scheduler point
			// before anything changed. A wait for readers keeps no
			// closure: once granted, the call runs again from here
			// (grantReenter) and goes on after the VMAs it has
			// write-locked, so a state where munmap waits can be
			// fingerprinted (the explorer's state cache).
			var vmas []*mmcore.VMA
			for v := range m.Core.VMAsRange(start, end) {
				if resumed && c.K.vmaState(v).Lock.writer == c.T {
					continue
				}
				vmas = append(vmas, v)
			}
			return seq(len(vmas), func(i int, next func() Result) Result {
				return c.vmaStartWriteThen(vmas[i], ruleStartWrite, next, true)
			}, func() Result {
				// __split_vma() asks ->may_split first: a script's
				// handler runs between the split at start and the one at
				// end, as in the kernel (splitting).
				var core *mmcore.VMAMunmap
				gather := func() (err error) {
					// __split_vma() at an end that cuts a THP splits its PMD
					c.K.fp.splitsTHPAt(m.Core, start, end)
					for _, a := range []mmcore.Addr{start, end} {
						// the VMA a split cuts (a whole VMA is only detached)
						if v := m.Core.FindVMA(a); v != nil && v.Start() < a {
							c.K.fp.vmaFiles(m.Core, a, a+1)
						}
					}
					core, err = m.Core.VMSGatherMunmapVMAs(start, end)
					if err != nil || len(core.Split) > 0 {
						// __split_vma() changed the tree and a VMA's range
						// (and, failing, may have split some already)
						c.K.fp.MM(m.Core, true)
						c.K.fp.Alloc() // splits allocate VMAs
					} else {
						// vma_mark_detached() on each VMA of the range, left
						// in the tree: their attachment only
						c.K.fp.VMAAttach(m.Core, true)
					}
					return err
				}
				// __split_vma(): new->vm_ops->open(new), then
				// vma_start_write(vma) and vma_start_write(new)
				lockNew := func(nv *mmcore.VMA, next func() Result) Result {
					return c.vmaStartWrite(nv, ruleStartWrite, next)
				}
				return c.splitting(m, start, end, gather, lockNew, func(err error) Result {
					return gathered(core, err)
				})
			})
		}})

	defOp(&Op{Name: "vma_iter_clear_gfp", Params: []Param{vmsParam},
		API: munmapAPI("vma_iter_clear_gfp", "mmap_lock for write", "the maple tree's internal lock",
			"mm/vma.h: vma_iter_clear_gfp(); mm/vma.c: do_vmi_align_munmap()",
			"takes the gathered VMAs out of the VMA tree: lookups no longer find them"),
		Touches: vmaIterClearTouches,
		Fn: func(c *Call) Result {
			v := c.vms(0)
			if v.Core != nil {
				v.MM.Core.VMAIterClear(v.Core)
			}
			// exit_mmap()'s teardown (kernel_oom.go). No footprint of
			// mm_users: the test depends on this task's own history
			// only (its mmput() dropped the last reference, and mm_users
			// never rises from zero).
			if v.MM.mmUsers == 0 && v.MM.exitTask == c.T {
				v.MM.exitTornDown = true
			}
			return ok
		}})

	defOp(&Op{Name: "tlb_gather_mmu", Params: []Param{{Name: "mm", Type: TMM}}, Result: TMMUGather,
		API: munmapAPI("tlb_gather_mmu", "the mm stable (mmap lock)", "nothing",
			"mm/mmu_gather.c: tlb_gather_mmu()", "starts an mmu_gather: zaps record what they clear, tlb_finish_mmu flushes it", ruleGatherNotFinished),
		Touches: func(c *Call, f *Footprint) {
			f.MM(mmArg(c, 0), false)
			f.tlbFlushPending(mmArg(c, 0), true)
			// exit_mmap()'s tlb_gather_mmu_fullmm() is told apart by
			// mm_users: declared, although only an mmget() from zero (a
			// bug of its own) could change the answer between the two
			// orders (the review of 2026-12-04).
			f.mmUsers(mmArg(c, 0), false)
		},
		Fn: func(c *Call) Result {
			m := c.mm(0)
			m.tlbFlushPending++ // __tlb_gather_mmu(): inc_tlb_flush_pending(tlb->mm)
			g := &MMUGather{Owned: ownedBy(c.T), MM: m, fullmm: m.mmUsers == 0 && m.exitTask == c.T}
			c.T.flushRaises = append(c.T.flushRaises, flushRaise{mm: m, gather: g, pos: c.T.Pos})
			return done(Obj(TMMUGather, g))
		}})

	defOp(&Op{Name: "unmap_vmas", Path: true, Params: []Param{tlbParam, vmsParam},
		API: munmapAPI("unmap_vmas", "mmap_lock (write, or read after mmap_write_downgrade) with the VMAs detached",
			"per PMD entry: the PMD lock of a huge PMD (zap_huge_pmd), else the PTE lock of its table (zap_pte_range: pte_offset_map_lock)",
			"mm/memory.c: unmap_vmas(), unmap_single_vma(), unmap_page_range(), zap_pmd_range(), zap_pte_range()",
			"zaps every detached VMA of the munmap, PMD entry by PMD entry, each table under its own lock; the TLB flush waits for tlb_finish_mmu. "+
				"A kernel path of the kernel library (kernel/munmap.mms), run statement by statement", ruleSleepInAtomic)})
	defOp(&Op{Name: "zap_present_ptes", Params: []Param{tlbParam, {Name: "vma", Type: TVMA}, {Name: "pte", Type: TPTE}, {Name: "end", Type: TInt},
		{Name: "delay_rmap", Type: TBool, Optional: true, Default: Bool(true)}},
		Result: TBool,
		API: munmapAPI("zap_present_ptes", "the PTE lock of the table (from pte_offset_map_lock), inside an mmu_gather",
			"nothing",
			"mm/memory.c: zap_pte_range(), zap_present_ptes(), zap_present_folio_ptes(), zap_nonpresent_ptes(); include/asm-generic/tlb.h: tlb_remove_tlb_entries(), tlb_delay_rmap()",
			"the loop of zap_pte_range() under the PTE lock: clears the entries of [pte, end) in the table and adds each present one to the mmu_gather's "+
				"range (tlb_remove_tlb_entries), which tlb_finish_mmu flushes. A dirty entry of a folio that is not anonymous marks the folio dirty "+
				"(folio_mark_dirty) and, as tlb_delay_rmap() is on SMP, keeps the folio's rmap until tlb_flush_rmaps() after the TLB flush "+
				"(5df397dec7c4): returns zap_pte_range()'s force_flush, true when it did. Each page goes to the gather's batch (__tlb_remove_folio_pages()); "+
				"when the batch is full and tlb_next_batch() gives no other (after about 10,000 pages, or 7 under fail_page_alloc()), the loop stops past that entry "+
				"(force_break, force_flush): tlb.force_break and tlb.addr say where, and zap_pte_range() flushes, drops the PTE lock and resumes there. delay_rmap=false zaps as kernels before 5df397dec7c4 (v6.1): "+
				"the rmap is removed at once, force_flush is still set for a dirty file entry. An entry a batched unmap cleared and a CPU still caches, "+
				"not flushed by flush_tlb_batched_pending() under this lock, is tlb/batched-flush-pending. Zapping a detached VMA's range "+
				"where a VMA still in the tree maps a page is munmap/zap-live-vma", rulePTEChangeLock, ruleBatchedFlushPending, ruleZapLiveVMA),
		Touches: func(c *Call, f *Footprint) {
			m := vmaMM(c, 1)
			f.VMAs(m, false)
			// the entries of [pte, end) in the handle's table and the VMA,
			// as Fn clips them
			if p, ok := c.Args[2].Obj.(*PTE); ok && p.Table != nil {
				v := c.Args[1].Obj.(*mmcore.VMA)
				start, end := max(p.Addr, v.Start()), min(c.addr(3), p.Table.End(), v.End())
				f.PMDAt(p.MM.Core, p.Addr, false)
				if end > start {
					f.PTERange(p.MM.Core, start, end, true)
					f.ZappedPages(p.MM.Core, start, end)
				}
			} else {
				f.PTEs(m, true)
				f.AllPages(true)
			}
			batchedCheckTouches(f, m) // checkBatchedFlushed
			f.Alloc()                 // a freed page may be handed out again (Memory.Quarantine)
		},
		Fn: func(c *Call) Result {
			g, v, p, end := c.mmuGather(0), c.vma(1), c.Args[2].Obj.(*PTE), c.addr(3)
			if !c.checkTable(p) {
				return done(Bool(false))
			}
			if p.PTL.heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("zap_present_ptes at %#x without %s held", uint64(p.Addr), p.PTL.Name))
			}
			end = min(end, p.Table.End(), v.End())
			start := max(p.Addr, v.Start())
			c.checkZapLiveVMA(v, p, start, end)
			// zap_pte_range() called flush_tlb_batched_pending(mm)
			// right after pte_offset_map_lock() (3ea277194daa)
			c.checkBatchedFlushed(p.MM, start, end)
			// the loop stops past the entry whose pages filled the
			// gather's batch (force_break): the rest is the next hold's
			end = g.batchEnd(c.K, p, start, end, c.bool(4))
			g.cover(start, end, walkZap)
			for a := start; a < end; a += mmcore.PageSize {
				if e := p.Table.Entry(p.Table.Index(a)); e.Present() {
					g.adjustRange(a, a+mmcore.PageSize, walkZap) // tlb_remove_tlb_entries()
					if !e.Special() {
						g.nrPages++ // vm_normal_page() found a page: batched to be freed after the flush
						g.gatherFolio(p.MM.Core.Memory().Page(e.PFN()))
					}
				}
			}
			// zap_present_folio_ptes(): "if (pte_dirty(ptent)) {
			// folio_mark_dirty(folio); if (tlb_delay_rmap(tlb)) {
			// delay_rmap = true; *force_flush = true; } }" for a folio
			// that is not anonymous; v6.1's zap_pte_range() had
			// "force_flush = 1; set_page_dirty(page);" and
			// page_remove_rmap() at once.
			forceFlush := false
			if c.bool(4) {
				_, delayed := p.MM.Core.ZapRangeDelayRmap(v, start, end)
				if len(delayed) > 0 {
					g.delayed = append(g.delayed, delayed...)
					forceFlush = true
				}
				return done(Bool(forceFlush || g.forceBreak))
			}
			for a := start; a < end; a += mmcore.PageSize {
				if e := p.Table.Entry(p.Table.Index(a)); e.Present() && e.Dirty() && !e.Special() {
					if pg := p.MM.Core.Memory().Page(e.PFN()); pg != nil && !pg.Zero() && !pg.Folio().Anon() {
						forceFlush = true
					}
				}
			}
			p.MM.Core.ZapRange(v, start, end)
			return done(Bool(forceFlush || g.forceBreak))
		}})
	defOp(&Op{Name: "free_pgtables", Params: []Param{tlbParam, vmsParam},
		API: munmapAPI("free_pgtables", "mmap_lock (write, or read after mmap_write_downgrade) with the VMAs detached from the tree",
			"i_mmap_rwsem and anon_vma lock (unlink_file_vma_batch, unlink_anon_vmas)",
			"mm/memory.c: free_pgtables(); mm/vma.c: vms_complete_munmap_vmas()",
			"first flushes the gather when a VMA is VM_PFNMAP or VM_MIXEDMAP (tlb_free_vmas(): unmap_mapping_range() no longer finds a VMA once it is unlinked), then unlinks the VMAs from the rmap and frees the page tables only they used (mmscript frees them at once, where the kernel's mmu_gather frees them at tlb_finish_mmu); also drops the mm's counters as vms_complete_munmap_vmas does", ruleSleepInAtomic),
		Touches: func(c *Call, f *Footprint) {
			m := vmsMM(c)
			// It reads the tree (a table is freed where no VMA is left:
			// FindVMAIntersection) and drops the counters; it changes
			// the tree and the VMAs only where VMSCompleteMunmapVMAs
			// still has to take the VMAs out or unlink anon_vmas. So a
			// lookup of another thread commutes with it: both only read
			// the tree.
			f.VMAs(m, freePgtablesWritesVMAs(c.vms(1)))
			f.MMCounters(m, true)
			// the upper entries over the detached VMAs, as Fn's
			// FreePageTables frees them
			if v := c.vms(1); v.Core != nil && len(v.Core.Detached) > 0 {
				d := v.Core.Detached
				f.PTETablesFree(m, d[0].Start(), d[len(d)-1].End())
			}
			f.AllPages(true)
			f.Add(AFile, AllObjects, true)
			f.Alloc() // frees tables
			if g, ok := c.Args[0].Obj.(*MMUGather); ok && tlbFreeVMAsFlushes(g, c.vms(1)) {
				f.TLB(m, true)
			}
		},
		Fn: func(c *Call) Result {
			v := c.vms(1)
			if v.Core == nil || len(v.Core.Detached) == 0 {
				return ok
			}
			d := v.Core.Detached
			c.T.MightSleep(c.Op.Name)
			// free_pgtables() begins with tlb_free_vmas(tlb)
			// (include/asm-generic/tlb.h; the flush came with b67fbebd4cf9
			// "mmu_gather: Force tlb-flush VM_PFNMAP vmas", CVE-2022-39188,
			// in tlb_end_vma(), and moved here with Roman Gushchin's
			// "mmu_gather: move tlb flush for VM_PFNMAP/VM_MIXEDMAP vmas
			// into free_pgtables()", 2025, the review of 2026-12-04): "there is a race
			// between munmap() and unmap_mapping_range(), where munmap()
			// will unlink the VMA, such that unmap_mapping_range() will no
			// longer observe the VMA and no-op, without observing the
			// TLBI, returning prematurely. So if we're about to unlink
			// such a VMA, and we have pending TLBI for such a vma, flush
			// things now." A driver that revokes its PFNs with
			// unmap_mapping_range() and then frees them relies on it.
			if g := c.mmuGather(0); tlbFreeVMAsFlushes(g, v) {
				if g.End > g.Start {
					g.MM.Core.TLB.FlushRange(g.Start, g.End)
					c.T.tlbFlushed(g.MM, g.Start, g.End)
				}
				g.Start, g.End = 0, 0 // __tlb_reset_range()
			}
			// "Hide vma from rmap and truncate_pagecache before freeing
			// pgtables": each VMA leaves its anon_vmas under the root's
			// lock (unlink_anon_vmas()) and its file's i_mmap tree under
			// i_mmap_rwsem for write (unlink_file_vma_batch_final()), one
			// lock at a time, each waiting for the rmap walkers that hold
			// it for read (folio_mkclean(), try_to_unmap()): a walker
			// that found the VMA keeps its page tables until it is done.
			// (The kernel batches the VMAs within a PMD of each other
			// under one hold of i_mmap_rwsem; one hold a VMA here.)
			var steps []func(next func() Result) Result
			for _, vma := range d {
				if vma.AnonVMA() != nil {
					if l, err := c.K.anonVMALock(vma); err == nil {
						steps = append(steps, func(next func() Result) Result {
							return c.lock(l, Write, func() Result {
								v.MM.Core.UnlinkAnonVMAs(vma)
								c.unlock(l, Write)
								return next()
							})
						})
					}
				}
				if f := vma.File(); f != nil {
					if l := iMmapLock(f.Mapping()); l != nil {
						steps = append(steps, func(next func() Result) Result {
							return c.lock(l, Write, func() Result {
								v.MM.Core.UnlinkFileVMA(vma)
								c.unlock(l, Write)
								return next()
							})
						})
					}
				}
			}
			return seq(len(steps), func(i int, next func() Result) Result { return steps[i](next) }, func() Result {
				v.MM.Core.FreePageTables(d[0].Start(), d[len(d)-1].End()) // free_pgd_range()
				v.Core.ClearPTEs = false                                  // vms_clear_ptes() is done
				v.MM.Core.VMSCompleteMunmapVMAs(v.Core)
				return ok
			})
		}})

	defOp(&Op{Name: "tlb_finish_mmu", Path: true, Params: []Param{tlbParam}, Touches: world,
		API: munmapAPI("tlb_finish_mmu", "nothing more than the mmu_gather's caller", "the TLB flush IPIs",
			"mm/mmu_gather.c: tlb_finish_mmu(), tlb_flush_mmu()", "flushes the TLB over the range the gather's zaps cleared, the whole mm when "+
				"another gather of the mm is pending (mm_tlb_flush_nested), then frees the gathered pages; a kernel path of the kernel library "+
				"(kernel/mmu_gather.mms)", ruleStaleAfterZap)})

	defOp(&Op{Name: "vms_detached_vma", Params: []Param{vmsParam, {Name: "index", Type: TInt}}, Result: TVMA,
		API: munmapAPI("vms_detached_vma", "nothing (the munmap's own list)", "nothing",
			"mm/vma.c: vms_complete_munmap_vmas(): mas_for_each(mas_detach, vma, ULONG_MAX)",
			"the index-th VMA (from 0, in address order) of the munmap's detached tree"),
		Touches: func(c *Call, f *Footprint) {},
		Fn: func(c *Call) Result {
			v, i := c.vms(0), c.int(1)
			d := v.detached()
			if i < 0 || i >= int64(len(d)) {
				return fail("vms_detached_vma: index %d out of range [0, %d)", i, len(d))
			}
			return done(Obj(TVMA, d[i]))
		}})

	defOp(&Op{Name: "remove_vma", Params: []Param{{Name: "vma", Type: TVMA}},
		API: munmapAPI("remove_vma", "mmap_lock (read after munmap's mmap_write_downgrade); the VMA detached",
			"vm_ops->close", "mm/vma.c: remove_vma() -> vma_close()",
			"calls the VMA's ->close, then the kernel frees it", ruleSleepInAtomic),
		Touches: func(c *Call, f *Footprint) { f.MM(vmaMM(c, 0), false) },
		Fn: func(c *Call) Result {
			// A VMA remove_vma() freed already: a double free (vma()
			// reports the use of freed memory); munmap's own detached
			// VMAs are its to free.
			v := c.vma(0)
			c.T.MightSleep(c.Op.Name)
			o := opsOf(v)
			s := c.K.vmaState(v)
			s.Gatherer = nil // vm_area_free() follows
			if o == nil || o.Close == nil || s.Closed {
				return ok // closed already by vma_close() (vms_clean_up_area)
			}
			s.Closed = true
			s.New = true // detached on purpose: ->close may use it
			c.K.fpVMAState(v)
			return c.call(o.Close, "close handler "+o.Close.Name, []Value{Obj(TVMA, v)}, func(Value) Result {
				s.New = false
				c.K.fpVMAState(v)
				return ok
			})
		}})
}

// freePgtablesWritesVMAs reports whether free_pgtables on v changes the
// VMA tree or a VMA: VMSCompleteMunmapVMAs takes the VMAs out of the tree
// when vma_iter_clear_gfp did not, and unlink_anon_vmas() clears their
// anon_vma links (and the anon_vmas' counts, which rmap walks read).
func freePgtablesWritesVMAs(v *VMS) bool {
	if v == nil || v.Core == nil || len(v.Core.Detached) == 0 {
		return false
	}
	if v.Core.InTree() {
		return true
	}
	for _, d := range v.Core.Detached {
		if d.AnonVMA() != nil || len(d.Chain()) > 0 {
			return true
		}
	}
	return false
}

// vmaIterClearTouches: vma_iter_clear_gfp() takes the gathered VMAs out
// of the tree: a write of the mm (its tree, and the attachment, counters
// and mm_lock_seq, which MM names with it). The tree write keeps every
// refused lock_vma_under_rcu() refused (Access.KeepsRefusing, against
// VMALookupRCU's Refused read) when each VMA it removes refuses readers
// now: an address it covered found, before the clear, a VMA that
// refuses readers and, after it, none; every other address finds what
// it found. (The lookup that finds none after the clear does not commute
// with it: VMALookupRCU.) That is lock_vma_under_rcu() (linux-mm@607a10f8361b
// mm/mmap_lock.c) on a VMA vms_gather_munmap_vmas() has write-locked and
// detached: vma_start_read() returns NULL at its vm_lock_seq ==
// mm_lock_seq check before the clear, and mas_walk() finds nothing after
// it (mm/vma.c do_vmi_align_munmap(): vms_gather_munmap_vmas(), then
// vma_iter_clear_gfp(), then vms_complete_munmap_vmas(), whose
// mmap_write_downgrade() ends the write locks). Whether the clear keeps
// the refusal depends on those locks, so it reads each one: as Refused
// (it learned only the refusal, which a KeepsRefusing write of the lock
// keeps) when it refuses readers, else plainly (anything that
// write-locks it changes the answer).
func vmaIterClearTouches(c *Call, f *Footprint) {
	m := vmsMM(c)
	if f == nil || m == nil {
		return
	}
	keeps := true
	if vms, ok := c.Args[0].Obj.(*VMS); ok {
		for _, d := range vms.detached() {
			var l *Lock
			if s, ok := d.Lock.(*VMAState); ok {
				l = s.Lock
			}
			if l == nil || !l.refusesReaders() {
				keeps = false
				if l != nil {
					f.Object(ALock, l, false)
				}
				continue
			}
			f.add(Access{Kind: ALock, Obj: f.lockID(l), Refused: true})
		}
	}
	f.add(Access{Kind: AMM, Obj: f.mmID(m), Write: true, KeepsRefusing: keeps})
	// The use-without-mm-users check reads mm_users (did this task drop
	// the last reference?): declared, so that the check does not rest on
	// no other thread ever raising it from zero.
	f.mmUsers(m, false)
	f.VMAAttach(m, true)
	f.MMCounters(m, true)
	f.MMLockSeq(m)
}

func vmsMM(c *Call) *mmcore.MM {
	for _, a := range c.Args {
		if v, ok := a.Obj.(*VMS); ok && v != nil {
			return v.MM.Core
		}
	}
	return nil
}

// adjustRange widens the range the gather flushes to cover [start, end)
// (__tlb_adjust_range()), for the walk by.
func (g *MMUGather) adjustRange(start, end mmcore.Addr, by gatherWalk) {
	g.cover(start, end, by)
	if g.End == g.Start {
		g.Start, g.End = start, end
		return
	}
	g.Start, g.End = min(g.Start, start), max(g.End, end)
}

// takeDocumented removes the documented-only rule-book entry name (see
// documentedAPIs) and returns it, for an operation that now simulates it;
// nil when there is none.
func takeDocumented(name string) *API {
	for i, a := range documentedAPIs {
		if a.Name == name {
			documentedAPIs = append(documentedAPIs[:i:i], documentedAPIs[i+1:]...)
			return a
		}
	}
	return nil
}
