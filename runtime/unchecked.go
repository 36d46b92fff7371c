package runtime

// uncheckedConsequence says, for each rule the kernel does not check
// (Reaction Unchecked), what the real kernel goes on to do when the rule
// is broken and what that costs, naming the function where it happens:
// the diagnostic's "kernel:" line (report.go: reaction), where a generic
// "a silent race or use-after-free" told the reader nothing. Kept beside
// the rules, as olderReactions is, so that the rule literals stay four
// fields; TestUncheckedRulesSayConsequence requires an entry, citing a
// function, for every unchecked rule.
var uncheckedConsequence = map[string]string{
	"apply_to_page_range/needs-mmap-lock":     "__apply_to_page_range() walks and allocates page tables that a concurrent munmap's free_pgtables() may free: it writes through a freed PTE table",
	"cond_resched/rcu-reader":                 "__cond_resched() calls rcu_all_qs() (CONFIG_PREEMPT_RCU=n): the grace period ends under the reader, and what it reads (a pte_free_defer()'d table, a kfree_rcu()'d object) is freed while it reads it",
	"coredump/vma-changed-during-dump":        "the core dump (fs/coredump.c: dump_user_range(), get_dump_page()) walks the VMAs without the mmap lock while the path changes them: it reads freed VMAs or dumps a layout that never existed (CVE-2019-11599)",
	"dec_tlb_flush_pending/before-flush":      "mm_tlb_flush_pending() reads 0 while a CPU still translates through the changed entry: a racing zap_pte_range() or KSM's write_protect_page() skips its flush, and the page is written through the stale TLB entry after it was freed or made read-only",
	"fault/retry-holding-lock":                "handle_mm_fault() returns VM_FAULT_RETRY and the arch fault handler (do_user_addr_fault()) neither unlocks nor retries under the lock it thinks released: the mmap or VMA lock leaks, and the next mmap_write_lock() of the mm hangs",
	"flush_tlb_batched_pending/needs-ptl":     "flush_tlb_batched_pending() reads mm->tlb_flush_batched unordered with reclaim's try_to_unmap_one(): it misses a batch, the caller's mprotect or munmap finds the entry already none and does not flush, and a CPU writes the reclaimed page through its stale TLB entry",
	"folio_trylock/failure-ignored":           "folio_unlock() clears PG_locked under the real holder (it has no owner) and wakes its waiters: two threads then work on the folio (truncate against writeback, reclaim against a fault) as if each held the lock",
	"gup/pin-lost-to-cow":                     "copy_page_range() write-protects the pinned page and shares it with the child: the parent's next write (do_wp_page()) copies it away, and the device DMAs into the child's page, not the parent's",
	"gup/write-unbroken-cow":                  "__get_user_pages() hands out the page-cache or shared page for writing: the write (ptrace's access_process_vm(), /proc/pid/mem) changes the file or another process's memory (Dirty COW, CVE-2016-5195)",
	"handle_mm_fault/needs-fault-lock":        "handle_mm_fault() walks and fills page tables of a VMA that munmap may free meanwhile: __handle_mm_fault() writes into a freed VMA's page tables and installs pages nobody will unmap",
	"hugepage_vma_revalidate/needs-mmap-lock": "collapse_huge_page() goes on with a VMA that was unmapped while the lock was dropped: it collapses pages into a VMA that no longer exists (a use-after-free of the vm_area_struct)",
	"inc_tlb_flush_pending/after-pte-change":  "between the PTL release and the late increment, mm_tlb_flush_pending() is false for a changed entry: KSM's write_protect_page() or a racing zap skips the flush, and a CPU writes the page through its stale writable TLB entry",
	"irq/unbalanced":                          "local_irq_enable() turns interrupts on inside the other section's IRQs-off region: lockdep_hardirqs_on() only counts it (redundant_hardirqs_on), and the region that relied on IRQs off (gup_fast()) runs with them on, so the IPI of tlb_remove_table_sync_one() no longer waits for it",
	"mm/use-without-mm-users":                 "exit_mmap() tears the VMAs and page tables down under the walker: find_vma() and the page walk read freed VMAs and tables (KASAN's use-after-free, commit cb185d5f1ebf)",
	"mm_tlb_flush_pending/needs-ptl":          "mm_tlb_flush_pending() reads the count unordered with the PTL release that published the change: it says false for an entry whose flush is pending, and the caller (a THP split, KSM, migration) skips its flush",
	"mmap_prepare/desc-outside-hook":          "the vm_area_desc lives on __mmap_region()'s stack: a use after f_op->mmap_prepare returned reads and writes a dead stack frame, and nothing it sets reaches the VMA (call_mmap_prepare() copied it already)",
	"mmget_not_zero/failure-ignored":          "the caller walks an mm whose exit_mmap() is tearing the VMAs and page tables down: find_vma() and the walk read freed memory (KASAN's use-after-free, commit cb185d5f1ebf)",
	"mmu_notifier/unbalanced":                 "mmu_notifier_invalidate_range_end() without its start unbalances the subscribers' counters (mn_itree_inv_end(), KVM's mmu_invalidate_in_progress): KVM waits for an invalidation that never ends, or maps again while one is in progress",
	"mmu_notifier_range_init/misses-change":   "__mmu_notifier_invalidate_range_start() tells KVM, HMM and IOMMU SVA about [start, end) only: the secondary MMU keeps mapping the changed entry's page after it is freed (a guest or device use-after-free)",
	"pgtable/change-needs-ptl":                "set_pte_at()/ptep_get_and_clear() race with a fault or zap holding the PTL: an entry is lost or installed twice, the page's mapcount and refcount go wrong, and the page is freed while mapped",
	"pgtable/free-reachable":                  "pte_free() frees the table at once while an RCU walker (pte_offset_map(), GUP-fast) still reads it: a use-after-free of the page table, whose page may already hold another table",
	"pgtable/install-needs-mmap-or-vma-lock":  "the entry is installed in a VMA munmap may be tearing down (an rmap lock does not stop unmap_vmas()): the page stays mapped in a freed VMA's page tables, or free_pgtables() frees the table under the install",
	"pgtable/move-pmd-unchecked":              "move_normal_pmd() moves a PMD that retract_page_tables() cleared meanwhile: pmd_populate() installs a freed PTE table at the new address (CVE-2024-50066, a use-after-free of the page table)",
	"pgtable/non-terminal-change":             "the PMD is cleared (pmdp_collapse_flush()) under a walker that goes on using the PTE table: its changes land in a detached table and are lost, or the walker reads the table after it is freed",
	"pgtable/pmd-not-revalidated":             "the walker changes an entry of a table retract_page_tables() detached: the change is lost with the table (freed by pte_free_defer() after the grace period), and the walker's later reads are a use-after-free",
	"pgtable/stale-value":                     "the old value decides what to do with an entry that was zapped, replaced or retracted while the lock was dropped: do_wp_page()'s kind of decision on a stale entry maps a freed page or breaks COW on the wrong one (Dirty COW)",
	"pgtable/traverse-needs-stable-vma":       "the walk (walk_page_range(), follow_pte()) reads page tables that munmap's free_pgtables() may free: a use-after-free of the page tables",
	"pgtable/zap-needs-stable-vma":            "zap_page_range_single() works on a VMA munmap may free meanwhile: it zaps through freed page tables and the pages' rmap goes wrong",
	"pmdp_collapse_flush/needs-pmd-lock":      "pmdp_collapse_flush() clears the PMD under a walker that took the PMD lock to read it (a THP split, another collapse): both act on the same PTE table, and one of them on a table the other freed",
	"put_page/pinned-page":                    "put_page() takes one reference where the pin added GUP_PIN_COUNTING_BIAS (1024): folio_maybe_dma_pinned() goes on saying pinned for ever, and the unpin that follows drops references the page no longer has, freeing it while mapped",
	"rcu/use-after-free":                      "the RCU callback (rcu_do_batch() -> the kfree_rcu()/pte_free_defer() free) ran after the grace period: the read is a use-after-free of memory that may already be another object",
	"remap_pfn_range/needs-mmap-write":        "remap_pfn_range_prepare_vma() rewrites vm_flags and vm_pgoff of a live VMA under readers (faults under the VMA lock, /proc/pid/maps): they see VM_PFNMAP half set, and a fault maps a normal page into a PFN mapping",
	"rmap/iterate-needs-rmap-lock":            "the anon_vma or i_mmap interval tree changes under the walk (a fork, an munmap's unlink_file_vma()): rmap_walk() follows freed tree nodes and VMAs",
	"sched/schedule-irqs-off":                 "finish_task_switch() -> raw_spin_rq_unlock_irq() comes back with IRQs on: the caller's IRQs-off section (gup_fast()'s protection of the page tables it walks) silently ended at the schedule",
	"split_huge_pmd_locked/needs-pmd-lock":    "split_huge_pmd_locked() rewrites the huge PMD as a PTE table while a fault or zap holding the PMD lock works on it: the THP's mapcount goes wrong and a page is freed while mapped",
	"thp/pmd-cleared-under-read-lock":         "zap_pmd_range() (MADV_DONTNEED, mmap read lock) reads the PMD none in between, skips it, and returns with the THP still mapped after MADV_DONTNEED succeeded (commits ced108037c2a, 58ceeb6bec86)",
	"tlb/batched-flush-before-free":           "free_unref_folios() hands the page to the allocator while a CPU still translates to it: the next owner's data is read or written through the stale TLB entry",
	"tlb/batched-flush-pending":               "the path flushes only what it changed and misses reclaim's deferred flush (try_to_unmap_one() with TTU_BATCH_FLUSH): a CPU keeps a stale translation to a page reclaim is about to free or write back",
	"tlb/flush-before-ptl-drop":               "after the PTL drops, rmap (truncate, reclaim, migration: try_to_unmap_one()) zaps the page at its new place, flushes only that range and frees it while another CPU still translates the old address: a use-after-free through the TLB (mremap: CVE-2018-18281)",
	"tlb/stale-after-zap":                     "tlb_finish_mmu() flushes nothing for the range another zap cleared and deferred: the caller returns (MADV_DONTNEED succeeds) while a CPU still translates to pages about to be freed",
	"tlb/stale-entry":                         "the freed page is reached through a TLB entry nobody flushed (free_pages_and_swap_cache() before tlb_flush_mmu()): reads and writes go to whatever the page holds next",
	"tlb/write-after-mkclean":                 "folio_mkclean() misses the mapping whose rmap zap_present_folio_ptes() already removed: writeback cleans the folio, the CPU's store through its stale dirty TLB entry lands after, and the write is lost (fix 5df397dec7c4)",
	"tlb_gather_mmu/not-finished":             "tlb_finish_mmu() never runs: the gathered pages are never freed (a leak), the final TLB invalidate never happens, and mm->tlb_flush_pending stays raised, so every later tlb_finish_mmu() of the mm flushes the whole mm",
	"unpin_user_page/not-pinned":              "gup_put_folio() subtracts a pin that was never taken: for a small folio folio_put_refs() drops GUP_PIN_COUNTING_BIAS (1024) references, freeing the page while it is mapped",
	"unpin_user_page/use-after-unpin":         "once the last pin is gone (unpin_user_page()), nothing holds the page: reclaim, migration or an munmap free it, and the device or copy goes on using freed memory",
	"vm_insert_page/trylock-heuristic":        "vm_insert_page()'s BUG_ON(mmap_read_trylock()) passes without the lock when a writer holds or waits for it: the insert races with that writer's munmap or mremap, and the page is mapped into a VMA being torn down",
	"vm_normal_page/unstable-entry":           "__vm_normal_page() returns the page of a value another thread may have zapped: zap_pte_range() frees the page and the caller uses, or takes a reference on, a freed page",
	"vma-field/vm_flags-init":                 "vm_flags_init() on a live VMA writes vm_flags without the VMA write lock: faults under lock_vma_under_rcu() read the flags half changed",
	"vma-field/vm_ops":                        "a live VMA's vm_ops changes under a fault under the VMA lock: handle_mm_fault() calls the old ->fault, or a NULL one",
	"vma-field/vm_page_prot":                  "vma_set_page_prot() changes vm_page_prot under a fault that reads it (do_anonymous_page(), mk_pte()): the fault installs an entry with the old or a torn protection",
	"vma-field/vm_start":                      "the range changes under readers (faults under the VMA lock, find_vma() under RCU): a fault computes vm_pgoff against the wrong start and maps the wrong page (the c5d5546ea065 bug)",
	"vma/faults-need-vma-write-lock":          "a fault under the VMA read lock (lock_vma_under_rcu()) runs during the change: fork copies page tables a fault is filling, mremap moves tables under it (use-after-free of the PTE table), dup_anon_vma races the anon_vma",
	"vma/not-stable":                          "the VMA is read while munmap, mremap or a merge may free or change it (vm_area_free()): a use-after-free of the vm_area_struct (SLAB_TYPESAFE_BY_RCU: the memory may be another VMA)",
	"vma/rcu-unlocked-use":                    "RCU keeps the memory, not the VMA: vm_area_cachep is SLAB_TYPESAFE_BY_RCU, so the fields read are another VMA's (lock_vma_under_rcu() re-checks the range for this reason)",
	"vma/stale-after-relock":                  "the VMA pointer outlived the lock hold: another writer unmapped or replaced it (vm_area_free()), and the use is a use-after-free of the vm_area_struct (CVE-2018-17182; Binder's saved VMA, a43cfc87caaf)",
	"vma/tree-store-needs-mmap-write":         "readers under the mmap read lock walk the maple tree under RCU (find_vma()); the node the store replaces is freed after a grace period they do not hold off: a use-after-free of the maple node (StackRot, CVE-2023-3269)",
	"vma/use-after-unmap":                     "vm_area_free() freed the VMA to vm_area_cachep: the use reads or writes freed memory, which may already be another VMA",
	"vma_lookup/unstable-result":              "the VMA vma_lookup() returned may be freed by a concurrent munmap before it is used: a use-after-free of the vm_area_struct",
	"vmf_insert/needs-fault-lock":             "the helper installs an entry in a VMA munmap may be tearing down: the page stays mapped in page tables free_pgtables() frees, or in no VMA at all",
	"zap_vma_ptes/not-pfnmap":                 "zap_special_vma_range() returns at once for a VMA without VM_PFNMAP/VM_MIXEDMAP: nothing is zapped, and the caller frees memory user space still maps",
}

// UncheckedConsequence is what the real kernel does when rule id, which
// it does not check, is broken ("" when the rule has no entry).
func UncheckedConsequence(id string) string { return uncheckedConsequence[id] }
