package runtime

// Kernel-path steps: rule-book entries that are not APIs a caller uses but
// steps of a kernel path that mmscript's kernel library (kernel/*.mms)
// runs, such as handle_mm_fault()'s sanitize_fault_flags() or mremap's
// pmc_next(). They exist as operations so that the library can be written
// statement by statement in the kernel's own words; their rules are the
// path's, and the path's entry and its examples state and prove them.
// `mmscript rules`, the generated locking section and `mmscript explain`
// present them as steps of their path, and the pair test
// (interp/apipairs_test.go) covers APIs only.
//
// A name is a step when it is none of: an API of the rule book (a name
// of the lock vocabulary of section 1.1, a section 2 heading, a row of the
// section 4 table), a function Documentation/mm/process_addrs.rst names as
// an entry point a caller may use (processAddrsEntryPoints), or a kernel
// function that code outside mm/ calls (drivers, file systems, modules,
// exec, the arch code's generic interfaces such as flush_tlb_mm()). A name
// the rule book mentions only as the implementation of an API (in its
// Source, Takes or Asserts, such as check_vma_flags() in get_user_pages's)
// is a step. TestKernelPathSteps checks both halves: no step is an API of
// section 2 or 4 or an entry point of process_addrs.rst, and each step is
// run by the kernel path it names.

