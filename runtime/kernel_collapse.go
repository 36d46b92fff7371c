package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/lang"
	"github.com/mmscript/mmscript/mmcore"
)

// The atomic steps of khugepaged's collapse (kernel/khugepaged.mms) and of
// GUP-fast (kernel/gup_fast.mms). The locks between them are the library's.

// The scan results of mm/khugepaged.c (enum scan_result) the library
// returns, and PMD_SIZE.
var scanResults = map[string]int64{"SCAN_FAIL": 0, "SCAN_SUCCEED": 1, "SCAN_PMD_NULL": 2, "SCAN_PMD_MAPPED": 4,
	"SCAN_PAGE_ANON": 11, "SCAN_PAGE_COUNT": 15, "SCAN_VMA_CHECK": 19}

func init() {
	Constants["PMD_SIZE"] = int64(mmcore.PMD_SIZE)
	constDocs["PMD_SIZE"] = "the range one PMD entry maps: 2 MiB on x86-64 (a PTE table's span, a THP's size)"
	for name, v := range scanResults {
		Constants[name] = v
		constDocs[name] = "mm/khugepaged.c enum scan_result: " + name + ", what the collapse paths of the kernel library return"
	}
}

var ruleRevalidateLock = &Rule{"hugepage_vma_revalidate/needs-mmap-lock",
	"khugepaged looks the VMA up again under the mmap lock each time it retakes it (the VMA it found before may be gone)",
	"mm/khugepaged.c: hugepage_vma_revalidate() -> vma_lookup() (no assertion; the callers hold the mmap lock)", Unchecked}

// collapseCite cites mm/khugepaged.c.
func collapseCite(fn, assert string) []Cite {
	return []Cite{cite("mm/khugepaged.c", fn, assert, readKhugepaged)}
}

