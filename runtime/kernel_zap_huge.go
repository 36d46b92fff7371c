package runtime

import (
	"fmt"

	"github.com/mmscript/mmscript/mmcore"
)

// The steps of zap_huge_pmd() (mm/huge_memory.c), which the kernel
// library's zap_pmd_range() calls for a huge PMD a zap covers whole
// (kernel/munmap.mms): under the PMD lock __pmd_trans_huge_lock() took
// and rechecked, the entry is cleared (pmdp_huge_get_and_clear_full),
// its range added to the gather (tlb_remove_pmd_tlb_entry), the folio's
// rmap removed (zap_huge_pmd_folio: folio_remove_rmap_pmd) and the PTE
// table deposited with the huge PMD freed (zap_deposited_table:
// pgtable_trans_huge_withdraw, which asserts the PMD lock); after
// spin_unlock() the folio goes to the gather (tlb_remove_page_size), to
// be freed after the TLB flush. The PMD lock, not a PTE lock, guards a
// huge PMD (process_addrs.rst "Page table locks"): a fault installing
// one (do_huge_pmd_anonymous_page), a split (__split_huge_pmd) and
// khugepaged's collapse all change it under that lock.

// readZapHuge: mm/huge_memory.c as read for zap_huge_pmd().
const readZapHuge = "linux-mm@00cb34b034a5 mm/huge_memory.c, read"

// readWithdraw: mm/pgtable-generic.c's pgtable_trans_huge_withdraw(), as
// quoted in a patch to it (the assertion has stood since v3.8).
const readWithdraw = "mm/pgtable-generic.c pgtable_trans_huge_withdraw() in patch context (linux-mm archive), read"

var ruleWithdrawPMDLock = &Rule{"thp/withdraw-needs-pmd-lock",
	"the PTE table deposited with a huge PMD is withdrawn (pgtable_trans_huge_withdraw, zap_deposited_table) under that PMD's lock: " +
		"the deposit list lives in the PMD table's page (pmd_huge_pte) and the lock guards it",
	"mm/pgtable-generic.c: pgtable_trans_huge_withdraw() assert_spin_locked(pmd_lockptr(mm, pmdp)); mm/huge_memory.c: zap_huge_pmd()",
	BUG}

// withdrawUnlocked reports a withdrawal without the PMD lock. The
// kernel's check is assert_spin_locked(), BUG_ON(!raw_spin_is_locked())
// on SMP (include/linux/spinlock_api_smp.h): it asks whether anyone holds
// the lock, not whether the caller does, so it BUGs only when the lock is
// free. Held by another task it passes, and the deposit list changes
// under that task's lock unnoticed: the same bug, unchecked.
func (c *Call) withdrawUnlocked(l *Lock, what string) {
	c.K.fpLockObserve(l) // whether anyone else holds it decides the reaction
	if !l.Held() {
		c.K.violate(c.T, ruleWithdrawPMDLock, what+": nobody holds it, so pgtable_trans_huge_withdraw()'s assert_spin_locked() BUGs")
		return
	}
	var rel []Related
	for _, o := range holdersOf(l) {
		if i := o.hold(l); i >= 0 {
			rel = append(rel, Related{o.holds[i].Pos, fmt.Sprintf("%s holds %s (taken here): assert_spin_locked() sees it taken and does not BUG", o.Name, l.Name)})
		}
	}
	c.K.violateAs(c.T, ruleWithdrawPMDLock, Unchecked, what+": another task holds it, so pgtable_trans_huge_withdraw()'s assert_spin_locked() "+
		"(BUG_ON(!spin_is_locked()): held by anyone) passes, and the deposit list changes under that task's lock", rel...)
}

