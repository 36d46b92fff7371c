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
const readMadviseFree = "linux-mm@0386ed250e7b mm/madvise.c, read"

// readHugeMemoryMadvise: the tree madvise_free_huge_pmd() and
// __folio_split() were read in.
const readHugeMemoryMadvise = "linux-mm@00cb34b034a5 mm/huge_memory.c, read"

var ruleSplitFolioLocked = &Rule{"split_folio/not-locked",
	"split_folio() only of a large folio the caller has locked (folio_lock() or a successful folio_trylock()) and holds a reference to " +
		"(folio_get()): the lock keeps other splitters, migration and truncation off the folio while it is unmapped and cut up",
	"mm/huge_memory.c: __folio_split(): VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio), folio); split_huge_page_to_list_to_order() " +
		"\"Prerequisites: 1) The caller must hold a reference on the @page's owning folio ... 2) The large folio must be locked.\"",
	DebugOnly}

// madviseFreeTouches: the loop step's VMA, the PMD entry it reads, the
// entries of [start, end) it cleans and the pages they map
// (folio_clear_dirty(), the folio mapcounts it compares), what
// checkBatchedFlushed reads. The loop stops at a large folio mapped in
// part instead of splitting it (split_folio() is a step of its own, whose
// footprint is the world), so nothing past the range changes.
func madviseFreeTouches(f *Footprint, m *mmcore.MM, start, end mmcore.Addr) {
	f.VMAs(m, false)
	f.PMDAt(m, start, false)
	if end > start {
		f.PTERange(m, start, end, true)
		f.ZappedPages(m, start, end)
	}
	batchedCheckTouches(f, m) // checkBatchedFlushed
}

// madviseHugePMDTouches: MADV_FREE's and MADV_COLD's steps on a huge PMD
// the range covers whole (tlb, vma, addr): the VMA, the PMD entry they
// make old (and clean), the TLB pmdp_invalidate() flushes, the THP's
// pages (folio_clear_dirty()). A huge PMD covered in part never reaches
// them: the kernel library splits it with split_folio() first.
func madviseHugePMDTouches(c *Call, f *Footprint) {
	m := vmaMM(c, 1)
	f.VMAs(m, false)
	f.PMDAt(m, c.addr(2)&^(mmcore.PMD_SIZE-1), true)
	f.TLB(m, true)
	f.AllPages(true)
}