func init() {
	vmaAddr := []Param{{Name: "vma", Type: TVMA}, {Name: "addr", Type: TInt}}
	pageParam := []Param{{Name: "page", Type: TPage}}
	pinParams := []Param{{Name: "page", Type: TPage}, {Name: "pin", Type: TBool, Optional: true, Default: Bool(false)}}

	defOp(&Op{Name: "hugepage_vma_revalidate", Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}, Result: TVMA,
		API: register(&API{Name: "hugepage_vma_revalidate", Section: "2.31",
			Hold: "the mmap lock (read or write)", Takes: "nothing (vma_lookup and the THP checks)", Sleeps: "no",
			Asserts: "none (vma_lookup asserts nothing)",
			Source:  "mm/khugepaged.c: hugepage_vma_revalidate()",
			Notes: "returns the VMA at addr when an anonymous collapse of its PMD range is still allowed (THP allowed, anon_vma, the aligned 2 MiB " +
				"inside the VMA), else nil (SCAN_VMA_CHECK); collapse_huge_page calls it after each time it took the mmap lock again",
			Rules: []*Rule{ruleRevalidateLock},
			Cites: collapseCite("hugepage_vma_revalidate()", "none: vma = vma_lookup(mm, address); if (!thp_vma_suitable_order(...)) return SCAN_ADDRESS_RANGE; "+
				"if (!thp_vma_allowable_order(...)) return SCAN_VMA_CHECK; if (expect_anon && (!(*vmap)->anon_vma || !vma_is_anonymous(*vmap))) return SCAN_PAGE_ANON"),
			Sequence: "mmap_write_lock(mm);\nresult = hugepage_vma_revalidate(mm, address, true, &vma, cc);\nif (result != SCAN_SUCCEED)\n\tgoto out_up_write;"}),
		Touches: readsMM,
		Fn: func(c *Call) Result {
			m, addr := c.mm(0), c.addr(1)&^(mmcore.PMD_SIZE-1)
			if m.MmapLock.heldBy(c.T) == 0 {
				c.K.violate(c.T, ruleRevalidateLock, fmt.Sprintf("hugepage_vma_revalidate at %#x without %s", uint64(addr), m.MmapLock.Name))
			}
			v := m.Core.VMALookup(addr)
			if !m.Core.CollapseAllowed(v, addr) {
				return done(Nil)
			}
			return done(Obj(TVMA, v))
		}})

	defOp(&Op{Name: "hpage_collapse_scan_ptes", Params: append(vmaAddr[:2:2], Param{Name: "pte", Type: TPTE}), Result: TInt,
		API: register(&API{Name: "hpage_collapse_scan_ptes", Section: "2.31",
			Hold: "the PTE lock of the table (pte_offset_map_lock)", Takes: "nothing", Sleeps: "no",
			Source: "mm/khugepaged.c: hpage_collapse_scan_pmd() (its for loop over the HPAGE_PMD_NR entries)",
			Notes:  "the loop of hpage_collapse_scan_pmd() as one step: SCAN_SUCCEED when every mapped page is anonymous and one is mapped, else SCAN_PAGE_ANON (MADV_COLLAPSE's limits: none on empty or shared entries)",
			Rules:  []*Rule{rulePTEChangeLock},
			Cites: collapseCite("hpage_collapse_scan_pmd()", "none: pte = pte_offset_map_lock(mm, pmd, address, &ptl); for (...) { pteval = ptep_get(_pte); ... "+
				"if (!folio_test_anon(folio)) { result = SCAN_PAGE_ANON; goto out_unmap; } ... } out_unmap: pte_unmap_unlock(pte, ptl)"),
			Sequence: "pte = pte_offset_map_lock(mm, pmd, address, &ptl);\n/* check each entry */\npte_unmap_unlock(pte, ptl);"}),
		Touches: func(c *Call, f *Footprint) { f.PTEs(vmaMM(c, 0), false); f.AllPages(false) },
		Fn:      func(c *Call) Result { return scanCollapseTable(c, "hpage_collapse_scan_ptes") }})

	defOp(&Op{Name: "__collapse_huge_page_isolate", Params: append(vmaAddr[:2:2], Param{Name: "pte", Type: TPTE}), Result: TInt,
		API: register(&API{Name: "__collapse_huge_page_isolate", Section: "2.31",
			Hold: "the mmap lock for write, the anon_vma lock for write, the detached table's PTE lock", Takes: "folio locks (trylock), LRU isolation", Sleeps: "no",
			Source: "mm/khugepaged.c: __collapse_huge_page_isolate()",
			Notes:  "checks the pages of the table pmdp_collapse_flush detached: SCAN_SUCCEED or SCAN_PAGE_ANON; mmscript isolates nothing else",
			Rules:  []*Rule{rulePTEChangeLock},
			Cites: collapseCite("collapse_huge_page()", "none: pte = pte_offset_map_lock(mm, &_pmd, address, &pte_ptl); "+
				"result = __collapse_huge_page_isolate(vma, address, pte, cc, &compound_pagelist); spin_unlock(pte_ptl)"),
			Sequence: "pte = pte_offset_map_lock(mm, &_pmd, address, &pte_ptl);\nresult = __collapse_huge_page_isolate(vma, address, pte, cc, &compound_pagelist);\nspin_unlock(pte_ptl);"}),
		Touches: func(c *Call, f *Footprint) { f.PTEs(vmaMM(c, 0), false); f.AllPages(true) }, // isolates them
		Fn:      func(c *Call) Result { return scanCollapseTable(c, "__collapse_huge_page_isolate") }})

	defOp(&Op{Name: "__collapse_huge_page_copy", Params: []Param{{Name: "pte", Type: TPTE}, {Name: "vma", Type: TVMA}, {Name: "addr", Type: TInt}}, Result: TPage,
		API: register(&API{Name: "__collapse_huge_page_copy", Section: "2.31",
			Hold: "the mmap lock for write (the table detached, its pages isolated)", Takes: "nothing here (the kernel takes the PTE lock around each clear)", Sleeps: "no (runs between pte_offset_map_lock and pte_unmap, under RCU)",
			Source:   "mm/khugepaged.c: __collapse_huge_page_copy(), __collapse_huge_page_copy_succeeded()",
			Notes:    "allocates the THP (the kernel's alloc_charge_folio ran before any lock, so mmscript's allocation here does not sleep), copies every mapped page into it and clears the old entries of the detached table; returns the new folio, nil on failure",
			Rules:    []*Rule{ruleRCUUseAfterFree},
			Cites:    collapseCite("collapse_huge_page()", "none: result = __collapse_huge_page_copy(pte, folio, pmd, _pmd, vma, address, pte_ptl, &compound_pagelist); pte_unmap(pte)"),
			Sequence: "anon_vma_unlock_write(vma->anon_vma);\nresult = __collapse_huge_page_copy(pte, folio, pmd, _pmd, vma, address, pte_ptl, &compound_pagelist);\npte_unmap(pte);"}),
		Touches: func(c *Call, f *Footprint) { f.PTEs(vmaMM(c, 1), true); f.AllPages(true); f.Alloc() },
		Fn: func(c *Call) Result {
			p, v, addr := c.Args[0].Obj.(*PTE), c.vma(1), c.addr(2)&^(mmcore.PMD_SIZE-1)
			if !c.checkTable(p) {
				return done(Nil)
			}
			for _, pg := range c.K.tablePages(p.Table) {
				delete(c.K.pt.collapsing, pg)
			}
			f, err := v.MM().CollapseCopy(v, addr, p.Table)
			if err != nil {
				return done(Nil)
			}
			return done(Obj(TPage, f))
		}})

	defOp(&Op{Name: "set_pmd_at", Params: append(vmaAddr[:2:2], Param{Name: "folio", Type: TPage,
		Hint: "set_pmd_at maps a new THP here (collapse_huge_page); to map again the entry pmdp_huge_get_and_clear() or pmdp_invalidate() " +
			"returned (set_pmd_at(mm, addr, pmd, entry) in change_huge_pmd()), call set_huge_pmd_at(vma, addr, entry)"}), Result: TInt,
		API: register(&API{Name: "set_pmd_at", Section: "2.31",
			Hold: "the PMD lock (pmd_lock), the PMD entry none", Takes: "nothing", Sleeps: "no",
			Asserts: "BUG_ON(!pmd_none(*pmd)) in collapse_huge_page()",
			Source:  "mm/khugepaged.c: collapse_huge_page(); include/linux/pgtable.h: set_pmd_at()",
			Notes:   "maps the collapsed folio by a huge PMD (with folio_add_new_anon_rmap and pgtable_trans_huge_deposit of the old table); returns 0 or -EBUSY; a folio that is not PMD-sized (order HPAGE_PMD_ORDER) is an error: the huge PMD would map pages of other folios",
			Rules:   []*Rule{rulePTEChangeLock},
			Cites: collapseCite("collapse_huge_page()", "BUG_ON(!pmd_none(*pmd)); spin_lock(pmd_ptl); folio_add_new_anon_rmap(...); pgtable_trans_huge_deposit(mm, pmd, pgtable); "+
				"set_pmd_at(mm, address, pmd, _pmd); spin_unlock(pmd_ptl)"),
			Sequence: "spin_lock(pmd_ptl);\nBUG_ON(!pmd_none(*pmd));\npgtable_trans_huge_deposit(mm, pmd, pgtable);\nset_pmd_at(mm, address, pmd, _pmd);\nspin_unlock(pmd_ptl);"}),
		Touches: func(c *Call, f *Footprint) { f.PTEs(vmaMM(c, 0), true); f.AllPages(true) },
		Fn: func(c *Call) Result {
			v, addr, f := c.vma(0), c.addr(1)&^(mmcore.PMD_SIZE-1), c.page(2)
			m := mmOf(v.MM())
			if pmd := m.Core.Walk(addr).PMD(); pmd != nil && ptl(m, pmd).heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("set_pmd_at %#x without %s held", uint64(addr), ptl(m, pmd).Name))
			}
			if err := v.MM().SetHugePMD(v, addr, f); err != nil {
				if errnoOf(err) == -int64(mmcore.EINVAL) {
					// not a PMD-sized folio: no kernel path calls it so
					return fail("%v", err)
				}
				return done(Int(errnoOf(err)))
			}
			return done(Int(0))
		}})

	defOp(&Op{Name: "pmd_populate", Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}, {Name: "table", Type: TPTE}},
		API: register(&API{Name: "pmd_populate", Section: "2.31",
			Hold: "the PMD lock, the PMD entry none", Takes: "nothing", Sleeps: "no",
			Source: "mm/khugepaged.c: collapse_huge_page() (failure path); include/linux/pgalloc.h: pmd_populate()",
			Notes:  "links a PTE table (the one pmdp_collapse_flush detached) back into the PMD entry",
			Rules:  []*Rule{rulePTEChangeLock},
			Cites: collapseCite("collapse_huge_page()", "BUG_ON(!pmd_none(*pmd)); \"We can only use set_pmd_at when establishing hugepmds and never for establishing regular pmds that "+
				"points to regular pagetables. Use pmd_populate for that\"; pmd_populate(mm, pmd, pmd_pgtable(_pmd))"),
			Sequence: "spin_lock(pmd_ptl);\nBUG_ON(!pmd_none(*pmd));\npmd_populate(mm, pmd, pmd_pgtable(_pmd));\nspin_unlock(pmd_ptl);"}),
		Touches: func(c *Call, f *Footprint) { f.PTEs(mmArg(c, 0), true) },
		Fn: func(c *Call) Result {
			m, addr, p := c.mm(0), c.addr(1), c.Args[2].Obj.(*PTE)
			if pmd := m.Core.Walk(addr).PMD(); pmd != nil && ptl(m, pmd).heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("pmd_populate %#x without %s held", uint64(addr), ptl(m, pmd).Name))
			}
			if err := m.Core.RelinkPTETable(addr, p.Table); err != nil {
				return fail("%v", err)
			}
			return ok
		}})

	// GUP-fast's steps.
	defOp(&Op{Name: "pfn_to_page", Params: []Param{{Name: "pfn", Type: TInt}}, Result: TPage,
		API: register(&API{Name: "pfn_to_page", Section: "-", Hold: "nothing", Sleeps: "no",
			Source: "include/asm-generic/memory_model.h: pfn_to_page(); mm/gup.c: gup_fast_pte_range() (pte_page(pte))",
			Notes:  "the struct page of a pfn (as ptep_get returns it), nil for a pfn without one or a negative value (no entry); no reference is taken",
			Cites:  []Cite{cite("mm/gup.c", "gup_fast_pte_range()", "VM_WARN_ON_ONCE(!pfn_valid(pte_pfn(pte))); page = pte_page(pte)", readGUP)}, Sequence: "page = pte_page(pte);"}),
		Touches: func(_ *Call, f *Footprint) { f.AllPages(false) },
		Fn: func(c *Call) Result {
			c.checkEntryUse(0) // pte_page(pte) of a PTE value read under the PTE lock
			if pfn := c.Args[0].Int; pfn >= 0 {
				if p := c.K.Mem.Page(mmcore.PFN(pfn)); p != nil {
					return done(Obj(TPage, p))
				}
			}
			return done(Nil)
		}})
	defOp(&Op{Name: "try_grab_folio_fast", Params: pinParams, Result: TPage,
		API: register(&API{Name: "try_grab_folio_fast", Section: "2.13",
			Hold:  "IRQs off (GUP-fast): the page may be freed and reused under the caller, which re-checks the PTE and PMD after the grab",
			Takes: "a folio reference (folio_try_get: fails on a zero refcount), with pin the FOLL_PIN bias", Sleeps: "no",
			Asserts: "lockdep_assert_irqs_disabled() (gup_fast_folio_allowed); WARN_ON_ONCE for FOLL_GET|FOLL_PIN together",
			Source:  "mm/gup.c: try_grab_folio_fast()",
			Notes:   "returns the folio, nil when its refcount was already zero; undo with gup_put_folio",
			Cites:   []Cite{cite("mm/gup.c", "try_grab_folio_fast()", "lockdep_assert_irqs_disabled(); folio = try_get_folio(page, refs); ...", readGUP)},
			Sequence: "folio = try_grab_folio_fast(page, 1, flags);\nif (!folio)\n\tgoto pte_unmap;\n" +
				"if (pmd_val(pmd) != pmd_val(pmdp_get_lockless(pmdp)) || pte_val(pte) != pte_val(ptep_get(ptep))) {\n\tgup_put_folio(folio, 1, flags);\n\tgoto pte_unmap;\n}"}),
		// the reference is the folio's: its head page
		Touches: func(c *Call, f *Footprint) { f.PageAndFolio(c.page(0), true) },
		Fn: func(c *Call) Result {
			p := c.page(0).Folio()
			if p.Freed() || p.Refcount() == 0 {
				return done(Nil)
			}
			if err := p.Get(); err != nil {
				return done(Nil)
			}
			if c.bool(1) {
				c.K.pinFolio(c.T, p) // FOLL_PIN: folio->_pincount, or the refcount's bias
			} else {
				countRef(&c.T.gotRefs, p, 1)
			}
			if pos, under := c.K.pt.collapsing[c.page(0)]; under {
				c.T.collapseGrabs = append(c.T.collapseGrabs, collapseGrab{page: c.page(0), grab: c.T.Pos, isolated: pos})
			}
			return done(Obj(TPage, p))
		}})
	defOp(&Op{Name: "gup_put_folio", Params: pinParams,
		API: register(&API{Name: "gup_put_folio", Section: "2.13", Hold: "a reference from try_grab_folio_fast", Takes: "nothing (drops it; the last frees the folio)", Sleeps: "no",
			Source:   "mm/gup.c: gup_put_folio()",
			Cites:    []Cite{cite("mm/gup.c", "gup_put_folio()", "none: folio_put_refs(folio, refs) (FOLL_PIN: minus the bias)", readGUP)},
			Sequence: "gup_put_folio(folio, 1, flags);    /* the PTE or PMD changed under GUP-fast */"}),
		// the folio's reference; the last put frees every page of it
		Touches: func(c *Call, f *Footprint) {
			if p := c.page(0); p != nil {
				pageFolioAll(p, f, true)
			}
			f.Alloc()
		},
		Fn: func(c *Call) Result {
			p := c.page(0).Folio()
			if c.bool(1) && c.K.pins[p] > 0 {
				// undoing the pin try_grab_folio_fast took
				if c.K.pins[p]--; c.K.pins[p] == 0 {
					delete(c.K.pins, p)
				}
				countRef(&c.T.pinned, p, -1)
			} else if !c.bool(1) {
				countRef(&c.T.gotRefs, p, -1)
			}
			if !p.Freed() {
				_ = p.Put()
			}
			for i, g := range c.T.collapseGrabs {
				if g.page.Folio() == c.page(0).Folio() {
					c.T.collapseGrabs = append(c.T.collapseGrabs[:i:i], c.T.collapseGrabs[i+1:]...)
					break
				}
			}
			return ok
		}})
	defOp(&Op{Name: "pte_access_permitted", Params: []Param{{Name: "pte", Type: TPTE}, {Name: "write", Type: TBool, Optional: true, Default: Bool(false)}}, Result: TBool,
		API: register(&API{Name: "pte_access_permitted", Section: "2.13", Hold: "the table kept alive (IRQs off, RCU or its PTE lock)", Sleeps: "no",
			Source: "arch/x86/include/asm/pgtable.h: pte_access_permitted(); mm/gup.c: gup_fast_pte_range()",
			Notes:  "whether the entry is present and user-accessible, and writable when write is set; mmscript reads the entry through the pointer (the kernel tests the value ptep_get_lockless read)",
			Rules:  []*Rule{ruleRCUUseAfterFree},
			Cites:  []Cite{cite("mm/gup.c", "gup_fast_pte_range()", "none: if (!pte_access_permitted(pte, flags & FOLL_WRITE)) goto pte_unmap;", readGUP)}, Sequence: "if (!pte_access_permitted(pte, flags & FOLL_WRITE))\n\tgoto pte_unmap;"}),
		Touches: readsPTE,
		Fn: func(c *Call) Result {
			p := c.Args[0].Obj.(*PTE)
			if !c.checkTable(p) {
				return done(Bool(false))
			}
			e := p.Table.Entry(p.Table.Index(p.Addr))
			return done(Bool(e.Accessible() && (!c.bool(1) || e.Writable())))
		}})
	defOp(&Op{Name: "pmd_pfn", Params: []Param{{Name: "pmdval", Type: TInt}}, Result: TInt,
		API: register(&API{Name: "pmd_pfn", Section: "6.4", Hold: "nothing (reads a PMD value)", Sleeps: "no",
			Source: "include/linux/pgtable.h: pmd_pfn()", Notes: "the first pfn a huge PMD value maps, -1 for a value that is not a leaf",
			Cites: []Cite{cite("mm/gup.c", "gup_fast_pmd_leaf()", "none: page = pmd_page(orig); refs = record_subpages(page, PMD_SIZE, addr, end, pages + *nr)", readGUP)}, Sequence: "page = pmd_page(orig);"}),
		Touches: func(*Call, *Footprint) {},
		Fn: func(c *Call) Result {
			c.checkEntryUse(0)
			v := c.Args[0].Int
			if v&pmdHugeBit == 0 {
				return done(Int(-1))
			}
			return done(Int(int64(mmcore.PTE(v &^ pmdHugeBit).PFN())))
		}})
	_ = pageParam
}

