package interp_test

import (
	"path/filepath"
	"slices"
	"testing"

	rt "github.com/mmscript/mmscript/runtime"
)

// lackingPair lists the APIs that run (an op, or a handler the runtime
// calls) but have no passing correct/incorrect pair of examples yet. It may
// only shrink: TestEveryRunningAPIHasExamplePair fails for an API that runs
// without a pair and is not listed, and for a listed API that has one (drop
// it from the list). Adding a name here needs a reason next to it.
var lackingPair = map[string]string{
	"sanitize_fault_flags":         "a step of the fault kernel path (runtime/kernel/fault.mms): handle_mm_fault's first step; used inside mm only, not by drivers or modules, so the fault path's examples prove it rather than a pair of its own",
	"thp_vma_allowable_order":      "a step of the fault kernel path (runtime/kernel/fault.mms): the PMD-level check of __handle_mm_fault; used inside mm only, not by drivers or modules, so the fault path's examples prove it rather than a pair of its own",
	"vmf_pte_offset_map_lock":      "a step of the fault kernel path (runtime/kernel/fault.mms): the PTE lock of do_fault's check without ->fault; used inside mm only, not by drivers or modules, so the fault path's examples prove it rather than a pair of its own",
	"set_ptes_locked":              "a step of the fault kernel path (runtime/kernel/fault.mms): the PTE lock section of do_anonymous_page and wp_page_copy; used inside mm only, not by drivers or modules, so the fault path's examples prove it rather than a pair of its own",
	"set_pte_range_locked":         "a step of the fault kernel path (runtime/kernel/fault.mms): the PTE lock section of finish_fault; used inside mm only, not by drivers or modules, so the fault path's examples prove it rather than a pair of its own",
	"wp_page_reuse_locked":         "a step of the fault kernel path (runtime/kernel/fault.mms): the PTE lock section of a shared write fault; used inside mm only, not by drivers or modules, so the fault path's examples prove it rather than a pair of its own",
	"__do_huge_pmd_anonymous_page": "a step of the fault kernel path (runtime/kernel/fault.mms): the PMD lock section of an anonymous THP fault; used inside mm only, not by drivers or modules, so the fault path's examples prove it rather than a pair of its own",
	"do_huge_pmd_wp_page":          "a step of the fault kernel path (runtime/kernel/fault.mms): the PMD lock section of a write to a huge PMD; used inside mm only, not by drivers or modules, so the fault path's examples prove it rather than a pair of its own",
	"huge_pmd_set_accessed":        "a step of the fault kernel path (runtime/kernel/fault.mms): the PMD lock section of a read of a huge PMD; used inside mm only, not by drivers or modules, so the fault path's examples prove it rather than a pair of its own",
	"__do_fault":                   "the fault kernel path's call of vm_ops->fault (runtime/kernel/fault.mms): the handler's pair of examples (examples/fault-handlers/) proves it",
	"do_page_mkwrite":              "the fault kernel path's call of vm_ops->page_mkwrite (runtime/kernel/fault.mms): the handler's pair of examples (examples/fault-handlers/) proves it",
	"vm_ops_pfn_mkwrite":           "the fault kernel path's call of vm_ops->pfn_mkwrite (runtime/kernel/fault.mms): the handler's pair of examples (examples/fault-handlers/) proves it",
	"vm_ops_map_pages":             "the fault kernel path's call of vm_ops->map_pages (runtime/kernel/fault.mms): the handler's pair of examples (examples/fault-handlers/) proves it",
	"vm_ops_huge_fault":            "the fault kernel path's call of vm_ops->huge_fault (runtime/kernel/fault.mms): the handler's pair of examples (examples/fault-handlers/) proves it",
	"folio_pgoff":                  "folio->index: nothing can go wrong at the call for a locked or referenced folio, and mmscript checks the folio lock at the walk; correct use in examples/rmap-and-reclaim/rmap_walk_by_hand.mms",
	"i_mmap_trylock_read":          "a trylock: no misuse shows at the call; used by folio_referenced (kernel/rmap.mms)",
	"arch_override_mprotect_pkey":  "a step of the mprotect kernel path (runtime/kernel/mprotect.mms): computes a value, no lock rule of its own",
	"calc_vm_prot_bits":            "a step of the mprotect kernel path (runtime/kernel/mprotect.mms): pure arithmetic, no lock rule to break",
	"madvise_behavior_valid":       "a step of the madvise kernel path (runtime/kernel/madvise.mms): pure check, no lock rule to break",
	"mm_set_brk":                   "a step of the brk kernel path (runtime/kernel/brk.mms): the store mm->brk = brk",
	"vm_start_gap":                 "a step of the brk kernel path (runtime/kernel/brk.mms): arithmetic on a VMA, no lock rule of its own",
	"vma_is_anonymous":             "a step of the mprotect and madvise kernel paths: reads vm_ops, no lock rule of its own",
	"vma_prev_limit":               "a step of the brk kernel path (runtime/kernel/brk.mms); used inside mm only, not by drivers or modules, so the path's examples prove it rather than a pair of its own",
	"pmd_same":                     "a PMD-value helper: its incorrect use is a missing call (pgtable/pmd-not-revalidated, examples/rcu-and-lockless-walks/retract_page_tables_walker_no_recheck.mms)",
	"pmdp_get_lockless":            "a PMD-value helper: its incorrect use is a missing call (pgtable/pmd-not-revalidated, examples/rcu-and-lockless-walks/retract_page_tables_walker_no_recheck.mms)",
	"__collapse_huge_page_copy":    "a step of the khugepaged kernel path (runtime/kernel/khugepaged.mms); used inside mm only, not by drivers or modules, so the path's examples prove it rather than a pair of its own",
	"folio_anon_vma":               "reads folio->mapping, which only the folio lock (or the anon_vma's RCU lifetime in folio_lock_anon_vma_read()) keeps; mmscript checks that at the walk, not at this read, so no incorrect script can fail here; correct use in examples/rmap-and-reclaim/rmap_walk_by_hand.mms",
	"folio_file":                   "reads folio->mapping, which only the folio lock keeps; mmscript checks that lock at the walk (VM_BUG_ON_FOLIO, rmap_walk/folio-not-locked), not at this read, so no incorrect script can fail here; correct use in examples/rmap-and-reclaim/rmap_walk_by_hand.mms",
	"gup_put_folio":                "drops the reference try_grab_folio_fast() took, with no lock rule of its own (GUP-fast holds none); correct use in examples/gup/gup_fast_by_hand.mms",
	"pmd_pfn":                      "reads a PMD value: nothing can be wrong at the call (a step of the GUP-fast kernel path's huge-PMD leaf, runtime/kernel/gup_fast.mms)",
	"try_grab_folio_fast":          "a reference that may fail, taken with IRQs off and no lock: nothing can be wrong at the call itself, the caller's duty is the PMD and PTE recheck after it (pgtable/stale-value); correct use in examples/gup/gup_fast_by_hand.mms",
	"vma_address":                  "arithmetic on the VMA the rmap walk found under its rmap lock (rmap/iterate-needs-rmap-lock is checked at the walk step that returned it); correct use in examples/rmap-and-reclaim/rmap_walk_by_hand.mms",
	"vma_iter_clear_gfp":           "a step of the munmap kernel path: removes the gathered VMAs from the tree under the mmap write lock vms_gather_munmap_vmas() needed already; mmscript checks the lock at the gather (examples/mmap-and-munmap/munmap_by_hand_misuse.mms), not again here",
	"vms_detached_vma":             "returns the i-th VMA the munmap gathered (its own list): nothing can be wrong at the call; used in examples/mmap-and-munmap/munmap_by_hand.mms",
	"unmap_vmas":                   "a step of the munmap kernel path; correct use in examples/mmap-and-munmap/munmap_by_hand.mms. Its one caller rule beyond the VMAs being detached is not sleeping (zap_pmd_range()'s cond_resched()), which the kernel library's zap loop (runtime/kernel/munmap.mms) does not check yet, so no incorrect script can fail for it",
	"tlb_finish_mmu":               "a step of the munmap kernel path; correct use in examples/mmap-and-munmap/munmap_by_hand.mms. Its misuse under a PTE lock (tlb_batch_pages_flush()'s cond_resched()) is not checked by mmscript yet, so no incorrect script can fail for it",
	"tlb_gather_mmu":               "starts an mmu_gather, which takes no lock and checks nothing at the call; its misuses are tlb_finish_mmu()'s and the zap's (tlb/stale-entry); correct use in examples/mmap-and-munmap/munmap_by_hand.mms",
	"folio_trylock":                "a trylock: no misuse shows at the call (lockdep skips trylocks in check_deadlock, it never sleeps, and a failed attempt is a result, not a finding); correct use in examples/rmap-and-reclaim/rmap_locks_in_order.mms",
	"local_irq_disable":            "nothing is wrong at the call itself (IRQs off nests as a read-side section); its misuses show at the next call (a sleep, tlb_remove_table_sync_one, local_irq_enable): rcu-and-lockless-walks/gup_fast_read_after_irqs_on.mms",
	"lock_vma_under_rcu":           "no misuse shows at the call: it fails instead of waiting, under any lock (vma_start_read() takes the lockdep map with trylock=1); correct use in page-table-walks/walk_page_vma_under_vma_lock.mms",
	"mmap_read_trylock":            "a trylock: no misuse shows at the call (lockdep skips trylocks in check_deadlock, it never sleeps, and a failed attempt is a result, not a finding); correct use in examples/locks/mmap_lock_write_then_downgrade.mms",
	"mmap_write_trylock":           "a trylock: no misuse shows at the call (lockdep skips trylocks in check_deadlock, it never sleeps, and a failed attempt is a result, not a finding); correct use in examples/locks/mmap_lock_write_then_downgrade.mms",
	"anon_vma_trylock_read":        "a trylock: no misuse shows at the call (lockdep skips trylocks in check_deadlock, it never sleeps, and a failed attempt is a result, not a finding); correct use in examples/rmap-and-reclaim/rmap_trylocks_under_pte_lock.mms",
	"anon_vma_trylock_write":       "a trylock: no misuse shows at the call (lockdep skips trylocks in check_deadlock, it never sleeps, and a failed attempt is a result, not a finding); correct use in examples/rmap-and-reclaim/rmap_trylocks_under_pte_lock.mms",
	"i_mmap_trylock_write":         "a trylock: no misuse shows at the call (lockdep skips trylocks in check_deadlock, it never sleeps, and a failed attempt is a result, not a finding); correct use in examples/rmap-and-reclaim/rmap_trylocks_under_pte_lock.mms",
	"mutex_trylock":                "a trylock: no misuse shows at the call (lockdep skips trylocks in check_deadlock, it never sleeps, and a failed attempt is a result, not a finding); correct use in examples/locks/driver_mutex_and_spinlock.mms",
	"rcu_read_lock":                "nothing is wrong at the call itself (sections nest); its misuses show at the next call (a sleep, synchronize_rcu, a read after rcu_read_unlock): rcu-and-lockless-walks/collapse_misuse.mms",
	"check_vma_flags":              "a step of the GUP kernel path (runtime/kernel/gup.mms); used inside mm only, not by drivers or modules, so the path's examples prove it rather than a pair of its own",
	"follow_page_mask":             "a step of the GUP kernel path (runtime/kernel/gup.mms) with no caller rule of its own: it takes only the PTE lock (which nests under any other spinlock) and asserts nothing; the mmap lock it needs is GUP's, checked at __get_user_pages_locked() (mmap_assert_locked/not-held: examples/gup/)",
	"lockdep_is_held":              "a lockdep predicate (lock_is_held_type()): it answers whether this task holds a lock, so nothing can be wrong at the call; used by the GUP kernel path (runtime/kernel/gup.mms)",
	"do_user_addr_fault":           "the x86 fault path under touch and the user copies (runtime/kernel/x86_fault.mms); their pairs prove it: examples/user-access, examples/fault-handlers",
	"cpu_access":                   "a step of the x86 fault path (runtime/kernel/x86_fault.mms): the CPU's access under touch and the user copies, whose pairs prove it",
	"gup_check_unlocked":           "the entry check of get_user_pages_unlocked and get_user_pages_fast (runtime/kernel/gup.mms, gup_fast.mms), whose pair is examples/gup/gup_without_mmap_lock.mms",
	"raw_copy_to_user":             "the arch step under copy_to_user() (runtime/kernel/uaccess.mms), which is what callers use; copy_to_user's pair is in examples/user-access",
	"raw_copy_from_user":           "the arch step under copy_from_user() (runtime/kernel/uaccess.mms), which is what callers use; copy_from_user's pair is in examples/user-access",
	"page_array_len":               "the length the caller of GUP keeps: nothing can be wrong at the call; used by for page in pages (examples/gup/unpin_user_page_each_once.mms)",
	"page_array_set":               "C's pages[i] = page in the GUP kernel paths (runtime/kernel/gup.mms, gup_fast.mms): nothing can be wrong at the call; the paths' examples run it",
	"mmget_not_zero":               "no misuse shows at the call (an atomic increment that fails on an exiting mm); its part in CVE-2019-11599 is examples/bugs/coredump_mmget-buggy.mms",
	"mmget_still_valid":            "its misuse is its absence, reported at the VMA change it should have guarded: examples/bugs/coredump_mmget-buggy.mms",
	"zap_threads":                  "a step of the v5.0 core-dump kernel path (runtime/kernel/coredump.mms); used inside mm only, not by drivers or modules, so the path's examples prove it rather than a pair of its own",
	"elf_core_dump":                "a step of the v5.0 core-dump kernel path (runtime/kernel/coredump.mms); used inside mm only, not by drivers or modules, so the path's examples prove it rather than a pair of its own",
	"coredump_finish":              "a step of the v5.0 core-dump kernel path (runtime/kernel/coredump.mms); used inside mm only, not by drivers or modules, so the path's examples prove it rather than a pair of its own",
	"get_extent":                   "a step of the mremap kernel path (runtime/kernel/mremap.mms); its misuse shows as the path's: examples/bugs/mremap-tlb-flush-*.mms, examples/mremap-and-page-table-moves/",
	"get_old_pmd":                  "a step of the mremap kernel path (runtime/kernel/mremap.mms); its misuse shows as the path's: examples/bugs/mremap-tlb-flush-*.mms, examples/mremap-and-page-table-moves/",
	"pagetable_move":               "a step of the mremap kernel path (runtime/kernel/mremap.mms); its misuse shows as the path's: examples/bugs/mremap-tlb-flush-*.mms, examples/mremap-and-page-table-moves/",
	"pmc_next":                     "a step of the mremap kernel path (runtime/kernel/mremap.mms); its misuse shows as the path's: examples/bugs/mremap-tlb-flush-*.mms, examples/mremap-and-page-table-moves/",
	"pmc_nr_extents":               "a step of the mremap kernel path (runtime/kernel/mremap.mms); its misuse shows as the path's: examples/bugs/mremap-tlb-flush-*.mms, examples/mremap-and-page-table-moves/",
	"pmc_progress":                 "a step of the mremap kernel path (runtime/kernel/mremap.mms); its misuse shows as the path's: examples/bugs/mremap-tlb-flush-*.mms, examples/mremap-and-page-table-moves/",
	"pmd_move_table":               "a step of the mremap kernel path (runtime/kernel/mremap.mms); its misuse shows as the path's: examples/bugs/mremap-tlb-flush-*.mms, examples/mremap-and-page-table-moves/",
	"prep_move_vma":                "a step of the mremap kernel path with no lock rule of its own (checks map_count and the accounting under the caller's mmap write lock, which vrm_prepare() checked); correct use in examples/mremap-and-page-table-moves/mremap_by_hand.mms",
	"vrm_pmc":                      "fills the pagetable_move_control from the vma_remap_struct: nothing can be wrong at the call; correct use in examples/mremap-and-page-table-moves/mremap_by_hand.mms",
	"pmd_lockptr":                  "a step of the mremap kernel path (runtime/kernel/mremap.mms); its misuse shows as the path's: examples/bugs/mremap-tlb-flush-*.mms, examples/mremap-and-page-table-moves/",
	"pmd_trans_huge":               "a step of the mremap kernel path (runtime/kernel/mremap.mms); its misuse shows as the path's: examples/bugs/mremap-tlb-flush-*.mms, examples/mremap-and-page-table-moves/",
	"dup_mm_alloc":                 "a step of the fork kernel path (runtime/kernel/fork.mms); its misuse shows as the path's: examples/bugs/fork-vma-lock-*.mms, examples/fork/",
	"vm_ops_open":                  "a step of the fork kernel path (runtime/kernel/fork.mms); its misuse shows as the path's: examples/bugs/fork-vma-lock-*.mms, examples/fork/",
	"vma_iter_bulk_store":          "a step of the fork kernel path (runtime/kernel/fork.mms); its misuse shows as the path's: examples/bugs/fork-vma-lock-*.mms, examples/fork/",
	"vma_iter_nth":                 "a step of the fork kernel path (runtime/kernel/fork.mms); its misuse shows as the path's: examples/bugs/fork-vma-lock-*.mms, examples/fork/",
	"vma_needs_copy":               "a step of the fork kernel path (runtime/kernel/fork.mms); its misuse shows as the path's: examples/bugs/fork-vma-lock-*.mms, examples/fork/",
	"flush_tlb_mm":                 "a step of the fork kernel path (runtime/kernel/fork.mms); its misuse shows as the path's: examples/bugs/fork-vma-lock-*.mms, examples/fork/",
	"folio_try_dup_anon_rmap_ptes": "a step of the fork kernel path (runtime/kernel/fork.mms): fork's pinned check; its misuse is a GUP-fast walker's, shown as the path's: runtime/testdata/bug_gup_fast_fork_cow*.mms",
	"raw_write_seqcount_begin":     "a step of the fork kernel path (copy_page_range, runtime/kernel/fork.mms); what it guards against shows at the GUP-fast reader: runtime/testdata/bug_gup_fast_fork_cow*.mms",
	"raw_write_seqcount_end":       "a step of the fork kernel path (copy_page_range, runtime/kernel/fork.mms); what it guards against shows at the GUP-fast reader: runtime/testdata/bug_gup_fast_fork_cow*.mms",
	"raw_read_seqcount":            "a step of GUP-fast for FOLL_PIN (runtime/kernel/gup_fast.mms), used inside mm only; its correct and incorrect use: runtime/testdata/bug_gup_fast_fork_cow_fixed.mms, bug_gup_fast_fork_cow_no_retry.mms",
	"read_seqcount_retry":          "a step of GUP-fast for FOLL_PIN (runtime/kernel/gup_fast.mms), used inside mm only; its absence is the bug: runtime/testdata/bug_gup_fast_fork_cow_no_retry.mms, bug_gup_fast_fork_cow.mms",
	"ksys_mmap_pgoff":              "a step of the mmap kernel path (runtime/kernel/mmap.mms): decodes the call's arguments, no lock rule of its own",
	"do_mmap_checks":               "a step of the mmap kernel path (runtime/kernel/mmap.mms): argument checks, no lock rule of its own",
	"__get_unmapped_area":          "a step of the mmap kernel path (runtime/kernel/mmap.mms): searches the VMA tree the caller's mmap write lock keeps and cannot sleep; mmscript does not check the lock here (the maple tree's lockdep check against mm->mmap_lock, mt_set_external_lock(), is not modelled); correct use in examples/mmap-and-munmap/mmap_by_hand.mms",
	"do_mmap_vm_flags":             "a step of the mmap kernel path (runtime/kernel/mmap.mms): flag arithmetic, no lock rule of its own",
	"mmap_setup_vms":               "a step of the mmap kernel path (runtime/kernel/mmap.mms): sets map->prev, map->next and VM_ACCOUNT from the tree the caller's mmap write lock keeps, cannot sleep, no lock rule of its own; correct use in examples/mmap-and-munmap/mmap_by_hand.mms",
	"vma_merge_new_range":          "a step of the mmap kernel path (runtime/kernel/mmap.mms); examples/mmap-and-munmap/mmap_munmap_syscalls.mms runs it",
	"mmap_file":                    "a step of the mmap kernel path (runtime/kernel/mmap.mms): calls f_op->mmap, whose pair is the handler's (examples/insert_page_from_mmap.mms, examples/remap_pfn_range_in_mmap.mms)",
	"unmap_region":                 "a step of the mmap kernel path (runtime/kernel/mmap.mms) after a failed f_op->mmap (checks might_sleep()); no example of its own yet: reaching it needs an f_op->mmap that fails after installing pages",
	"vma_iter_store_new":           "its kernel check (vma_mark_attached() -> vma_assert_write_locked(): VM_WARN_ON_ONCE_VMA on debug kernels, for a VMA stored without vma_start_write()) is not modelled: a VMA being set up passes mmscript's VMA-lock checks; correct use in examples/mmap-and-munmap/mmap_by_hand.mms",
	"set_vma_user_defined_fields":  "a step of the mmap kernel path (runtime/kernel/mmap.mms) after f_op->mmap_prepare: copies the vm_area_desc's vm_ops into the VMA, cannot sleep, no lock rule of its own",
	"vm_stat_account":              "a step of the mmap kernel path (runtime/kernel/mmap.mms): counters, no lock rule of its own",
	"vma_close":                    "a step of the mmap kernel path (MAP_FIXED's vms_clean_up_area, runtime/kernel/mmap.mms): calls vm_ops->close, whose checks are the handler's; no example of its own yet",
	"call_mmap_prepare":            "a step of the mmap kernel path (runtime/kernel/mmap.mms): calls f_op->mmap_prepare, whose pair is the handler's (examples/fault-handlers/mmap_prepare_*.mms)",
	"local_irq_save":               "nothing can be wrong at the call (it nests); its misuses are what runs before the restore and the restore itself: examples/rcu-and-lockless-walks/irq_save_then_sleep.mms, irq_restore_twice.mms",
	"mmu_notifier_range_init":      "fills a struct; nothing can be wrong at the call (its misuses are _start's and _end's: examples/mremap-and-page-table-moves/mmu_notifier_range_misuse.mms)",
}