func init() {
	Constants["CYDP_CLEAR_YOUNG"] = cydpClearYoung
	Constants["CYDP_CLEAR_DIRTY"] = cydpClearDirty
	constDocs["CYDP_CLEAR_YOUNG"] = "cydp_t bit (include/linux/mm_types.h): clear_young_dirty_ptes() makes the entries old (MADV_COLD's walk)"
	constDocs["CYDP_CLEAR_DIRTY"] = "cydp_t bit (include/linux/mm_types.h): clear_young_dirty_ptes() makes the entries clean (MADV_FREE's walk, with CYDP_CLEAR_YOUNG)"
	folioParam := []Param{{Name: "folio", Type: TPage}}

	loopSeq := "start_pte = pte = pte_offset_map_lock(mm, pmd, addr, &ptl);\nif (!start_pte)\n\treturn 0;\nflush_tlb_batched_pending(mm);\n" +
		"for (; addr != end; pte += nr, addr += PAGE_SIZE * nr) {\n\tnr = 1;\n\t/* none, swap, the zero page: continue */\n" +
		"\tif (folio_test_large(folio)) {\n\t\tnr = madvise_folio_pte_batch(addr, end, folio, pte, &ptent);\n\t\tif (nr < folio_nr_pages(folio)) {\n" +
		"\t\t\tif (folio_maybe_mapped_shared(folio))\n\t\t\t\tcontinue;\n\t\t\tif (!folio_trylock(folio))\n\t\t\t\tcontinue;\n" +
		"\t\t\tfolio_get(folio);\n\t\t\tpte_unmap_unlock(start_pte, ptl);\n\t\t\terr = split_folio(folio);\n\t\t\tfolio_unlock(folio);\n\t\t\tfolio_put(folio);\n" +
		"\t\t\tstart_pte = pte = pte_offset_map_lock(mm, pmd, addr, &ptl);\n\t\t\tif (!start_pte)\n\t\t\t\tbreak;\n" +
		"\t\t\tflush_tlb_batched_pending(mm);\n\t\t\tif (!err)\n\t\t\t\tnr = 0;\n\t\t\tcontinue;\n\t\t}\n\t}\n" +
		"\t/* MADV_FREE: a dirty folio only when exclusive: folio_clear_dirty() */\n\tif (pte_young(ptent) || pte_dirty(ptent)) {\n" +
		"\t\tclear_young_dirty_ptes(vma, addr, pte, nr, cydp_flags);\n\t\ttlb_remove_tlb_entries(tlb, pte, nr, addr);\n\t}\n" +
		"\tfolio_mark_lazyfree(folio);\n}\nif (start_pte)\n\tpte_unmap_unlock(start_pte, ptl);"
	citeTable["clear_young_dirty_ptes"] = []Cite{cite("mm/madvise.c", "madvise_free_pte_range(), madvise_cold_or_pageout_pte_range()",
		"for (; addr != end; pte += nr, addr += PAGE_SIZE * nr) { ... if (folio_test_large(folio)) { nr = madvise_folio_pte_batch(...); "+
			"if (nr < folio_nr_pages(folio)) { ... pte_unmap_unlock(start_pte, ptl); ... err = split_folio(folio); ... } } "+
			"if (folio_test_swapcache(folio) || folio_test_dirty(folio)) { if (!folio_trylock(folio)) continue; "+
			"if (folio_mapcount(folio) != folio_nr_pages(folio)) { folio_unlock(folio); continue; } ... folio_clear_dirty(folio); folio_unlock(folio); } "+
			"if (pte_young(ptent) || pte_dirty(ptent)) { clear_young_dirty_ptes(vma, addr, pte, nr, cydp_flags); "+
			"tlb_remove_tlb_entries(tlb, pte, nr, addr); } folio_mark_lazyfree(folio); }", readMadviseFree)}
	defOp(&Op{Name: "clear_young_dirty_ptes",
		Params: []Param{{Name: "tlb", Type: TMMUGather}, vmaParam("vma", false), {Name: "pte", Type: TPTE}, intParam("end"),
			{Name: "cydp_flags", Type: TInt, Optional: true, Default: Int(cydpClearYoung | cydpClearDirty)},
			{Name: "addr", Type: TInt, Optional: true, Default: Int(-1)}},
		Result: TPage,
		API: register(&API{Name: "clear_young_dirty_ptes", Section: "2.31",
			Hold: "the PTE lock of the table (pte_offset_map_lock in madvise_free_pte_range), inside the madvise mmu_gather", Takes: "nothing",
			Sleeps: "no", Asserts: "none",
			Source: "mm/madvise.c: madvise_free_pte_range(), madvise_cold_or_pageout_pte_range(); include/linux/pgtable.h: clear_young_dirty_ptes(); " +
				"include/asm-generic/tlb.h: tlb_remove_tlb_entries()",
			Notes: "the for loop of madvise_free_pte_range() over [addr, end) of one PTE table (addr: the pte's own address unless given), " +
				"as one step up to the first large folio the range maps only in part (a batch of its PTEs shorter than the folio, " +
				"madvise_folio_pte_batch()): it returns that folio, leaving its address in tlb.addr, and the kernel library then tests it " +
				"(folio_maybe_mapped_shared(), folio_trylock()), drops the PTE lock, splits it (split_folio()), takes the lock again and " +
				"calls flush_tlb_batched_pending() again (383c4613c67c) before it goes on; nil when the loop reached end (tlb.addr). " +
				"For MADV_FREE (cydp_flags CYDP_CLEAR_YOUNG | CYDP_CLEAR_DIRTY) each entry of a folio is made old and clean " +
				"(clear_young_dirty_ptes()) and added to the gather's range (tlb_remove_tlb_entries), which tlb_finish_mmu() flushes after " +
				"the lock is dropped; a dirty folio (or one in the swap cache, which mmscript has not) only when exclusive " +
				"(folio_mapcount() == folio_nr_pages()), and it is cleaned (folio_clear_dirty()). cydp_flags=CYDP_CLEAR_YOUNG alone is " +
				"MADV_COLD's loop in madvise_cold_or_pageout_pte_range(): each young entry of a folio mapped only here is made old and " +
				"gathered (folio_deactivate() moves LRU lists, which mmscript does not show); cydp_flags=0 is MADV_PAGEOUT's, which changes " +
				"no entry (reclaim_pages() unmaps what it isolated after the lock is dropped). An entry a batched unmap cleared and a CPU " +
				"still caches, not flushed by flush_tlb_batched_pending() under this lock, is tlb/batched-flush-pending",
			Rules: []*Rule{rulePTEChangeLock, ruleBatchedFlushPending}, Sequence: loopSeq}),
		Touches: func(c *Call, f *Footprint) {
			m := vmaMM(c, 1)
			if p, ok := c.Args[2].Obj.(*PTE); ok && p.Table != nil {
				v := c.Args[1].Obj.(*mmcore.VMA)
				from := p.Addr
				if a := c.Args[5].Int; a >= 0 {
					from = mmcore.Addr(a)
				}
				madviseFreeTouches(f, p.MM.Core, max(from, v.Start()), min(c.addr(3), p.Table.End(), v.End()))
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
				return done(Nil)
			}
			from := p.Addr
			if a := c.int(5); a >= 0 {
				from = mmcore.Addr(a)
			}
			if p.PTL.heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("clear_young_dirty_ptes at %#x without %s held", uint64(from), p.PTL.Name))
			}
			start, end := max(from, v.Start()), min(c.addr(3), p.Table.End(), v.End())
			g.addr = max(end, start)
			if start >= end {
				return done(Nil)
			}
			// the walk called flush_tlb_batched_pending(mm) right after
			// pte_offset_map_lock(), and again after each split
			// (3ea277194daa, 383c4613c67c)
			c.checkBatchedFlushed(p.MM, start, end)
			by := walkMadviseFree
			if c.int(4)&cydpClearDirty == 0 {
				by = walkMadviseCold
			}
			g.cover(start, end, by)
			var stop, lo, hi mmcore.Addr
			var folio *mmcore.Page
			switch flags := c.int(4); {
			case flags&cydpClearDirty != 0:
				// if (folio_test_swapcache(folio) || folio_test_dirty(folio)) {
				// if (!folio_trylock(folio)) continue; ... folio_unlock(folio); }:
				// taken and dropped in the step, a read of the lock
				stop, folio, lo, hi = p.MM.Core.MadviseFreePTEs(v, start, end, func(f *mmcore.Page) bool {
					l := c.K.folioLock(f)
					c.T.fpLock(l, false)
					return !l.Held()
				})
			default:
				// madvise_cold_or_pageout_pte_range(): if (!pageout &&
				// pte_young(ptent)) { clear_young_dirty_ptes(vma, addr,
				// pte, nr, CYDP_CLEAR_YOUNG); tlb_remove_tlb_entries(); }
				stop, folio, lo, hi = p.MM.Core.MadviseColdPTEs(v, start, end, flags&cydpClearYoung == 0)
			}
			if hi > lo {
				g.adjustRange(lo, hi, by) // tlb_remove_tlb_entries()
			}
			g.addr = stop
			if folio == nil {
				return done(Nil)
			}
			return done(Obj(TPage, folio))
		}})

	defOp(&Op{Name: "madvise_folio_pte_batch",
		Params: []Param{intParam("addr"), intParam("end"), {Name: "folio", Type: TPage}, {Name: "pte", Type: TPTE}},
		Result: TInt,
		API: register(&API{Name: "madvise_folio_pte_batch", Section: "2.31",
			Hold: "the PTE lock of the table (the loop of madvise_free_pte_range / madvise_cold_or_pageout_pte_range)", Takes: "nothing",
			Sleeps: "no", Asserts: "none", Source: "mm/madvise.c: madvise_folio_pte_batch(); mm/internal.h: folio_pte_batch_flags()",
			Notes: "how many consecutive entries from addr, below end and in pte's table, map consecutive pages of folio (the loop's nr): " +
				"fewer than folio_nr_pages(folio) means the range maps the folio only in part, and the loop splits it or passes over nr entries",
			Cites:    []Cite{cite("mm/madvise.c", "madvise_folio_pte_batch()", "int max_nr = (end - addr) / PAGE_SIZE; return folio_pte_batch_flags(folio, NULL, ptep, ptentp, max_nr, FPB_MERGE_YOUNG_DIRTY);", readMadviseFree)},
			Sequence: loopSeq}),
		Touches: func(c *Call, f *Footprint) {
			p, ok := c.Args[3].Obj.(*PTE)
			if !ok || p.MM == nil {
				f.Add(APTE, AllObjects, false)
				return
			}
			f.PTERange(p.MM.Core, c.addr(0), max(c.addr(0), c.addr(1)), false)
			f.PageAndFolio(c.page(2), false)
		},
		Fn: func(c *Call) Result {
			p := c.Args[3].Obj.(*PTE)
			if !c.checkTable(p) {
				return done(Int(1))
			}
			return done(Int(int64(p.MM.Core.MadviseFolioPTEBatch(c.addr(0), c.addr(1), c.page(2)))))
		}})

	defOp(&Op{Name: "folio_maybe_mapped_shared", Params: folioParam, Result: TBool,
		API: register(&API{Name: "folio_maybe_mapped_shared", Section: "2.31", Hold: "nothing (a snapshot; the callers hold the PTE or PMD lock of one mapping)",
			Takes: "nothing", Sleeps: "no", Asserts: "none", Source: "include/linux/mm.h: folio_maybe_mapped_shared()",
			Notes: "whether another mapping may map the folio: a small folio mapped more than once, a large one mapped by more than one mm " +
				"(the folio's _mm_id tracking). MADV_FREE, MADV_COLD and MADV_PAGEOUT leave such a folio alone: they neither split nor clean it",
			Cites: []Cite{cite("mm/huge_memory.c", "madvise_free_huge_pmd()", "/* If other processes are mapping this folio, we couldn't discard the folio unless they all do MADV_FREE so let's skip the folio. */ "+
				"if (folio_maybe_mapped_shared(folio)) goto out;", readHugeMemoryMadvise)},
			Sequence: "/* mm/huge_memory.c: madvise_free_huge_pmd(), under the PMD lock */\nfolio = pmd_folio(orig_pmd);\n" +
				"if (folio_maybe_mapped_shared(folio))\n\tgoto out;\nif (!folio_trylock(folio))\n\tgoto out;"}),
		// A read. A small folio's answer is its mapcount; a large one's
		// walks the folio's rmap (mmcore's stand-in for _mm_id), whose
		// answer changes only when an entry starts or stops mapping a
		// page of the folio, and every such change writes that page
		// (ZappedPages, installs, faults): a read of every page.
		Touches: func(c *Call, f *Footprint) {
			p, ok := c.Args[0].Obj.(*mmcore.Page)
			switch {
			case !ok || p == nil:
			case p.Folio().Order() == 0:
				f.Page(p.Folio(), false)
			default:
				f.AllPages(false)
			}
		},
		Fn: func(c *Call) Result { return done(Bool(mmcore.FolioMaybeMappedShared(c.page(0)))) }})

	defOp(&Op{Name: "split_folio", Params: folioParam, Result: TInt,
		API: register(&API{Name: "split_folio", Section: "2.37",
			Hold:   "the folio lock and a reference to the folio (folio_get()); no spinlock (it sleeps)",
			Takes:  "the anon_vma rwsem for write (anonymous) or i_mmap_rwsem for read (shmem), and the PMD and PTE locks of every mapping of the folio (unmap_folio(), remap_page()); not modelled as steps",
			Sleeps: "yes", Asserts: "VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio), folio) (CONFIG_DEBUG_VM)",
			Source: "include/linux/huge_mm.h: split_folio(); mm/huge_memory.c: __folio_split()",
			Notes: "splits a large folio into order-0 folios, one step: its PMD mappings are split (unmap_folio() with TTU_SPLIT_HUGE_PMD), " +
				"every page becomes a folio mapped again by its PTEs (remap_page(); a never-written anonymous page becomes the shared zero " +
				"page), the TLB flushed; the caller's reference and lock stay with the head page. Returns 0, -EAGAIN when the folio has " +
				"a reference besides its mappings', the page cache's and the caller's one (a pin, reclaim's isolation), -EBUSY for a " +
				"disk file's folio (mmscript does not split those), -EINVAL for a small folio",
			Rules: []*Rule{ruleSplitFolioLocked, ruleSleepInAtomic},
			Cites: []Cite{cite("mm/huge_memory.c", "__folio_split()", "VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio), folio); ... "+
				"if (folio_expected_ref_count(folio) != folio_ref_count(folio) - 1) { ret = -EAGAIN; goto out_unlock; } unmap_folio(folio); ...", readHugeMemoryMadvise)},
			Sequence: "folio_get(folio);\nspin_unlock(ptl);\nfolio_lock(folio);\nerr = split_folio(folio);\nfolio_unlock(folio);\nfolio_put(folio);"}),
		Touches: splitFolioTouches,
		Fn: func(c *Call) Result {
			f := c.page(0).Folio()
			c.T.MightSleep(c.Op.Name)
			l := c.K.folioLock(f)
			c.K.fpLockObserve(l) // whether anyone holds it
			if l.Writer() == nil {
				c.K.violate(c.T, ruleSplitFolioLocked, fmt.Sprintf("split_folio of %s, which is not locked", l.Name))
			}
			if err := mmcore.SplitFolio(f, 1); err != nil {
				return done(Int(errnoOf(err)))
			}
			return done(Int(0))
		}})

	citeTable["madvise_free_huge_pmd_locked"] = []Cite{cite("mm/huge_memory.c", "madvise_free_huge_pmd()",
		"if (folio_test_dirty(folio)) folio_clear_dirty(folio); folio_unlock(folio); if (pmd_young(orig_pmd) || pmd_dirty(orig_pmd)) { "+
			"pmdp_invalidate(vma, addr, pmd); orig_pmd = pmd_mkold(orig_pmd); orig_pmd = pmd_mkclean(orig_pmd); set_pmd_at(mm, addr, pmd, orig_pmd); "+
			"tlb_remove_pmd_tlb_entry(tlb, pmd, addr); } folio_mark_lazyfree(folio); ret = true; out: spin_unlock(ptl);", readHugeMemoryMadvise)}
	defOp(&Op{Name: "madvise_free_huge_pmd_locked",
		Params: []Param{{Name: "tlb", Type: TMMUGather}, vmaParam("vma", false), intParam("addr")},
		API: register(&API{Name: "madvise_free_huge_pmd_locked", Section: "2.31",
			Hold:  "the PMD lock of the huge PMD (pmd_trans_huge_lock in madvise_free_huge_pmd), the folio lock; inside the madvise mmu_gather",
			Takes: "nothing", Sleeps: "no", Asserts: "none", Source: "mm/huge_memory.c: madvise_free_huge_pmd()",
			Notes: "mmscript's name for the end of madvise_free_huge_pmd() on a huge PMD the range covers whole, its folio exclusive and " +
				"locked, one step: folio_clear_dirty(), a young or dirty entry made old and clean (pmdp_invalidate(), which flushes its TLB " +
				"range, pmd_mkold(), pmd_mkclean(), set_pmd_at()) and added to the gather (tlb_remove_pmd_tlb_entry()), folio_mark_lazyfree(). " +
				"The kernel unlocks the folio before it changes the entry, the kernel library after (both under the PMD lock)",
			Rules: []*Rule{rulePTEChangeLock},
			Sequence: "/* mm/huge_memory.c: madvise_free_huge_pmd() */\nptl = pmd_trans_huge_lock(pmd, vma);\nif (!ptl)\n\tgoto out_unlocked;\n" +
				"orig_pmd = *pmd;\nif (is_huge_zero_pmd(orig_pmd))\n\tgoto out;\nfolio = pmd_folio(orig_pmd);\n" +
				"if (folio_maybe_mapped_shared(folio))\n\tgoto out;\nif (!folio_trylock(folio))\n\tgoto out;\n" +
				"if (next - addr != HPAGE_PMD_SIZE) {\n\tfolio_get(folio);\n\tspin_unlock(ptl);\n\tsplit_folio(folio);\n\tfolio_unlock(folio);\n" +
				"\tfolio_put(folio);\n\tgoto out_unlocked;\t/* madvise_free_pte_range() walks the PTEs */\n}\n" +
				"if (folio_test_dirty(folio))\n\tfolio_clear_dirty(folio);\nfolio_unlock(folio);\nif (pmd_young(orig_pmd) || pmd_dirty(orig_pmd)) {\n" +
				"\tpmdp_invalidate(vma, addr, pmd);\n\torig_pmd = pmd_mkold(orig_pmd);\n\torig_pmd = pmd_mkclean(orig_pmd);\n" +
				"\tset_pmd_at(mm, addr, pmd, orig_pmd);\n\ttlb_remove_pmd_tlb_entry(tlb, pmd, addr);\n}\nfolio_mark_lazyfree(folio);\nret = true;\n" +
				"out:\nspin_unlock(ptl);\nout_unlocked:\nreturn ret;"}),
		Touches: madviseHugePMDTouches,
		Fn: func(c *Call) Result {
			return c.madviseHugePMDLocked(true, func(m *MM, h mmcore.Addr) bool { return m.Core.MadviseFreeHugePMD(h) })
		}})

	citeTable["madvise_cold_huge_pmd_locked"] = []Cite{cite("mm/madvise.c", "madvise_cold_or_pageout_pte_range()",
		"if (!pageout && pmd_young(orig_pmd)) { pmdp_invalidate(vma, addr, pmd); orig_pmd = pmd_mkold(orig_pmd); set_pmd_at(mm, addr, pmd, orig_pmd); "+
			"tlb_remove_pmd_tlb_entry(tlb, pmd, addr); } folio_clear_referenced(folio); folio_test_clear_young(folio); ... if (pageout) { "+
			"if (folio_isolate_lru(folio)) { ... list_add(&folio->lru, &folio_list); } } else folio_deactivate(folio); huge_unlock: spin_unlock(ptl);", readMadviseFree)}
	defOp(&Op{Name: "madvise_cold_huge_pmd_locked",
		Params: []Param{{Name: "tlb", Type: TMMUGather}, vmaParam("vma", false), intParam("addr"), {Name: "pageout", Type: TBool}},
		API: register(&API{Name: "madvise_cold_huge_pmd_locked", Section: "2.31",
			Hold:  "the PMD lock of the huge PMD (pmd_trans_huge_lock in madvise_cold_or_pageout_pte_range), inside the madvise mmu_gather",
			Takes: "nothing", Sleeps: "no", Asserts: "none", Source: "mm/madvise.c: madvise_cold_or_pageout_pte_range()",
			Notes: "mmscript's name for the end of the huge-PMD branch of madvise_cold_or_pageout_pte_range() on a huge PMD the range covers " +
				"whole, its folio not shared, one step: MADV_COLD makes a young entry old (pmdp_invalidate(), which flushes its TLB range, " +
				"pmd_mkold(), set_pmd_at()) and gathers it (tlb_remove_pmd_tlb_entry()); MADV_PAGEOUT isolates the folio for " +
				"reclaim_pages() after spin_unlock(). The tests before it (folio_maybe_mapped_shared(): goto huge_unlock) and the split " +
				"of a PMD covered in part are steps of the kernel library",
			Rules: []*Rule{rulePTEChangeLock},
			Sequence: "ptl = pmd_trans_huge_lock(pmd, vma);\nif (!ptl)\n\treturn 0;\nfolio = vm_normal_folio_pmd(vma, addr, orig_pmd);\n" +
				"if (!folio)\n\tgoto huge_unlock;\nif (folio_maybe_mapped_shared(folio))\n\tgoto huge_unlock;\n" +
				"if (next - addr != HPAGE_PMD_SIZE) {\n\tfolio_get(folio);\n\tspin_unlock(ptl);\n\tfolio_lock(folio);\n\terr = split_folio(folio);\n" +
				"\tfolio_unlock(folio);\n\tfolio_put(folio);\n\tif (!err)\n\t\tgoto regular_folio;\n\treturn 0;\n}\n" +
				"if (!pageout && pmd_young(orig_pmd)) {\n\tpmdp_invalidate(vma, addr, pmd);\n\torig_pmd = pmd_mkold(orig_pmd);\n\tset_pmd_at(mm, addr, pmd, orig_pmd);\n" +
				"\ttlb_remove_pmd_tlb_entry(tlb, pmd, addr);\n}\nhuge_unlock:\nspin_unlock(ptl);\nif (pageout)\n\treclaim_pages(&folio_list);"}),
		Touches: madviseHugePMDTouches,
		Fn: func(c *Call) Result {
			if c.bool(3) {
				return c.madviseHugePMDLocked(false, func(*MM, mmcore.Addr) bool { return false }) // folio_isolate_lru(): reclaim_pages() takes it
			}
			return c.madviseHugePMDLocked(false, func(m *MM, h mmcore.Addr) bool { return m.Core.MadviseColdHugePMD(h) })
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
				"range where the kernel takes the folio list), one step: with no swap an anonymous folio stays mapped, a page-cache folio " +
				"mapped only here is unmapped (try_to_unmap() and its TLB flush) and, when clean, freed; a large folio the range still maps " +
				"only in part (its split failed or was passed over) is left alone",
			Rules: []*Rule{ruleSleepInAtomic},
			Sequence: "/* mm/madvise.c: madvise_cold_or_pageout_pte_range() */\nstart_pte = pte = pte_offset_map_lock(vma->vm_mm, pmd, addr, &ptl);\n" +
				"flush_tlb_batched_pending(mm);\n/* for each entry: if (pageout && folio_isolate_lru(folio)) list_add(&folio->lru, &folio_list); */\n" +
				"pte_unmap_unlock(start_pte, ptl);\nif (pageout)\n\treclaim_pages(&folio_list);\ncond_resched();"}),
		Touches: world,
		Fn: func(c *Call) Result {
			v := c.vma(0)
			c.T.MightSleep(c.Op.Name)
			mmOf(v.MM()).Core.MadviseReclaimPages(v, c.addr(1), c.addr(2))
			return ok
		}})
}

