package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The zap of a dirty shared file page and the writeback that cleans it:
// the steps of zap_pte_range()'s force_flush (tlb_flush_mmu_tlbonly(),
// tlb_flush_rmaps(), then tlb_flush_mmu()'s freeing after the PTE lock
// drops), folio_mkclean()'s per-entry write-protect (page_vma_mkclean_one)
// and the folio's dirty flag (folio_mark_dirty, folio_test_clear_dirty),
// for the kernel library's munmap (kernel/munmap.mms) and writeback
// (kernel/rmap.mms: folio_clear_dirty_for_io, folio_mkclean).

// readDirtyZap: the sources of the force_flush and delayed-rmap steps,
// read in the code search's mainline excerpts.
const readDirtyZap = "mainline mm/memory.c, mm/mmu_gather.c, mm/rmap.c, mm/page-writeback.c (code search excerpts), read 2026-12-03"

// ruleLostWrite: a CPU stored through a stale translation to a folio
// writeback had already cleaned.
var ruleLostWrite = &Rule{"tlb/write-after-mkclean",
	"a file folio's rmap stays until the TLB flush of its zapped entries: folio_mkclean() must find (or wait under the PTE lock for) every mapping a CPU may still write through, " +
		"or a store through a stale dirty translation lands after writeback cleaned the folio and is lost",
	"mm/memory.c: zap_present_folio_ptes() (tlb_delay_rmap(), fix 5df397dec7c4 \"mm: delay page_remove_rmap() until after the TLB has been flushed\"), zap_pte_range() " +
		"(tlb_flush_mmu_tlbonly(); tlb_flush_rmaps() before pte_unmap_unlock()); mm/rmap.c: folio_mkclean() (\"if (!folio_mapped(folio)) return 0\"); mm/page-writeback.c: folio_clear_dirty_for_io()",
	Unchecked}

