package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// MADV_FREE's walk as steps of the kernel library (kernel/madvise.mms:
// madvise_dontneed_free(), madvise_free_single_vma(),
// madvise_free_pte_range()): each PMD entry of the range under its own
// lock, a huge PMD in madvise_free_huge_pmd(), a PTE table's entries in
// the loop of madvise_free_pte_range() (the step clear_young_dirty_ptes),
// after flush_tlb_batched_pending() (3ea277194daa). The entries it
// cleans go into the madvise mmu_gather, flushed by tlb_finish_mmu()
// after the PTE lock dropped.

// cydp_t (include/linux/mm_types.h): what clear_young_dirty_ptes()
// clears.
const (
	cydpClearYoung = 1 // CYDP_CLEAR_YOUNG, BIT(0)
	cydpClearDirty = 2 // CYDP_CLEAR_DIRTY, BIT(1)
)

// readMadviseFree: the tree madvise_free_pte_range() was read in.
const readMadviseFree = "linux-mm@e7e1a07bffed mm/madvise.c, read"

// madviseFreeTouches: the step's VMA, the PMD entry it reads, the entries
// of [start, end) it cleans and the pages they map (folio_clear_dirty();
// a large folio it splits changes every page of it: all pages), what
// checkBatchedFlushed reads.
func madviseFreeTouches(f *Footprint, m *mmcore.MM, start, end mmcore.Addr) {
	f.VMAs(m, false)
	f.PMDAt(m, start, false)
	if end > start {
		f.PTERange(m, start, end, true)
		large := false
		for a := start; a < end && !large; a += mmcore.PageSize {
			if w := m.Walk(a); w.Huge() {
				large = true
			} else if w.Present() {
				if p := m.Memory().Page(w.Entry.PFN()); p != nil && p.Folio().Order() > 0 {
					large = true
				}
			}
		}
		if large {
			// A large folio mapped in part is split (madviseSplitLargeFolios:
			// splitFolio() remaps never-written subpages to the zero page in
			// every entry of the folio, frees unreferenced ones, flushes the
			// TLB; a shmem folio is unmapped from every mapping): more than
			// this range and its pages, so the rare path declares the world.
			f.World()
		} else {
			f.ZappedPages(m, start, end)
		}
	}
	batchedCheckTouches(f, m) // checkBatchedFlushed
}

// madviseHugePMDTouches: MADV_FREE's and MADV_COLD's huge-PMD steps
// (tlb, vma, addr, next): the VMA, the PMD entry, the PTE table a split
// installs, the THP's pages. A huge PMD covered by [addr, next) only in
// part is split (madviseSplitLargeFolios), whose folio split reaches past
// the range (every entry of the folio, the zero page, TLB flushes, shmem
// unmaps from every mapping): the world, as madviseFreeTouches declares.
func madviseHugePMDTouches(c *Call, f *Footprint) {
	m := vmaMM(c, 1)
	f.VMAs(m, false)
	f.PMDAt(m, c.addr(2)&^(mmcore.PMD_SIZE-1), true)
	f.PTEs(m, true) // a split installs a PTE table
	f.AllPages(true)
	f.Alloc()
	v, ok := c.Args[1].Obj.(*mmcore.VMA)
	if !ok || v == nil {
		f.World()
		return
	}
	addr, next := c.addr(2), c.addr(3)
	h := addr &^ (mmcore.PMD_SIZE - 1)
	if start, end := max(addr, v.Start()), min(next, v.End()); start > h || end < h+mmcore.PMD_SIZE {
		f.World()
	}
}