// TestEveryRunningAPIHasExamplePair: every API that runs has at least one
// correct and one incorrect example script (as the locking document's
// index of examples finds them, runtime.IndexExamples) whose expectations
// hold on a run, or is listed in lackingPair.
func TestEveryRunningAPIHasExamplePair(t *testing.T) {
	idx, err := rt.IndexExamples("../examples")
	if err != nil {
		t.Fatal(err)
	}
	passes := map[string]bool{}
	for _, refs := range idx {
		for _, r := range refs {
			if _, seen := passes[r.File]; seen {
				continue
			}
			// r.File is relative to the examples directory's parent.
			run := runScript(t, filepath.Join("..", filepath.FromSlash(r.File)))
			passes[r.File] = len(run.mismatches) == 0
			if !passes[r.File] {
				t.Errorf("%s: its expectations do not hold", r.File)
			}
		}
	}
	for _, d := range rt.LockingDocs(idx) {
		if d.Simulated == "no" {
			if _, listed := lackingPair[d.Name]; listed {
				t.Errorf("%s is listed in lackingPair but does not run: drop it", d.Name)
			}
			continue
		}
		correct := slices.ContainsFunc(d.Correct, func(r rt.ExampleRef) bool { return passes[r.File] })
		incorrect := slices.ContainsFunc(d.Incorrect, func(r rt.ExampleRef) bool { return passes[r.File] })
		_, listed := lackingPair[d.Name]
		switch {
		case correct && incorrect && listed:
			t.Errorf("%s has a passing correct/incorrect pair now: drop it from lackingPair", d.Name)
		case !(correct && incorrect) && !listed:
			t.Errorf("%s runs but has no passing pair of examples (correct: %v, incorrect: %v): add examples/<question>/*.mms", d.Name, correct, incorrect)
		}
	}
	for name := range lackingPair {
		if rt.LookupAPI(name) == nil {
			t.Errorf("lackingPair names %s, which has no rule-book entry", name)
		}
	}
	t.Logf("%d APIs that run still lack a pair (lackingPair)", len(lackingPair))
}