// scanCollapseTable is the per-entry check that hpage_collapse_scan_pmd()
// and __collapse_huge_page_isolate() both run over one PTE table under its
// PTE lock: the two kernel loops differ in what they isolate, which mmscript
// does not model, so they share one verdict (SCAN_SUCCEED / SCAN_PAGE_ANON).
// op names the caller in the diagnostic.
func scanCollapseTable(c *Call, op string) Result {
	c.vma(0) // vma->vm_mm, vma->vm_flags: the VMA must be alive
	p := c.Args[2].Obj.(*PTE)
	if !c.checkTable(p) {
		return done(Int(scanResults["SCAN_FAIL"]))
	}
	if p.PTL.heldBy(c.T) == 0 {
		c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("%s at %#x without %s held", op, uint64(p.Addr), p.PTL.Name))
	}
	if !p.MM.Core.ScanPTEs(p.Table, c.addr(1)&^(mmcore.PMD_SIZE-1)) {
		return done(Int(scanResults["SCAN_PAGE_ANON"]))
	}
	pages := c.K.tablePages(p.Table)
	for _, pg := range pages {
		// mm/khugepaged.c: is_refcount_suitable(): "Check if the page
		// has any GUP (or other external) pins."
		if pg.Order() == 0 && pg.Refcount() != pg.Mapcount() {
			return done(Int(scanResults["SCAN_PAGE_COUNT"]))
		}
	}
	if op == "__collapse_huge_page_isolate" {
		if c.K.pt.collapsing == nil {
			c.K.pt.collapsing = map[*mmcore.Page]lang.Pos{}
		}
		for _, pg := range pages {
			c.K.pt.collapsing[pg] = c.T.Pos
		}
	}
	return done(Int(scanResults["SCAN_SUCCEED"]))
}