func init() {
	tlbParam := Param{Name: "tlb", Type: TMMUGather}
	folioParam := []Param{{Name: "folio", Type: TPage}}
	zapCite := cite("mm/memory.c", "zap_pte_range()", "none: if (force_flush) { tlb_flush_mmu_tlbonly(tlb); tlb_flush_rmaps(tlb, vma); } pte_unmap_unlock(start_pte, ptl); "+
		"if (force_flush) tlb_flush_mmu(tlb);", readDirtyZap)
	zapSeq := "/* mm/memory.c: zap_pte_range() */\nstart_pte = pte = pte_offset_map_lock(mm, pmd, addr, &ptl);\nflush_tlb_batched_pending(mm);\n/* zap_present_ptes() for each entry; a dirty file entry: " +
		"folio_mark_dirty(), delay_rmap, force_flush */\n/* Do the actual TLB flush before dropping ptl */\nif (force_flush) {\n\ttlb_flush_mmu_tlbonly(tlb);\n\ttlb_flush_rmaps(tlb, vma);\n}\n" +
		"pte_unmap_unlock(start_pte, ptl);\nif (force_flush)\n\ttlb_flush_mmu(tlb);"

	defOp(&Op{Name: "tlb_flush_mmu_tlbonly", Params: []Param{tlbParam},
		API: register(&API{Name: "tlb_flush_mmu_tlbonly", Section: "2.39", Hold: "the PTE lock of the zap (zap_pte_range's force_flush) or the lock of the zap",
			Takes: "the TLB flush IPIs", Sleeps: "no", Asserts: "none",
			Source: "include/asm-generic/tlb.h: tlb_flush_mmu_tlbonly(); mm/memory.c: zap_pte_range()",
			Notes:  "flushes the TLB over the range the gather's zaps cleared and resets the range (__tlb_reset_range()); frees nothing, so it may run under the PTE lock, where zap_pte_range() runs it when force_flush",
			Cites:  []Cite{zapCite}, Sequence: zapSeq}),
		Touches: func(c *Call, f *Footprint) {
			if g, ok := c.Args[0].Obj.(*MMUGather); ok {
				f.TLB(g.MM.Core, true)
				return
			}
			f.Add(ATLB, AllObjects, true)
		},
		Fn: func(c *Call) Result {
			g := c.mmuGather(0)
			if g.End > g.Start {
				g.MM.Core.TLB.FlushRange(g.Start, g.End)
				c.T.tlbFlushed(g.MM, g.Start, g.End)
			}
			g.Start, g.End = 0, 0 // __tlb_reset_range()
			return ok
		}})

	defOp(&Op{Name: "tlb_flush_rmaps", Params: []Param{tlbParam, {Name: "vma", Type: TVMA}},
		API: register(&API{Name: "tlb_flush_rmaps", Section: "2.39", Hold: "the PTE lock the zap cleared the entries under (not past it: the memcg accounting)",
			Takes: "nothing", Sleeps: "no", Asserts: "none",
			Source: "mm/mmu_gather.c: tlb_flush_rmaps(), tlb_flush_rmap_batch(); mm/memory.c: zap_pte_range()",
			Notes: "removes the rmap (folio_remove_rmap_ptes) of the pages whose removal zap_present_ptes delayed, after tlb_flush_mmu_tlbonly: until then folio_mkclean() " +
				"sees the folio mapped and waits for the PTE lock (rule " + ruleLostWrite.ID + ")",
			Cites:    []Cite{zapCite, cite("mm/mmu_gather.c", "tlb_flush_rmaps()", "none: if (!tlb->delayed_rmap) return; tlb_flush_rmap_batch(&tlb->local, vma); ... tlb->delayed_rmap = 0;", readDirtyZap)},
			Sequence: zapSeq}),
		Touches: func(c *Call, f *Footprint) {
			g, ok := c.Args[0].Obj.(*MMUGather)
			if !ok {
				f.AllPages(true)
				return
			}
			for _, p := range g.delayed {
				f.PageAndFolio(p, true)
			}
			if len(g.delayed) > 0 {
				f.ptCounters(ID(g.MM.Core))
			}
		},
		Fn: func(c *Call) Result {
			g := c.mmuGather(0)
			c.vma(1)
			for _, p := range g.delayed {
				g.MM.Core.RemoveRmap(p)
			}
			g.delayed = nil
			return ok
		}})

	defOp(&Op{Name: "tlb_flush_mmu_free", Params: []Param{tlbParam},
		API: register(&API{Name: "tlb_flush_mmu_free", Section: "2.39", Hold: "the lock of the zap, no PTL (it frees pages)", Takes: "nothing",
			Sleeps: "yes (page freeing)", Asserts: "none", Source: "mm/mmu_gather.c: tlb_flush_mmu_free(), tlb_batch_pages_flush()",
			Notes: "drops the gathered pages' references: the second half of tlb_flush_mmu(), which is all zap_pte_range()'s tlb_flush_mmu() after a force_flush " +
				"does (its TLB flush finds the range that tlb_flush_mmu_tlbonly() reset)",
			Rules: []*Rule{ruleSleepInAtomic},
			Cites: []Cite{zapCite}, Sequence: zapSeq}),
		Touches: func(c *Call, f *Footprint) {
			g, ok := c.Args[0].Obj.(*MMUGather)
			if !ok {
				f.AllPages(true)
				f.Alloc()
				return
			}
			for _, p := range g.pages {
				f.PageAndFolio(p, true)
			}
			if len(g.pages) > 0 {
				f.Alloc()
			}
		},
		Fn: func(c *Call) Result {
			g := c.mmuGather(0)
			if g.nrPages > 0 || len(g.pages) > 0 {
				c.T.MightSleep("tlb_flush_mmu_free (freeing the gathered pages: __tlb_batch_free_encoded_pages() calls cond_resched())")
			}
			for _, p := range g.pages {
				_ = p.Put()
			}
			g.pages, g.nrPages = nil, 0
			g.batch.pagesFlushed() // tlb_batch_pages_flush(): tlb->active = &tlb->local
			return ok
		}})

	wbSeq := "/* mm/page-writeback.c: folio_clear_dirty_for_io(), the folio locked */\nif (folio_mkclean(folio))\n\tfolio_mark_dirty(folio);\n" +
		"if (folio_test_clear_dirty(folio)) {\n\t/* write it out */\n}"
	wbCite := cite("mm/page-writeback.c", "folio_clear_dirty_for_io()", "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio); ... if (folio_mkclean(folio)) folio_mark_dirty(folio); ... if (folio_test_clear_dirty(folio)) { ... return true; }", readDirtyZap)
	defOp(&Op{Name: "folio_mapped", Params: folioParam, Result: TBool,
		API: register(&API{Name: "folio_mapped", Section: "2.35", Hold: "nothing (a snapshot of the mapcounts)", Takes: "nothing", Sleeps: "no",
			Source: "include/linux/mm.h: folio_mapped()", Notes: "whether any page of the folio is mapped by a page table; folio_mkclean() returns 0 at once when not",
			Cites: []Cite{cite("mm/rmap.c", "folio_mkclean()", "BUG_ON(!folio_test_locked(folio)); if (!folio_mapped(folio)) return 0;", readDirtyZap)}, Sequence: wbSeq}),
		Touches: func(c *Call, f *Footprint) { pageFolioAll(c.page(0), f, false) },
		Fn:      func(c *Call) Result { return done(Bool(c.page(0).FolioMapped())) }})
	defOp(&Op{Name: "folio_mark_dirty", Params: folioParam, Result: TBool,
		API: register(&API{Name: "folio_mark_dirty", Section: "2.35", Hold: "the folio locked or mapped (a page-table reference keeps its mapping)", Takes: "nothing modelled", Sleeps: "no",
			Source: "mm/page-writeback.c: folio_mark_dirty()", Notes: "sets the folio's dirty flag; returns whether it was clean",
			Cites: []Cite{wbCite}, Sequence: wbSeq}),
		Touches: func(c *Call, f *Footprint) { pageFolioAll(c.page(0), f, true) },
		Fn: func(c *Call) Result {
			p := c.page(0).Folio()
			was := p.Dirty()
			p.SetDirty()
			return done(Bool(!was))
		}})
	defOp(&Op{Name: "folio_test_clear_dirty", Params: folioParam, Result: TBool,
		API: register(&API{Name: "folio_test_clear_dirty", Section: "2.35", Hold: "the folio lock (folio_clear_dirty_for_io)", Takes: "nothing", Sleeps: "no",
			Source: "include/linux/page-flags.h: folio_test_clear_dirty(); mm/page-writeback.c: folio_clear_dirty_for_io()",
			Notes: "clears the folio's dirty flag and returns whether it was set: writeback then writes the folio out, and a later store must dirty it again " +
				"through a fault on the write-protected entry, or it is lost (rule " + ruleLostWrite.ID + ")",
			Cites: []Cite{wbCite}, Sequence: wbSeq}),
		Touches: func(c *Call, f *Footprint) { pageFolioAll(c.page(0), f, true) },
		Fn:      func(c *Call) Result { return done(Bool(c.page(0).TestClearDirty())) }})

	wbLib := "a kernel path of the kernel library (kernel/rmap.mms), run statement by statement: "
	defOp(&Op{Name: "folio_mkclean", Path: true, Touches: touchesLocksOnly, Params: folioParam, Result: TInt,
		API: pathAPI("folio_mkclean", &API{Section: "2.35", Hold: "the folio lock (BUG_ON(!folio_test_locked(folio)))",
			Takes:  "[nothing when !folio_mapped] -> i_mmap_rwsem (read) -> per VMA: page_vma_mapped_walk (PVMW_SYNC: the PTE lock) -> page_vma_mkclean_one (TLB flush under it) -> unlock",
			Sleeps: "yes (i_mmap_rwsem)", Source: "mm/rmap.c: folio_mkclean(), page_mkclean_one(), page_vma_mkclean_one()",
			Notes: wbLib + "write-protects and cleans every PTE mapping the file folio and returns how many it cleaned; a folio mapped nowhere returns 0 at once, " +
				"which is why a zap keeps a dirty folio's rmap until its TLB flush (rule " + ruleLostWrite.ID + ")",
			Cites:    []Cite{cite("mm/rmap.c", "folio_mkclean()", "BUG_ON(!folio_test_locked(folio)); if (!folio_mapped(folio)) return 0; mapping = folio_mapping(folio); if (!mapping) return 0; rmap_walk(folio, &rwc);", readDirtyZap)},
			Sequence: wbSeq}, ruleBUGOn, ruleVMBugOnFolio, rulePMDNotRevalidated, rulePTEChangeLock)})
	defOp(&Op{Name: "folio_clear_dirty_for_io", Path: true, Touches: touchesLocksOnly, Params: folioParam, Result: TBool,
		API: pathAPI("folio_clear_dirty_for_io", &API{Section: "2.35", Hold: "the folio lock",
			Takes:  "folio_mkclean (i_mmap_rwsem read -> PTE locks)",
			Sleeps: "yes", Source: "mm/page-writeback.c: folio_clear_dirty_for_io()",
			Notes: wbLib + "writeback's clearing of a locked folio's dirty flag: folio_mkclean, folio_mark_dirty when it cleaned a mapping, then folio_test_clear_dirty, " +
				"whose result says whether to write the folio out; the dirty accounting (folio_account_cleaned, the wb stats) is not modelled",
			Cites: []Cite{wbCite}, Sequence: wbSeq}, ruleBUGOn, ruleVMBugOnFolio, rulePMDNotRevalidated, rulePTEChangeLock)})

	defOp(&Op{Name: "page_vma_mkclean_one", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "address", Type: TInt}, {Name: "pte", Type: TPTE}}, Result: TInt,
		API: register(&API{Name: "page_vma_mkclean_one", Section: "2.35", Hold: "the PTE lock (page_vma_mapped_walk returned it locked)", Takes: "the TLB flush IPIs", Sleeps: "no",
			Source: "mm/rmap.c: page_vma_mkclean_one(), folio_mkclean(); mm/pgtable-generic.c: ptep_clear_flush()",
			Notes: "the body of page_vma_mkclean_one()'s loop for the entry the walk returned: an entry neither dirty nor writable is left (0); otherwise " +
				"ptep_clear_flush() (the TLB entry flushed on every CPU), then set_pte_at() of pte_mkclean(pte_wrprotect(entry)) (1). The mapcount does not change",
			Rules: []*Rule{rulePTEChangeLock, rulePMDNotRevalidated},
			Cites: []Cite{cite("mm/rmap.c", "page_vma_mkclean_one()", "none: if (!pte_dirty(entry) && !pte_write(entry)) continue; flush_cache_page(vma, address, pte_pfn(entry)); "+
				"entry = ptep_clear_flush(vma, address, pte); entry = pte_wrprotect(entry); entry = pte_mkclean(entry); set_pte_at(vma->vm_mm, address, pte, entry); ret = 1;", readDirtyZap)},
			Sequence: "DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, address, PVMW_SYNC);\nwhile (page_vma_mapped_walk(&pvmw)) {\n\tentry = ptep_clear_flush(vma, address, pte);\n" +
				"\tentry = pte_mkclean(pte_wrprotect(entry));\n\tset_pte_at(vma->vm_mm, address, pte, entry);\n}"}),
		// the entry of the handle (write-protected: a write) and the
		// TLB (flushed: every CPU's entry for the address)
		Touches: func(c *Call, f *Footprint) {
			if p, ok := c.Args[2].Obj.(*PTE); ok {
				f.PTEAt(p.MM.Core, p.Addr, true)
				f.TLB(p.MM.Core, true)
				return
			}
			f.PTEs(vmaMM(c, 0), true)
			f.Add(ATLB, AllObjects, true)
		},
		Fn: func(c *Call) Result {
			c.vma(0)
			p := c.Args[2].Obj.(*PTE)
			if !c.checkTable(p) {
				return done(Int(0))
			}
			if p.PTL.heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("page_vma_mkclean_one at %#x without %s held", uint64(p.Addr), p.PTL.Name))
			}
			c.checkWriteDetached(p)
			if p.MM.Core.MkcleanPTE(p.Addr) {
				c.T.tlbFlushed(p.MM, p.Addr&mmcore.PageMask, p.Addr&mmcore.PageMask+mmcore.PageSize)
				return done(Int(1))
			}
			return done(Int(0))
		}})
}

// pageFolioAll records an access to every page of p's folio: the dirty
// flag and the mapcounts folio_mapped() reads live on them all.
func pageFolioAll(p *mmcore.Page, f *Footprint, write bool) {
	f.PageAndFolio(p, write)
	if p.Order() > 0 {
		f.AllPages(write)
	}
}