// madviseHugePMDLocked runs change on the huge PMD of MADV_FREE's or
// MADV_COLD's step (tlb, vma, addr) under its PMD lock, which the caller
// must hold, and gathers its range when it changed the entry
// (tlb_remove_pmd_tlb_entry()). A PMD that is no longer huge is left: the
// kernel's caller tested it under the lock. cover: the gather answers for
// the stale translations of the PMD's range (MADV_FREE's walk, as its PTE
// loop does).
func (c *Call) madviseHugePMDLocked(cover bool, change func(m *MM, h mmcore.Addr) bool) Result {
	g, v, addr := c.mmuGather(0), c.vma(1), c.addr(2)
	m := mmOf(v.MM())
	w := m.Core.Walk(addr)
	if !w.Huge() || w.PMD() == nil {
		return ok
	}
	if l := ptl(m, w.PMD()); l.heldBy(c.T) == 0 {
		c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("%s at %#x without %s held", c.Op.Name, uint64(addr), l.Name))
	}
	h := addr &^ (mmcore.PMD_SIZE - 1)
	by := walkMadviseCold
	if cover {
		by = walkMadviseFree
		g.cover(h, h+mmcore.PMD_SIZE, by)
	}
	if change(m, h) {
		g.adjustRange(h, h+mmcore.PMD_SIZE, by) // tlb_remove_pmd_tlb_entry()
	}
	return ok
}

// splitFolioTouches: split_folio() changes every mapping of the folio, in
// any mm (unmap_folio() splits its PMD mappings, remap_page() maps each
// page by its PTEs again, an unused anonymous page as the zero page, and
// the TLB ranges are flushed), every page of the folio (each becomes a
// folio of its own; an unmapped one is freed) and, for shmem, the page
// cache past EOF: all page tables, pages, TLBs and files, and the
// allocator. It reads the VMAs (VM_LOCKED, the access flags) and changes
// none; the anon_vma, i_mmap and page-table locks it takes are not
// modelled as steps, so it changes no lock, lockdep or RCU state: a step
// that only takes or drops a lock, or reads the VMAs, commutes with it.
func splitFolioTouches(_ *Call, f *Footprint) {
	f.Add(AMM, AllObjects, false)
	f.Add(APTE, AllObjects, true)
	f.AllPages(true)
	f.Add(ATLB, AllObjects, true)
	f.Add(AFile, AllObjects, true)
	f.Alloc()
}
