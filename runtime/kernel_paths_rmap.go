package runtime

// The kernel paths of kernel/khugepaged.mms, kernel/gup_fast.mms and
// kernel/rmap.mms as operations: their parameters (so that scripts call
// them with the named arguments of the other GUP operations) and their
// rule-book entries. The documented-only entries read from the kernel
// become these, with the checks their steps run.

// pathAPI turns the documented entry name into the simulated one of a
// kernel path, or registers a new entry.
func pathAPI(name string, a *API, rules ...*Rule) *API {
	if d := takeDocumented(name); d != nil {
		d.Notes += "; mmscript: " + a.Notes
		if a.Takes != "" {
			d.Takes = a.Takes
		}
		d.Rules, d.Cites, d.Sequence = rules, a.Cites, a.Sequence
		return register(d)
	}
	a.Name, a.Rules = name, rules
	return register(a)
}

func init() {
	gupCite := []Cite{cite("mm/gup.c", "gup_fast(), gup_fast_pte_range()", "lockdep_assert_irqs_disabled() (gup_fast_folio_allowed); "+
		"if (unlikely(pmd_val(pmd) != pmd_val(*pmdp)) || unlikely(pte_val(pte) != pte_val(ptep_get(ptep)))) { gup_put_folio(folio, 1, flags); goto pte_unmap; }", readGUP)}
	gupSeq := "local_irq_save(flags);\npmd = pmdp_get_lockless(pmdp);\nptep = pte_offset_map(&pmd, addr);\npte = ptep_get_lockless(ptep);\n" +
		"folio = try_grab_folio_fast(page, 1, flags);\nif (pmd changed || pte changed) { gup_put_folio(folio, 1, flags); goto pte_unmap; }\npte_unmap(ptep);\nlocal_irq_restore(flags);"
	withMMForm(defOp(&Op{Name: "get_user_pages_fast_only", Path: true, Touches: touchesLocksOnly, Params: gupKernelParams("get_user_pages_fast_only", false), Result: TInt,
		API: pathAPI("get_user_pages_fast_only", &API{Section: "2.13",
			Notes: "a kernel path of the kernel library (kernel/gup_fast.mms: gup_fast, gup_fast_pmd_range, gup_fast_pte_range, gup_fast_pmd_leaf), " +
				"run statement by statement with IRQs off; returns the number of pages it took a reference on, each stored in array when given (the caller puts them)",
			Cites: gupCite, Sequence: gupSeq}, ruleRCUUseAfterFree, rulePMDNotRevalidated)}), gupMMParams())
	withMMForm(defOp(&Op{Name: "pin_user_pages_fast", Path: true, Touches: touchesLocksOnly, Params: gupKernelParams("pin_user_pages_fast", false), Result: TInt,
		API: pathAPI("pin_user_pages_fast", &API{Section: "2.13",
			Hold:    "no mmap lock of this mm (the fallback takes it)",
			Takes:   "IRQs off lockless walk (gup_fast, FOLL_PIN) -> for the pages it could not get: mmap_read_lock -> faults (FOLL_UNLOCKABLE) -> mmap_read_unlock",
			Sleeps:  "only the fallback",
			Asserts: "might_lock_read(&mm->mmap_lock) (internal_get_user_pages_fast); lockdep_assert_irqs_disabled() in the fast walk",
			Source:  "mm/gup.c: pin_user_pages_fast(), internal_get_user_pages_fast(), gup_fast(), gup_fast_fallback()",
			Notes: "a kernel path of the kernel library (kernel/gup_fast.mms): gup_fast with FOLL_PIN, then __get_user_pages_locked (FOLL_UNLOCKABLE, the lock taken) for the rest; " +
				"returns the number of pages pinned, each stored in array when given (release with unpin_user_pages)",
			Cites: gupCite, Sequence: "nr_pinned = pin_user_pages_fast(start, nr_pages, FOLL_WRITE, pages);\n/* ... */\nunpin_user_pages(pages, nr_pinned);"},
			ruleRCUUseAfterFree, rulePMDNotRevalidated)}), gupMMParams())

	defOp(&Op{Name: "khugepaged_collapse", Path: true, Touches: touchesLocksOnly, Params: []Param{{Name: "mm", Type: TMM}, {Name: "addr", Type: TInt}}, Result: TInt,
		API: pathAPI("khugepaged_collapse", &API{Section: "2.31",
			Hold:    "nothing (a kernel thread: khugepaged)",
			Takes:   "mmap_read_lock -> hpage_collapse_scan_pmd (PTE lock) -> collapse_huge_page: mmap_read_unlock -> mmap_read_lock (revalidate) -> mmap_read_unlock -> mmap_write_lock -> vma_start_write -> anon_vma_lock_write -> pmd_lock -> pmdp_collapse_flush -> unlock -> tlb_remove_table_sync_one -> PTE lock of the detached table (isolate) -> anon_vma_unlock_write -> copy -> pmd_lock -> set_pmd_at -> unlock -> mmap_write_unlock",
			Sleeps:  "yes",
			Asserts: "none on the locks; BUG_ON(!pmd_none(*pmd)) before set_pmd_at / pmd_populate",
			Source:  "mm/khugepaged.c: khugepaged_scan_mm_slot(), hpage_collapse_scan_pmd(), collapse_huge_page()",
			Notes: "khugepaged's anonymous collapse of the PMD range at addr, a kernel path of the kernel library (kernel/khugepaged.mms), usable as a thread body " +
				"(thread k { khugepaged_collapse(m, addr) }); returns a SCAN_* result (SCAN_SUCCEED = 1). MMU notifiers are not modelled",
			Cites: collapseCite("collapse_huge_page()", "none on the locks: mmap_write_lock(mm); ... vma_start_write(vma); anon_vma_lock_write(vma->anon_vma); pmd_ptl = pmd_lock(mm, pmd); "+
				"_pmd = pmdp_collapse_flush(vma, address, pmd); spin_unlock(pmd_ptl); tlb_remove_table_sync_one(); ..."),
			Sequence: "mmap_write_lock(mm);\nvma_start_write(vma);\nanon_vma_lock_write(vma->anon_vma);\npmd_ptl = pmd_lock(mm, pmd);\n_pmd = pmdp_collapse_flush(vma, address, pmd);\n" +
				"spin_unlock(pmd_ptl);\ntlb_remove_table_sync_one();\n/* isolate, copy */\nspin_lock(pmd_ptl);\nset_pmd_at(mm, address, pmd, _pmd);\nspin_unlock(pmd_ptl);\nmmap_write_unlock(mm);"},
			ruleNonTerminalChange)})
	defOp(&Op{Name: "retract_page_tables", Path: true, Touches: touchesLocksOnly, Params: []Param{{Name: "file", Type: TFile}, {Name: "pgoff", Type: TInt}},
		API: pathAPI("retract_page_tables", &API{Section: "2.31",
			Notes: "a kernel path of the kernel library (kernel/khugepaged.mms: retract_page_tables, retract_one), usable as a thread body; skips VMAs " +
				"with an anon_vma, not PMD-aligned, without a PTE table at pgoff or of an exiting mm (collapse_test_exit); re-checks the PMD entry " +
				"(check_pmd_state) and the anon_vma under the PMD and PTE locks, as the kernel does, instead of pmd_same",
			Cites: collapseCite("retract_page_tables()", "none: i_mmap_lock_read(mapping); vma_interval_tree_foreach(...) { ... pml = pmd_lock(mm, pmd); ptl = pte_lockptr(mm, pmd); "+
				"if (ptl != pml) spin_lock_nested(ptl, SINGLE_DEPTH_NESTING); ... pgt_pmd = pmdp_collapse_flush(vma, addr, pmd); ... pte_free_defer(mm, pmd_pgtable(pgt_pmd)); } i_mmap_unlock_read(mapping)"),
			Sequence: "i_mmap_lock_read(mapping);\nvma_interval_tree_foreach(vma, &mapping->i_mmap, pgoff, pgoff) {\n\tpml = pmd_lock(mm, pmd);\n\tptl = pte_lockptr(mm, pmd);\n" +
				"\tspin_lock_nested(ptl, SINGLE_DEPTH_NESTING);\n\tpgt_pmd = pmdp_collapse_flush(vma, addr, pmd);\n\tspin_unlock(ptl);\n\tspin_unlock(pml);\n\tpte_free_defer(mm, pmd_pgtable(pgt_pmd));\n}\ni_mmap_unlock_read(mapping);"},
			ruleNonTerminalChange, ruleFreeReachable, rulePMDNotRevalidated)})
}