// kernelPathSteps maps a step to the kernel-library function of the path
// it is a step of: the path's entry (the syscall, handle_mm_fault(), the
// API whose internals it is), which calls it directly or through the
// path's other functions, or, for a constructor of the path's argument
// (pagetable_move(), C's PAGETABLE_MOVE()), takes what it returns.
var kernelPathSteps = map[string]string{
	"vma_permits_fault": "fixup_user_fault",
	// mm/rmap.c: try_to_unmap_one() with TTU_BATCH_FLUSH
	"arch_tlbbatch_should_defer": "try_to_unmap",
	"set_tlb_ubc_flush_pending":  "try_to_unmap",
	// mm/memory.c: handle_mm_fault() and the functions below it
	"sanitize_fault_flags":         "handle_mm_fault",
	"thp_vma_allowable_order":      "handle_mm_fault",
	"vmf_pte_offset_map_lock":      "handle_mm_fault",
	"set_ptes_locked":              "handle_mm_fault",
	"set_pte_range_locked":         "handle_mm_fault",
	"wp_page_reuse_locked":         "handle_mm_fault",
	"__do_huge_pmd_anonymous_page": "handle_mm_fault",
	"do_huge_pmd_wp_page":          "handle_mm_fault",
	"huge_pmd_set_accessed":        "handle_mm_fault",
	"__do_fault":                   "handle_mm_fault",
	"do_page_mkwrite":              "handle_mm_fault",
	"vm_ops_pfn_mkwrite":           "handle_mm_fault",
	"vm_ops_map_pages":             "handle_mm_fault",
	"vm_ops_huge_fault":            "handle_mm_fault",

	// arch/x86/mm/fault.c: do_user_addr_fault(): include/linux/uaccess.h
	// "This function should only be used by the fault handlers"
	"faulthandler_disabled": "do_user_addr_fault",

	// mm/khugepaged.c: retract_page_tables()
	"pte_lockptr":        "retract_page_tables",
	"collapse_test_exit": "retract_page_tables",

	// mm/mmap_lock.c: lock_vma_under_rcu(): its RCU section, mas_walk()
	// and vma_start_read(), as one step (kernel/vma_lock.mms)
	"mas_walk_start_read": "lock_vma_under_rcu",

	// kernel/fork.c: mmput()
	"atomic_dec_and_test": "mmput",
	// mm/mmap.c: exit_mmap() sets MMF_OOM_SKIP (the OOM reaper sets
	// MMF_UNSTABLE and MMF_OOM_SKIP too)
	"mm_flags_set":         "mmput",
	"mmu_notifier_release": "mmput",

	// mm/memory.c: zap_pte_range()'s force_flush (a dirty file entry)
	"tlb_flush_mmu_tlbonly": "munmap",
	"tlb_flush_rmaps":       "munmap",
	"tlb_flush_mmu_free":    "munmap",

	// mm/page-writeback.c: folio_clear_dirty_for_io()
	"folio_mkclean":          "folio_clear_dirty_for_io",
	"folio_mapped":           "folio_clear_dirty_for_io",
	"page_vma_mkclean_one":   "folio_clear_dirty_for_io",
	"folio_mark_dirty":       "folio_clear_dirty_for_io",
	"folio_test_clear_dirty": "folio_clear_dirty_for_io",

	// mm/mmu_gather.c: tlb_finish_mmu()
	"tlb_flush_mmu":       "tlb_finish_mmu",
	"mm_tlb_flush_nested": "tlb_finish_mmu",

	// mm/rmap.c: rmap_walk()
	"folio_pgoff":    "rmap_walk",
	"folio_anon_vma": "rmap_walk",
	"folio_file":     "rmap_walk",
	"vma_address":    "rmap_walk",

	// mm/mprotect.c, mm/madvise.c, mm/mmap.c: brk
	"arch_override_mprotect_pkey":  "mprotect",
	"calc_vm_prot_bits":            "mprotect",
	"madvise_behavior_valid":       "madvise",
	"madvise_vma_behavior":         "madvise",
	"shmem_truncate_range":         "madvise",
	"madvise_populate":             "madvise",
	"clear_young_dirty_ptes":       "madvise",
	"madvise_free_huge_pmd_locked": "madvise",
	"madvise_cold_huge_pmd_locked": "madvise",
	"madvise_folio_pte_batch":      "madvise",
	"folio_maybe_mapped_shared":    "madvise",
	"split_folio":                  "madvise",
	"reclaim_pages":                "madvise",
	"vma_modify_flags":             "mprotect",
	"vm_ops_mprotect":              "mprotect",
	"vm_ops_mremap":                "mremap",
	"vrm_unmap_new_vma_instead":    "mremap",
	"change_protection":            "mprotect",
	"modify_prot_commit_ptes":      "mprotect",
	"change_huge_pmd_locked":       "mprotect",
	"flush_tlb_batched_pending":    "mprotect",
	"populate_vma_page_range":      "mprotect",
	"vma_modify_policy":            "mbind",
	"vma_replace_policy":           "mbind",
	"do_brk_flags":                 "brk",
	"mm_set_brk":                   "brk",
	"vm_start_gap":                 "brk",
	"vma_prev_limit":               "brk",

	// mm/khugepaged.c: collapse_huge_page()
	"__collapse_huge_page_copy":    "khugepaged_collapse",
	"__collapse_huge_page_isolate": "khugepaged_collapse",
	"hpage_collapse_scan_ptes":     "khugepaged_collapse",
	"hugepage_vma_revalidate":      "khugepaged_collapse",
	"pmdp_collapse_flush":          "khugepaged_collapse",

	// mm/gup.c: the GUP paths
	"check_vma_flags":     "get_user_pages",
	"follow_page_mask":    "get_user_pages",
	"page_array_set":      "get_user_pages",
	"gup_check_unlocked":  "get_user_pages_unlocked",
	"gup_put_folio":       "get_user_pages_fast",
	"pmd_pfn":             "get_user_pages_fast",
	"try_grab_folio_fast": "get_user_pages_fast",
	// mm->write_protect_seq is private to mm: fork writes it, GUP-fast
	// for FOLL_PIN reads it (the ops take the mm, not a seqcount)
	"raw_read_seqcount":   "pin_user_pages_fast",
	"read_seqcount_retry": "pin_user_pages_fast",

	// mm/vma.c: munmap
	"vma_iter_clear_gfp":           "munmap",
	"vms_detached_vma":             "munmap",
	"vms_gather_munmap_vmas":       "munmap",
	"remove_vma":                   "munmap",
	"zap_present_ptes":             "munmap",
	"pmdp_huge_get_and_clear_full": "munmap",
	"tlb_remove_pmd_tlb_entry":     "munmap",
	"vm_normal_folio_pmd":          "munmap",
	"zap_huge_pmd_folio":           "munmap",
	"zap_deposited_table":          "munmap",
	"tlb_remove_page_size":         "munmap",

	// arch/x86/mm/fault.c and the user copies
	"do_user_addr_fault": "touch",
	"cpu_access":         "touch",
	"raw_copy_to_user":   "copy_to_user",
	"raw_copy_from_user": "copy_from_user",

	// fs/coredump.c (v5.0)
	"zap_threads":     "do_coredump",
	"elf_core_dump":   "do_coredump",
	"coredump_finish": "do_coredump",

	// mm/mremap.c
	"get_extent":              "move_page_tables",
	"get_old_pmd":             "move_page_tables",
	"pagetable_move":          "move_page_tables",
	"pmc_next":                "move_page_tables",
	"pmc_nr_extents":          "move_page_tables",
	"pmc_progress":            "move_page_tables",
	"pmd_move_table":          "move_page_tables",
	"pmd_lockptr":             "move_page_tables",
	"pmd_trans_huge":          "move_page_tables",
	"prep_move_vma":           "mremap",
	"vrm_pmc":                 "mremap",
	"vrm_init":                "mremap",
	"check_mremap_params":     "mremap",
	"check_prep_vma":          "mremap",
	"vrm_set_new_addr":        "mremap",
	"vrm_can_expand_in_place": "mremap",
	"expand_vma_in_place":     "mremap",
	"copy_vma":                "mremap",
	"unmap_source_vma":        "mremap",
	"alloc_new_pmd":           "move_page_tables",
	"move_huge_pmd":           "move_page_tables",

	// kernel/fork.c: dup_mmap(), mm/memory.c: copy_page_range()
	"dup_mm_alloc":                 "fork",
	"vm_ops_open":                  "fork",
	"vma_iter_bulk_store":          "fork",
	"vma_iter_nth":                 "fork",
	"vma_needs_copy":               "fork",
	"folio_try_dup_anon_rmap_ptes": "fork",
	"raw_write_seqcount_begin":     "fork",
	"raw_write_seqcount_end":       "fork",
	"anon_vma_fork":                "fork",
	"copy_huge_pmd":                "fork",
	"copy_present_ptes":            "fork",
	"vm_area_dup":                  "fork",

	// mm/mmap.c, mm/vma.c: mmap
	"ksys_mmap_pgoff":             "mmap",
	"do_mmap_checks":              "mmap",
	"__get_unmapped_area":         "mmap",
	"do_mmap_vm_flags":            "mmap",
	"mmap_setup_vms":              "mmap",
	"vma_merge_new_range":         "mmap",
	"mmap_file":                   "mmap",
	"unmap_region":                "mmap",
	"vma_iter_store_new":          "mmap",
	"set_vma_user_defined_fields": "mmap",
	"vm_stat_account":             "mmap",
	"vma_close":                   "mmap",
	"call_mmap_prepare":           "mmap",
}

// IsStep says whether the entry is a step of a kernel path rather than an
// API a caller uses.
func (a *API) IsStep() bool { return a.Step != "" }

// stepOf describes the path a step belongs to, for the documents:
// "handle_mm_fault() (runtime/kernel/fault.mms)".
func (a *API) stepOf() string {
	if a.Step == "" {
		return ""
	}
	s := a.Step + "()"
	if _, file, _, ok := KernelPathSource(a.Step); ok {
		s += " (runtime/" + file + ")"
	}
	return s
}