func init() {
	tlbParam := Param{Name: "tlb", Type: TMMUGather}
	zapHugeAPI := func(name, hold, notes string, cites []Cite, rules ...*Rule) *API {
		return register(&API{Name: name, Section: "2.29", Hold: hold, Takes: "nothing", Sleeps: "no",
			Source: "mm/huge_memory.c: zap_huge_pmd()", Asserts: "none",
			Notes: notes + " (a step of the kernel library's zap_huge_pmd: `mmscript explain zap_huge_pmd`)",
			Rules: rules, Cites: cites,
			Sequence: "/* mm/huge_memory.c: zap_huge_pmd() */\nptl = __pmd_trans_huge_lock(pmd, vma);\nif (!ptl)\n\treturn false;\n" +
				"orig_pmd = pmdp_huge_get_and_clear_full(vma, addr, pmd, tlb->fullmm);\ntlb_remove_pmd_tlb_entry(tlb, pmd, addr);\n" +
				"folio = normal_or_softleaf_folio_pmd(vma, addr, orig_pmd, is_present);\nhas_deposit = has_deposited_pgtable(vma, orig_pmd, folio);\n" +
				"if (folio)\n\tzap_huge_pmd_folio(mm, vma, orig_pmd, folio, is_present);\nif (has_deposit)\n\tzap_deposited_table(mm, pmd);\n" +
				"spin_unlock(ptl);\nif (is_present && folio)\n\ttlb_remove_page_size(tlb, &folio->page, HPAGE_PMD_SIZE);\nreturn true;"})
	}
	zapCite := func(fn, text string) []Cite { return []Cite{cite("mm/huge_memory.c", fn, text, readZapHuge)} }

	defOp(&Op{Name: "pmdp_huge_get_and_clear_full", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "addr", Type: TInt}, tlbParam}, Result: TInt,
		API: zapHugeAPI("pmdp_huge_get_and_clear_full", "the PMD lock (__pmd_trans_huge_lock), with the VMA stable (mmap, VMA or rmap lock)",
			"clears the huge PMD mapping addr for good and returns its value (pmd_trans_huge of it holds), 0 when addr has no huge PMD; the folio keeps "+
				"its rmap and reference until zap_huge_pmd_folio and tlb_remove_page_size. Without the PMD lock a split (__split_huge_pmd), "+
				"a fault installing the THP or khugepaged's collapse may change the entry between the check and the clear",
			zapCite("zap_huge_pmd()", "none: ptl = __pmd_trans_huge_lock(pmd, vma); if (!ptl) return false; ... orig_pmd = pmdp_huge_get_and_clear_full(vma, addr, pmd, tlb->fullmm);"),
			rulePTEChangeLock, ruleTraverseLock),
		Touches: func(c *Call, f *Footprint) {
			m := vmaMM(c, 0)
			f.VMAs(m, false)
			f.PMDAt(m, c.addr(1)&^(mmcore.PMD_SIZE-1), true)
			f.TLB(m, true)
		},
		Fn: func(c *Call) Result {
			v, addr := c.vma(0), c.addr(1)&^(mmcore.PMD_SIZE-1)
			m := mmOf(v.MM())
			c.requireStable(m, addr, ruleTraverseLock)
			pmd := m.Core.Walk(addr).PMD()
			if pmd == nil {
				return done(Int(0))
			}
			if l := ptl(m, pmd); l.heldBy(c.T) == 0 {
				c.K.violate(c.T, rulePTEChangeLock, fmt.Sprintf("pmdp_huge_get_and_clear_full at %#x without %s held: the PMD lock guards a huge PMD, "+
					"and a split, a THP fault or a collapse may change the entry under this clear", uint64(addr), l.Name))
			}
			if !m.Core.Walk(addr).Huge() {
				return done(Int(0))
			}
			return done(Int(int64(m.Core.GetAndClearHugePMD(addr)) | pmdHugeBit))
		}})

	defOp(&Op{Name: "tlb_remove_pmd_tlb_entry", Params: []Param{tlbParam, {Name: "addr", Type: TInt}},
		API: zapHugeAPI("tlb_remove_pmd_tlb_entry", "the PMD lock, inside an mmu_gather",
			"adds the HPAGE_PMD_SIZE range of addr to the gather's range, which tlb_finish_mmu (or a tlb_flush_mmu) flushes",
			[]Cite{cite("include/asm-generic/tlb.h", "tlb_remove_pmd_tlb_entry()", "none: tlb_flush_pmd_range(tlb, address, HPAGE_PMD_SIZE): __tlb_adjust_range()", readMemory)}),
		Touches: func(*Call, *Footprint) {}, // the task's own gather
		Fn: func(c *Call) Result {
			g, addr := c.mmuGather(0), c.addr(1)&^(mmcore.PMD_SIZE-1)
			g.adjustRange(addr, addr+mmcore.PMD_SIZE, walkZap) // zap_huge_pmd()
			return ok
		}})

	defOp(&Op{Name: "vm_normal_folio_pmd", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "addr", Type: TInt}, {Name: "pmdval", Type: TInt}}, Result: TPage,
		API: zapHugeAPI("vm_normal_folio_pmd", "nothing (decodes a PMD value); the value is the caller's to keep current (the PMD lock)",
			"the folio a huge PMD value maps, nil for the huge zero page, a special (VM_PFNMAP/VM_MIXEDMAP) entry or a value that is no huge PMD",
			zapCite("normal_or_softleaf_folio_pmd()", "none: if (is_present) return vm_normal_folio_pmd(vma, addr, pmdval);")),
		Touches: func(_ *Call, f *Footprint) { f.AllPages(false) },
		Fn: func(c *Call) Result {
			_ = c.vma(0) // vma_is_special_huge(vma), vm_normal_page_pmd()'s vma->vm_flags
			v := c.Args[2].Int
			if v&pmdHugeBit == 0 {
				return done(Nil)
			}
			e := mmcore.PTE(v &^ pmdHugeBit)
			if !e.Present() || e.Special() {
				return done(Nil)
			}
			p := c.K.Mem.Page(e.PFN())
			if p == nil || p.Zero() {
				return done(Nil)
			}
			return done(Obj(TPage, p.Folio()))
		}})

	defOp(&Op{Name: "zap_huge_pmd_folio", Params: []Param{{Name: "vma", Type: TVMA}, {Name: "pmdval", Type: TInt}, {Name: "folio", Type: TPage}},
		API: zapHugeAPI("zap_huge_pmd_folio", "the PMD lock of the entry pmdp_huge_get_and_clear_full cleared",
			"folio_remove_rmap_pmd(), add_mm_counter(-HPAGE_PMD_NR), and folio_mark_dirty() of a file folio whose entry was dirty: "+
				"the folio is no longer mapped (rmap walkers skip it); its mapping's reference goes to the gather with tlb_remove_page_size",
			zapCite("zap_huge_pmd_folio()", "none: if (is_present || is_device_private) folio_remove_rmap_pmd(folio, &folio->page, vma); "+
				"add_mm_counter(mm, ..., -HPAGE_PMD_NR); if (is_present && pmd_dirty(pmdval)) folio_mark_dirty(folio);")),
		Touches: func(c *Call, f *Footprint) {
			m := vmaMM(c, 0)
			if p, ok := c.Args[2].Obj.(*mmcore.Page); ok {
				f.PageAndFolio(p, true)
			}
			if m != nil {
				f.ptCounters(f.mmID(m)) // add_mm_counter
			}
		},
		Fn: func(c *Call) Result {
			v, p := c.vma(0), c.page(2)
			mmOf(v.MM()).Core.RemoveRmapPMD(p, mmcore.PTE(c.int(1)&^pmdHugeBit))
			return ok
		}})

	defOp(&Op{Name: "zap_deposited_table", Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}},
		API: register(&API{Name: "zap_deposited_table", Section: "2.29", Hold: "the PMD lock of addr's PMD entry", Takes: "nothing", Sleeps: "no",
			Asserts: "assert_spin_locked(pmd_lockptr(mm, pmdp)) in pgtable_trans_huge_withdraw(): BUG_ON on SMP when nobody holds the lock; held by another task it passes (unchecked)",
			Source:  "mm/huge_memory.c: zap_deposited_table(); mm/pgtable-generic.c: pgtable_trans_huge_withdraw()",
			Notes: "withdraws the PTE table deposited with an anonymous huge PMD (the one a split would have used) and frees it " +
				"(pte_free_defer, mm_dec_nr_ptes). mmscript keeps no deposit (a split allocates its PTE table): the step checks the lock " +
				"(a step of the kernel library's zap_huge_pmd: `mmscript explain zap_huge_pmd`)",
			Rules: []*Rule{ruleWithdrawPMDLock},
			Cites: []Cite{cite("mm/huge_memory.c", "zap_deposited_table()", "none: pgtable = pgtable_trans_huge_withdraw(mm, pmd); pte_free_defer(mm, pgtable); mm_dec_nr_ptes(mm);", readZapHuge),
				cite("mm/pgtable-generic.c", "pgtable_trans_huge_withdraw()", "assert_spin_locked(pmd_lockptr(mm, pmdp));", readWithdraw)},
			Sequence: "ptl = __pmd_trans_huge_lock(pmd, vma);\n...\nif (has_deposit)\n\tzap_deposited_table(mm, pmd);\nspin_unlock(ptl);"}),
		Touches: func(c *Call, f *Footprint) {
			m := mmArg(c, 0)
			f.PMDAt(m, c.addr(1)&^(mmcore.PMD_SIZE-1), false) // pmd_huge_pte(mm, pmd) of the PMD table
			if m != nil {
				f.ptCounters(f.mmID(m)) // mm_dec_nr_ptes
			}
		},
		Fn: func(c *Call) Result {
			m, addr := c.mm(0), c.addr(1)&^(mmcore.PMD_SIZE-1)
			pmd := m.Core.Walk(addr).PMD()
			if pmd == nil {
				return fail("zap_deposited_table: no PMD table covers %#x", uint64(addr))
			}
			if l := ptl(m, pmd); l.heldBy(c.T) == 0 {
				c.withdrawUnlocked(l, fmt.Sprintf("zap_deposited_table at %#x without %s held", uint64(addr), l.Name))
			}
			return ok
		}})

	defOp(&Op{Name: "tlb_remove_page_size", Params: []Param{tlbParam, {Name: "folio", Type: TPage}, {Name: "size", Type: TInt}},
		API: zapHugeAPI("tlb_remove_page_size", "nothing more than the mmu_gather's caller (zap_huge_pmd calls it after spin_unlock)",
			"hands the mapping's reference of the folio to the gather, which drops it after the TLB flush; when that fills the gather's batch "+
				"(__tlb_remove_page_size() returns true) it flushes the gather at once (tlb_flush_mmu: the TLB, then the pages)",
			zapCite("zap_huge_pmd()", "none: spin_unlock(ptl); if (is_present && folio) tlb_remove_page_size(tlb, &folio->page, HPAGE_PMD_SIZE);")),
		// a batch that fills is flushed at once: tlb_flush_mmu()'s
		// footprint too (the batch's state is the gather's own)
		Touches: func(c *Call, f *Footprint) {
			if p, ok := c.Args[1].Obj.(*mmcore.Page); ok {
				f.PageAndFolio(p, true)
			}
			tlbFlushMMUTouches(c, f)
			f.Alloc()
		},
		Fn: func(c *Call) Result {
			g, p := c.mmuGather(0), c.page(1)
			g.nrPages++
			g.gatherFolio(p)
			g.MM.Core.PutMappingRef(p)
			// include/asm-generic/tlb.h: tlb_remove_page_size(): "if
			// (__tlb_remove_page_size(tlb, page, page_size)) tlb_flush_mmu(tlb);"
			if g.removeFolioPages(c.K, 1, len(g.delayed) > 0) {
				c.tlbFlushMMU(g)
			}
			return ok
		}})
}