func init() {
	Constants["CYDP_CLEAR_YOUNG"] = cydpClearYoung
	Constants["CYDP_CLEAR_DIRTY"] = cydpClearDirty
	constDocs["CYDP_CLEAR_YOUNG"] = "cydp_t bit (include/linux/mm_types.h): clear_young_dirty_ptes() makes the entries old (MADV_COLD's walk)"
	constDocs["CYDP_CLEAR_DIRTY"] = "cydp_t bit (include/linux/mm_types.h): clear_young_dirty_ptes() makes the entries clean (MADV_FREE's walk, with CYDP_CLEAR_YOUNG)"
	citeTable["clear_young_dirty_ptes"] = []Cite{cite("mm/madvise.c", "madvise_free_pte_range()",
		"start_pte = pte = pte_offset_map_lock(mm, pmd, addr, &ptl); if (!start_pte) return 0; flush_tlb_batched_pending(mm); lazy_mmu_mode_enable(); "+
			"for (; addr != end; pte += nr, addr += PAGE_SIZE * nr) { ... if (pte_young(ptent) || pte_dirty(ptent)) { clear_young_dirty_ptes(vma, addr, pte, nr, cydp_flags); "+
			"tlb_remove_tlb_entries(tlb, pte, nr, addr); } folio_mark_lazyfree(folio); }", readMadviseFree)}
	defOp(&Op{Name: "clear_young_dirty_ptes",
		Params: []Param{{Name: "tlb", Type: TMMUGather}, vmaParam("vma", false), {Name: "pte", Type: TPTE}, intParam("end"),
			{Name: "cydp_flags", Type: TInt, Optional: true, Default: Int(cydpClearYoung | cydpClearDirty)}},
		API: register(&API{Name: "clear_young_dirty_ptes", Section: "2.31",
			Hold: "the PTE lock of the table (pte_offset_map_lock in madvise_free_pte_range), inside the madvise mmu_gather", Takes: "nothing",
			Sleeps: "no", Asserts: "none",
			Source: "mm/madvise.c: madvise_free_pte_range(); include/linux/pgtable.h: clear_young_dirty_ptes(); include/asm-generic/tlb.h: tlb_remove_tlb_entries()",
			Notes: "the for loop of madvise_free_pte_range() over [pte, end) of one PTE table, one step: each present entry of an anonymous folio " +
				"mapped only here is made old and clean (clear_young_dirty_ptes(CYDP_CLEAR_YOUNG | CYDP_CLEAR_DIRTY)), its folio clean " +
				"(folio_clear_dirty()) and lazyfree, and the entry added to the gather's range (tlb_remove_tlb_entries), which tlb_finish_mmu() " +
				"flushes after the lock is dropped. A large folio the range maps only in part is split here under the lock, where the kernel " +
				"drops the lock around split_folio() and takes it again (and, since 383c4613c67c, calls flush_tlb_batched_pending() again). " +
				"An entry a batched unmap cleared and a CPU still caches, not flushed by flush_tlb_batched_pending() under this lock, is " +
				"tlb/batched-flush-pending. cydp_flags=CYDP_CLEAR_YOUNG alone is MADV_COLD's loop in madvise_cold_or_pageout_pte_range() " +
				"instead: each young entry of a folio mapped only here (folio_mapcount() == folio_nr_pages()) is made old and gathered, " +
				"nothing else changes (folio_deactivate() moves LRU lists, which mmscript does not show)",
			Rules: []*Rule{rulePTEChangeLock, ruleBatchedFlushPending},
			Sequence: "start_pte = pte = pte_offset_map_lock(mm, pmd, addr, &ptl);\nif (!start_pte)\n\treturn 0;\nflush_tlb_batched_pending(mm);\n" +
				"for (; addr != end; pte += nr, addr += PAGE_SIZE * nr) {\n\t/* folio_clear_dirty() of a dirty exclusive folio */\n" +
				"\tif (pte_young(ptent) || pte_dirty(ptent)) {\n\t\tclear_young_dirty_ptes(vma, addr, pte, nr, cydp_flags);\n" +
				"\t\ttlb_remove_tlb_entries(tlb, pte, nr, addr);\n\t}\n\tfolio_mark_lazyfree(folio);\n}\npte_unmap_unlock(start_pte, ptl);"}),
		Touches: func(c *Call, f *Footprint) {
			m := vmaMM(c, 1)
			if p, ok := c.Args[2].Obj.(*PTE); ok && p.Table != nil {
				v := c.Args[1].Obj.(*mmcore.VMA)
				madviseFreeTouches(f, p.MM.Core, max(p.Addr, v.Start()), min(c.addr(3), p.Table.End(), v.End()))
				return
			}
			f.VMAs(m, false)
			f.PTEs(m, true)
			f.AllPages(true)
			batchedCheckTouches(f, m)
		},
		Fn: func(c *Call) Result {
			g, v, p := c.mmuGather(0), c.vma(1), c.Args[2].Obj.(*PTE)
			if !c.checkTable(p) {
				return ok
			}
			if p.PTL.heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("clear_young_dirty_ptes at %#x without %s held", uint64(p.Addr), p.PTL.Name))
			}
			start, end := max(p.Addr, v.Start()), min(c.addr(3), p.Table.End(), v.End())
			if start >= end {
				return ok
			}
			// madvise_free_pte_range() called flush_tlb_batched_pending(mm)
			// right after pte_offset_map_lock() (3ea277194daa)
			c.checkBatchedFlushed(p.MM, start, end)
			g.cover(start, end)
			var lo, hi mmcore.Addr
			if c.int(4)&cydpClearDirty == 0 {
				// madvise_cold_or_pageout_pte_range(): if (!pageout &&
				// pte_young(ptent)) { clear_young_dirty_ptes(vma, addr,
				// pte, nr, CYDP_CLEAR_YOUNG); tlb_remove_tlb_entries(); }
				lo, hi = p.MM.Core.MadviseColdGathered(v, start, end)
			} else {
				var err error
				if lo, hi, _, err = p.MM.Core.MadviseDontneedFreeGathered(v, start, end, mmcore.MADV_FREE); err != nil {
					return fail("clear_young_dirty_ptes: %v", err)
				}
			}
			if hi > lo {
				g.adjustRange(lo, hi) // tlb_remove_tlb_entries()
			}
			return ok
		}})

	citeTable["madvise_free_huge_pmd"] = []Cite{cite("mm/huge_memory.c", "madvise_free_huge_pmd()",
		"ptl = pmd_trans_huge_lock(pmd, vma); if (!ptl) return 0; ... if (next - addr != HPAGE_PMD_SIZE) { ... split_folio(folio) ... goto out; } ... "+
			"pmdp_invalidate(vma, addr, pmd); orig_pmd = pmd_mkold(orig_pmd); orig_pmd = pmd_mkclean(orig_pmd); set_pmd_at(mm, addr, pmd, orig_pmd); "+
			"tlb_remove_pmd_tlb_entry(tlb, pmd, addr); ... out: spin_unlock(ptl)", readMadviseFree)}
	defOp(&Op{Name: "madvise_free_huge_pmd",
		Params: []Param{{Name: "tlb", Type: TMMUGather}, vmaParam("vma", false), intParam("addr"), intParam("next")},
		Result: TBool,
		API: register(&API{Name: "madvise_free_huge_pmd", Section: "2.31",
			Hold: "the mmap read lock or the VMA read lock; inside the madvise mmu_gather", Takes: "the PMD lock (pmd_trans_huge_lock), held across the change",
			Sleeps: "no", Asserts: "none", Source: "mm/huge_memory.c: madvise_free_huge_pmd(); mm/madvise.c: madvise_free_pte_range()",
			Notes: "MADV_FREE of [addr, next) in a huge PMD under the PMD lock: false when, under the lock, the entry is no longer a huge PMD " +
				"(madvise_free_pte_range() then walks the PTE table). A huge PMD covered in part is split (mmscript splits it and cleans its " +
				"PTEs under the same lock, where the kernel splits the folio and leaves the PTEs to the next walk); true when it handled the range",
			Rules: []*Rule{ruleTraverseLock},
			Sequence: "/* mm/madvise.c: madvise_free_pte_range() */\nif (pmd_trans_huge(*pmd))\n\tif (madvise_free_huge_pmd(tlb, vma, pmd, addr, next))\n\t\treturn 0;\n" +
				"/* mm/huge_memory.c: madvise_free_huge_pmd() */\nptl = pmd_trans_huge_lock(pmd, vma);\nif (!ptl)\n\treturn 0;\n" +
				"/* a range covering it in part: split_folio(), goto out */\npmdp_invalidate(vma, addr, pmd);\norig_pmd = pmd_mkold(orig_pmd);\n" +
				"orig_pmd = pmd_mkclean(orig_pmd);\nset_pmd_at(mm, addr, pmd, orig_pmd);\ntlb_remove_pmd_tlb_entry(tlb, pmd, addr);\nout:\nspin_unlock(ptl);"}),
		Touches: madviseHugePMDTouches,
		Fn: func(c *Call) Result {
			g, v, addr, next := c.mmuGather(0), c.vma(1), c.addr(2), c.addr(3)
			m := mmOf(v.MM())
			c.requireStable(m, addr, ruleTraverseLock)
			pmd := m.Core.Walk(addr).PMD()
			if pmd == nil {
				return done(Bool(false))
			}
			start, end := max(addr, v.Start()), min(next, v.End())
			l := ptl(m, pmd)
			return c.lock(l, Write, func() Result {
				defer c.unlock(l, Write)
				if !m.Core.Walk(addr).Huge() {
					return done(Bool(false)) // split or zapped meanwhile: the PTE table's walk takes it
				}
				g.cover(start, end)
				lo, hi, _, err := m.Core.MadviseDontneedFreeGathered(v, start, end, mmcore.MADV_FREE)
				if err != nil {
					return fail("madvise_free_huge_pmd: %v", err)
				}
				if hi > lo {
					g.adjustRange(lo, hi) // tlb_remove_pmd_tlb_entry()
				}
				return done(Bool(true))
			})
		}})

	citeTable["madvise_cold_huge_pmd_locked"] = []Cite{cite("mm/madvise.c", "madvise_cold_or_pageout_pte_range()",
		"ptl = pmd_trans_huge_lock(pmd, vma); if (!ptl) return 0; ... if (next - addr != HPAGE_PMD_SIZE) { folio_get(folio); spin_unlock(ptl); "+
			"folio_lock(folio); err = split_folio(folio); ... if (!err) goto regular_folio; return 0; } if (!pageout && pmd_young(orig_pmd)) { "+
			"pmdp_invalidate(vma, addr, pmd); orig_pmd = pmd_mkold(orig_pmd); set_pmd_at(mm, addr, pmd, orig_pmd); tlb_remove_pmd_tlb_entry(tlb, pmd, addr); } "+
			"... huge_unlock: spin_unlock(ptl); if (pageout) reclaim_pages(&folio_list)", readMadviseFree)}
	defOp(&Op{Name: "madvise_cold_huge_pmd_locked",
		Params: []Param{{Name: "tlb", Type: TMMUGather}, vmaParam("vma", false), intParam("addr"), intParam("next"), {Name: "pageout", Type: TBool}},
		Result: TBool,
		API: register(&API{Name: "madvise_cold_huge_pmd_locked", Section: "2.31",
			Hold:  "the PMD lock of the huge PMD (pmd_trans_huge_lock in madvise_cold_or_pageout_pte_range), inside the madvise mmu_gather",
			Takes: "nothing", Sleeps: "no", Asserts: "none", Source: "mm/madvise.c: madvise_cold_or_pageout_pte_range()",
			Notes: "the huge-PMD branch of madvise_cold_or_pageout_pte_range() between pmd_trans_huge_lock() and spin_unlock(ptl), one step " +
				"(mmscript's name: the kernel has no function of its own for it): a range covering the huge PMD only in part splits its folio " +
				"(the kernel drops the lock around split_folio(); mmscript splits under it) and returns false, and the PTE table is walked next " +
				"(goto regular_folio); a whole one is made old (MADV_COLD: pmd_mkold, which mmscript does not show) or isolated for " +
				"reclaim_pages() (MADV_PAGEOUT), and it returns true",
			Rules: []*Rule{rulePTEChangeLock},
			Sequence: "ptl = pmd_trans_huge_lock(pmd, vma);\nif (!ptl)\n\treturn 0;\nif (next - addr != HPAGE_PMD_SIZE) {\n\t/* split_folio() */\n\tgoto regular_folio;\n}\n" +
				"if (!pageout && pmd_young(orig_pmd)) {\n\tpmdp_invalidate(vma, addr, pmd);\n\torig_pmd = pmd_mkold(orig_pmd);\n\tset_pmd_at(mm, addr, pmd, orig_pmd);\n" +
				"\ttlb_remove_pmd_tlb_entry(tlb, pmd, addr);\n}\nhuge_unlock:\nspin_unlock(ptl);\nif (pageout)\n\treclaim_pages(&folio_list);"}),
		Touches: madviseHugePMDTouches,
		Fn: func(c *Call) Result {
			v, addr, next := c.vma(1), c.addr(2), c.addr(3)
			m := mmOf(v.MM())
			w := m.Core.Walk(addr)
			if !w.Huge() || w.PMD() == nil {
				return done(Bool(false))
			}
			if l := ptl(m, w.PMD()); l.heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("madvise_cold_huge_pmd_locked at %#x without %s held", uint64(addr), l.Name))
			}
			start, end := max(addr, v.Start()), min(next, v.End())
			h := addr &^ (mmcore.PMD_SIZE - 1)
			if start > h || end < h+mmcore.PMD_SIZE {
				m.Core.MadviseSplitLargeFolios(v, start, end)
				return done(Bool(m.Core.Walk(addr).Huge())) // split: the PTEs are walked next (goto regular_folio)
			}
			return done(Bool(true))
		}})

	citeTable["reclaim_pages"] = []Cite{cite("mm/madvise.c", "madvise_cold_or_pageout_pte_range()",
		"if (pageout) { if (folio_isolate_lru(folio)) { ... list_add(&folio->lru, &folio_list); } } ... pte_unmap_unlock(start_pte, ptl); "+
			"if (pageout) reclaim_pages(&folio_list); cond_resched();", readMadviseFree)}
	defOp(&Op{Name: "reclaim_pages",
		Params: []Param{vmaParam("vma", false), intParam("start"), intParam("end")},
		API: register(&API{Name: "reclaim_pages", Section: "2.31",
			Hold: "the mmap read lock; no spinlock (it sleeps)", Takes: "per folio: the folio lock, the rmap locks and PTE locks of try_to_unmap() (not modelled as steps)",
			Sleeps: "yes", Asserts: "none", Source: "mm/vmscan.c: reclaim_pages(), reclaim_folio_list(), shrink_folio_list(); mm/madvise.c: madvise_cold_or_pageout_pte_range()",
			Notes: "MADV_PAGEOUT's reclaim of the folios madvise_cold_or_pageout_pte_range() isolated in [start, end) of vma (mmscript takes the " +
				"range where the kernel takes the folio list), one step: a large folio mapped there in part is split first (the walk's " +
				"split_folio()); with no swap an anonymous folio stays mapped, a page-cache folio mapped only here is unmapped (try_to_unmap() " +
				"and its TLB flush) and, when clean, freed",
			Rules: []*Rule{ruleSleepInAtomic},
			Sequence: "/* mm/madvise.c: madvise_cold_or_pageout_pte_range() */\nstart_pte = pte = pte_offset_map_lock(vma->vm_mm, pmd, addr, &ptl);\n" +
				"flush_tlb_batched_pending(mm);\n/* for each entry: if (pageout && folio_isolate_lru(folio)) list_add(&folio->lru, &folio_list); */\n" +
				"pte_unmap_unlock(start_pte, ptl);\nif (pageout)\n\treclaim_pages(&folio_list);\ncond_resched();"}),
		Touches: world,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			c.T.MightSleep(c.Op.Name)
			mmOf(v.MM()).Core.MadvisePageout(v, c.addr(1), c.addr(2))
			return ok
		}})
}
