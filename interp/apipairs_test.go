package interp_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/mmscript/mmscript/interp"
	rt "github.com/mmscript/mmscript/runtime"
)

// lackingPair lists the APIs that run (an op, or a handler the runtime
// calls) but have no passing correct/incorrect pair of examples yet. It may
// only shrink: TestEveryRunningAPIHasExamplePair fails for an API that runs
// without a pair and is not listed, and for a listed API that has one (drop
// it from the list). Adding a name here needs a reason next to it.
var lackingPair = map[string]string{
	"free_pgtables":             "a step of the munmap kernel path (runtime/kernel/munmap.mms); no example of its own yet",
	"remove_vma":                "a step of the munmap kernel path (runtime/kernel/munmap.mms); no example of its own yet",
	"vma_iter_clear_gfp":        "a step of the munmap kernel path (runtime/kernel/munmap.mms); no example of its own yet",
	"vms_detached_vma":          "a step of the munmap kernel path (runtime/kernel/munmap.mms); no example of its own yet",
	"vms_gather_munmap_vmas":    "a step of the munmap kernel path (runtime/kernel/munmap.mms); no example of its own yet",
	"unmap_vmas":                "a step of the munmap kernel path (runtime/kernel/munmap.mms); no example of its own yet",
	"tlb_finish_mmu":            "a step of the munmap kernel path (runtime/kernel/munmap.mms); no example of its own yet",
	"tlb_gather_mmu":            "a step of the munmap kernel path (runtime/kernel/munmap.mms); no example of its own yet",
	"anon_vma_lock_read":        "no example",
	"anon_vma_lock_write":       "no example",
	"anon_vma_prepare":          "no example",
	"anon_vma_unlock_read":      "no example",
	"anon_vma_unlock_write":     "no example",
	"call_rcu":                  "no example",
	"f_op->mmap":                "no incorrect example",
	"flush_tlb_range":           "no incorrect example",
	"folio_lock":                "no example",
	"folio_trylock":             "no example",
	"folio_unlock":              "no example",
	"get_page":                  "no example",
	"get_user_pages":            "no example",
	"get_user_pages_fast":       "no correct example",
	"get_user_pages_unlocked":   "no correct example",
	"handle_mm_fault":           "no example",
	"i_mmap_lock_read":          "no example",
	"i_mmap_lock_write":         "no example",
	"i_mmap_unlock_read":        "no example",
	"i_mmap_unlock_write":       "no example",
	"kfree_rcu":                 "no example",
	"local_irq_disable":         "no example",
	"local_irq_enable":          "no example",
	"lock_vma_under_rcu":        "no incorrect example",
	"might_sleep":               "no example",
	"mmap":                      "no incorrect example",
	"mmap_read_lock_killable":   "no example",
	"mmap_read_trylock":         "no example",
	"mmap_read_unlock":          "no incorrect example",
	"mmap_write_downgrade":      "no example",
	"mmap_write_lock_killable":  "no example",
	"mmap_write_trylock":        "no example",
	"mmap_write_unlock":         "no incorrect example",
	"msleep":                    "no incorrect example",
	"munmap":                    "no incorrect example",
	"mutex_lock":                "no correct example",
	"mutex_trylock":             "no example",
	"mutex_unlock":              "no example",
	"page_to_pfn":               "no example",
	"pmd_lock":                  "no example",
	"pmdp_collapse_flush":       "no example",
	"pte_free_defer":            "no example",
	"pte_offset_map":            "no example",
	"pte_offset_map_lock":       "no incorrect example",
	"pte_unmap":                 "no example",
	"pte_unmap_unlock":          "no incorrect example",
	"ptep_get":                  "no example",
	"ptep_get_and_clear":        "no incorrect example",
	"ptep_get_lockless":         "no example",
	"put_page":                  "no incorrect example",
	"rcu_read_lock":             "no example",
	"rcu_read_unlock":           "no example",
	"release_fault_lock":        "no incorrect example",
	"spin_lock":                 "no example",
	"spin_unlock":               "no example",
	"synchronize_rcu":           "no example",
	"tlb_remove_table":          "no example",
	"tlb_remove_table_sync_one": "no example",
	"unmap_mapping_range":       "no example",
	"vm_flags_clear":            "no example",
	"vm_insert_pages":           "no example",
	"vm_ops->close":             "no incorrect example",
	"vm_ops->open":              "no incorrect example",
	"vm_ops->page_mkwrite":      "no incorrect example",
	"vma_end_read":              "no incorrect example",
	"vma_start_read_locked":     "no example",
	"vma_start_write":           "no incorrect example",
	"vmf_insert_mixed":          "no example",
	"vmf_insert_page_mkwrite":   "no incorrect example",
	"vmf_insert_pfn":            "no example",
	"walk_page_range":           "no example",
	"zap_vma_ptes":              "no example",
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
			passes[r.File] = len(interp.CheckExpectations(run.prog, run.res)) == 0
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