// tablePages lists the pages PTE table t maps (not the zero page nor
// special entries), in entry order.
func (k *Kernel) tablePages(t *mmcore.PageTable) []*mmcore.Page {
	var pages []*mmcore.Page
	for i := 0; i < mmcore.HPAGE_PMD_NR; i++ {
		e := t.Entry(i)
		if !e.Present() || e.Special() {
			continue
		}
		if pg := k.Mem.Page(e.PFN()); pg != nil && !pg.Zero() {
			pages = append(pages, pg)
		}
	}
	return pages
}

// collapseGrab is a folio reference a lockless walker took on a page a
// collapse had isolated: the walker read the PMD before
// pmdp_collapse_flush() detached its table, and the grab came after
// is_refcount_suitable() counted the references.
type collapseGrab struct {
	page           *mmcore.Page
	grab, isolated lang.Pos
}

// checkCollapseGrabs is family 3b's check where a lockless walk ends
// (pte_unmap, IRQs back on): a reference still held on a page under
// collapse was taken without re-checking the PMD (70cbc3cc78a9) and with
// no tlb_remove_table_sync_one() before the isolation (2ba99c5e0881): the
// collapse copies the page into a THP and frees it from the mapping, and
// what the walker hands out (GUP-fast's page for DMA or a write) is no
// longer the process's memory.
func (c *Call) checkCollapseGrabs() {
	for _, g := range c.T.collapseGrabs {
		c.K.violate(c.T, rulePMDNotRevalidated, fmt.Sprintf("%s: this lockless walker keeps a reference to %s, taken (try_grab_folio_fast) after "+
			"khugepaged detached its PTE table and isolated it for a collapse: the collapse copies it into a THP and the reference "+
			"points to a page the process no longer maps; re-check pmd_same(pmd, pmdp_get_lockless(pmdp)) after the grab and drop it "+
			"(gup_put_folio) when the PMD changed", c.Op.Name, fmt.Sprintf("pfn %#x", uint64(g.page.PFN))),
			Related{g.grab, "the reference was taken here"}, Related{g.isolated, "khugepaged isolated the page here (is_refcount_suitable)"})
	}
	c.T.collapseGrabs = nil
}