// enum ttu_flags (include/linux/rmap.h), the flags of try_to_unmap() and
// try_to_migrate().
var ttuFlags = []struct {
	name string
	bit  int64
}{
	{"TTU_USE_SHARED_ZEROPAGE", 0x2}, {"TTU_SPLIT_HUGE_PMD", 0x4}, {"TTU_IGNORE_MLOCK", 0x8}, {"TTU_SYNC", 0x10},
	{"TTU_HWPOISON", 0x20}, {"TTU_BATCH_FLUSH", 0x40}, {"TTU_RMAP_LOCKED", 0x80},
}

// ttuValue is the enum ttu_flags value of words naming them
// ("TTU_BATCH_FLUSH|TTU_SYNC"; "" is 0): mmscript's earlier string form of
// the flags, one name a call.
func ttuValue(w string) (int64, bool) {
	var v int64
next:
	for x := range words(w) {
		for _, f := range ttuFlags {
			if f.name == x {
				v |= f.bit
				continue next
			}
		}
		return 0, false
	}
	return v, true
}

func init() {
	for _, f := range ttuFlags {
		Constants[f.name] = f.bit
	}
}

func init() {
	folio := Param{Name: "folio", Type: TPage}
	rmapRules := []*Rule{ruleVMBugOnFolio, rulePMDNotRevalidated, rulePTEChangeLock}
	rmapCite := []Cite{cite("mm/rmap.c", "rmap_walk_file(), rmap_walk_anon()", "VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio); VM_WARN_ON_FOLIO(!folio_test_locked(folio), folio)", readRmap),
		cite("mm/page_vma_mapped.c", "map_pte()", "none: pvmw->pte = pte_offset_map_rw_nolock(pvmw->vma->vm_mm, pvmw->pmd, pvmw->address, pmdvalp, ptlp); spin_lock(*ptlp); "+
			"if (unlikely(!pmd_same(*pmdvalp, pmdp_get_lockless(pvmw->pmd)))) { pte_unmap_unlock(pvmw->pte, *ptlp); goto restart; }", readRmap)}
	lib := "a kernel path of the kernel library (kernel/rmap.mms), run statement by statement under the rmap locks only (never the mmap lock); "
	ttuHint := "enum ttu_flags, e.g. TTU_BATCH_FLUSH | TTU_SYNC (TTU_SPLIT_HUGE_PMD, TTU_IGNORE_MLOCK, TTU_SYNC, TTU_HWPOISON, TTU_BATCH_FLUSH, TTU_RMAP_LOCKED, TTU_USE_SHARED_ZEROPAGE)"
	flags := Param{Name: "flags", Type: TInt, Optional: true, Default: Int(0), WordValue: ttuValue, Hint: ttuHint}
	for _, x := range []struct{ name, notes string }{
		{"try_to_unmap", "flags are enum ttu_flags, combined as the kernel combines them (TTU_BATCH_FLUSH | TTU_SYNC in shrink_folio_list() for a large folio): " +
			"TTU_RMAP_LOCKED walks with rmap_walk_locked (the caller holds the rmap lock); TTU_BATCH_FLUSH " +
			"(reclaim's shrink_folio_list()) clears each entry without a flush when another CPU may hold the mm (should_defer_flush()) and leaves " +
			"the flush to try_to_unmap_flush() (set_tlb_ubc_flush_pending()); TTU_SYNC walks with PVMW_SYNC (the PTE lock even for an entry found none, " +
			"so that a zap between its clear and its rmap removal is waited for); TTU_IGNORE_MLOCK, TTU_SPLIT_HUGE_PMD and TTU_HWPOISON change nothing mmscript models " +
			"(no mlock, PTE-mapped folios only, no hwpoison entries); the earlier string form (\"TTU_BATCH_FLUSH\") still binds; the folio must be locked"},
		{"try_to_migrate", "as try_to_unmap, TTU_BATCH_FLUSH included (the migration entries it installs are not modelled: it clears)"},
	} {
		defOp(&Op{Name: x.name, Path: true, Touches: touchesLocksOnly, Params: []Param{folio, flags},
			API: pathAPI(x.name, &API{Section: "2.33", Notes: lib + x.notes, Cites: rmapCite,
				Hold:     "the folio lock (\"Context: Caller must hold the folio lock\"); no mm or VMA lock: the VMAs are reached and kept through the rmap",
				Takes:    "rmap_walk (rmap_walk_locked with TTU_RMAP_LOCKED) -> anon: folio_lock_anon_vma_read / file: i_mmap_lock_read -> per VMA: page_vma_mapped_walk (PTE lock, pmd_same re-check) -> clear the PTE and flush the TLB under it -> unlock",
				Sleeps:   "yes, between VMAs (rwsems); not under the PTE lock",
				Source:   "mm/rmap.c: " + x.name + "(), " + x.name + "_one(), rmap_walk_file(), rmap_walk_anon()",
				Sequence: "folio_lock(folio);\n" + x.name + "(folio, TTU_IGNORE_MLOCK);    /* rmap_walk: i_mmap or anon_vma read lock, then per VMA the PTE lock */\nfolio_unlock(folio);"},
				rmapRules...)})
	}
	defOp(&Op{Name: "folio_referenced", Path: true, Touches: touchesLocksOnly,
		Params: []Param{folio, {Name: "is_locked", Type: TBool, Optional: true, Default: Bool(false)}}, Result: TInt,
		API: pathAPI("folio_referenced", &API{Section: "2.34",
			Takes: "[folio_trylock for an unlocked file folio] -> rmap walk with try_lock: i_mmap_trylock_read / folio_lock_anon_vma_read(try) (contended: -1) -> per VMA page_vma_mapped_walk (PTE lock) -> ptep_clear_flush_young",
			Notes: lib + "returns the young mappings it cleared, 1 when the folio trylock failed, -1 when an rmap lock was contended", Cites: rmapCite,
			Sequence: "referenced = folio_referenced(folio, is_locked, memcg, &vm_flags);"}, rulePMDNotRevalidated, rulePTEChangeLock)})
	rwc := Param{Name: "rwc", Type: TString, Optional: true, Default: Str("try_to_unmap_one")}
	arg := Param{Name: "arg", Type: TInt, Optional: true, Default: Int(0), WordValue: ttuValue, Hint: ttuHint}
	defOp(&Op{Name: "rmap_walk", Path: true, Touches: touchesLocksOnly, Params: []Param{folio, rwc, arg}, Result: TInt,
		API: pathAPI("rmap_walk", &API{Section: "2.35",
			Notes: lib + "rwc names the rmap_one: \"try_to_unmap_one\", \"try_to_migrate_one\", \"folio_referenced_one\" or \"page_mkclean_one\"; arg is rwc->arg, the ttu_flags of the first two (TTU_BATCH_FLUSH: the flush is deferred to try_to_unmap_flush()); returns the sum of what they return",
			Cites: rmapCite, Sequence: "folio_lock(folio);\nrmap_walk(folio, &rwc);\nfolio_unlock(folio);"}, rmapRules...)})
	defOp(&Op{Name: "rmap_walk_locked", Path: true, Touches: touchesLocksOnly, Params: []Param{folio, rwc, arg}, Result: TInt,
		API: pathAPI("rmap_walk_locked", &API{Section: "2.35",
			Notes: lib + "the caller holds the anon_vma or i_mmap lock already (taken again it self-deadlocks); rwc as for rmap_walk",
			Cites: rmapCite, Sequence: "i_mmap_lock_read(mapping);\nrmap_walk_locked(folio, &rwc);\ni_mmap_unlock_read(mapping);"}, rmapRules...)})
	defOp(&Op{Name: "page_vma_mapped_walk", Path: true, Touches: touchesLocksOnly,
		Params: []Param{folio, {Name: "vma", Type: TVMA}, {Name: "address", Type: TInt}, {Name: "flags", Type: TString, Optional: true, Default: Str("")}}, Result: TPTE,
		API: pathAPI("page_vma_mapped_walk", &API{Section: "2.36",
			Notes: "a kernel path of the kernel library (kernel/rmap.mms): flags is pvmw->flags, \"PVMW_SYNC\" or \"\" (0, the default). With PVMW_SYNC, " +
				"pte_offset_map_lock (the PTE lock whatever the entry holds); without, pte_offset_map_rw_nolock and ptep_get_lockless: an entry that is not present " +
				"returns nil without the lock, else spin_lock and the pmd_same re-check (restart when khugepaged retracted the table); then check_pte. " +
				"Returns the PTE locked (page_vma_mapped_walk_done releases it) or nil; PMD-mapped THPs are not modelled. The kernel's callers: " +
				"page_mkclean_one() (folio_mkclean) and pfn_mkclean_range() pass PVMW_SYNC, try_to_unmap_one() and try_to_migrate_one() only with TTU_SYNC, " +
				"folio_referenced_one() 0 (mm/rmap.c); page_mapped_in_vma() PVMW_SYNC (mm/page_vma_mapped.c)",
			Cites: append(rmapCite, cite("mm/page_vma_mapped.c", "map_pte()", "none: if (pvmw->flags & PVMW_SYNC) { /* Use the stricter lookup */ pvmw->pte = pte_offset_map_lock(pvmw->vma->vm_mm, pvmw->pmd, pvmw->address, &pvmw->ptl); ... } "+
				"... ptent = ptep_get_lockless(pvmw->pte); if (pte_none(ptent)) { return false; }", readPVMW),
				cite("mm/rmap.c", "try_to_unmap_one(), try_to_migrate_one(), page_mkclean_one(), folio_referenced_one()", "none: if (flags & TTU_SYNC) pvmw.flags = PVMW_SYNC; "+
					"DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, address, PVMW_SYNC) (page_mkclean_one); DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, address, 0) (folio_referenced_one)", readRmap)),
			Sequence: "DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, address, 0);\nwhile (page_vma_mapped_walk(&pvmw)) {\n\t/* pvmw.pte locked */\n}\n/* or page_vma_mapped_walk_done(&pvmw) to stop early */"},
			ruleTraverseLock, rulePMDNotRevalidated)})
}
