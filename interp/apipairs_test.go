package interp_test

import (
	"path/filepath"
	"slices"
	"testing"

	rt "github.com/mmscript/mmscript/runtime"
)

// lackingPair lists the APIs that run (an op, or a handler the runtime
// calls) but have no passing correct/incorrect pair of examples yet, and
// the knobs no call of which is wrong (fault injection), which have a
// correct example only. The APIs awaiting a pair may only shrink (none is
// listed now): TestEveryRunningAPIHasExamplePair fails for an API that runs
// without a pair and is not listed, and for a listed API that has one (drop
// it from the list). Adding a name here needs a reason next to it; a
// knob's reason says why no call of it can be wrong. Steps
// of the kernel paths (runtime/rulebook_steps.go) are not APIs: the path's
// entry and examples prove them, and they need no pair of their own.
// Queries (API.Query: folio_test_locked, lockdep_is_held, pages[i]) have no
// incorrect call: a correct example that relies on the answer proves them.
var lackingPair = map[string]string{
	// Stores into the caller's own struct follow_pfnmap_args (args.vma,
	// args.address): no store of it is wrong; what the kernel checks is
	// follow_pfnmap_start(&args)'s, whose pair is
	// examples/drivers/vfio_follow_pfnmap{,_sleeps}.mms.
	"follow_pfnmap_args_store_vma":     "a store into the caller's struct: nothing to get wrong",
	"follow_pfnmap_args_store_address": "a store into the caller's struct: nothing to get wrong",
	// The VMA iterator's set-up: they point the caller's struct
	// vma_iterator at a position and take no lock; the steps that walk
	// the tree (vma_find, vma_next) check it, with their own pairs.
	"vma_iter_init": "sets the caller's iterator (VMA_ITERATOR): nothing to get wrong",
	"vma_iter_set":  "sets the caller's iterator's position: nothing to get wrong",
	// Fault injection (CONFIG_FAIL_PAGE_ALLOC), a test knob rather than
	// an mm API: no call of it is wrong. Its correct example is
	// examples/zapping/munmap_force_break_flushes_first.mms; the mistake
	// it exposes (frees before the flush at a force_break) is
	// munmap_force_break_frees_before_flush.mms's, at the user's access.
	"fail_page_alloc": "fault injection, not an mm API: no call of it is wrong",
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
		if d.StepOf != "" {
			// A step of a kernel path (runtime/rulebook_steps.go): the
			// path's entry and examples prove it, not a pair of its own.
			if _, listed := lackingPair[d.Name]; listed {
				t.Errorf("%s is a step of %s, not an API: drop it from lackingPair", d.Name, d.StepOf)
			}
			continue
		}
		if d.Simulated == "no" {
			if _, listed := lackingPair[d.Name]; listed {
				t.Errorf("%s is listed in lackingPair but does not run: drop it", d.Name)
			}
			continue
		}
		correct := slices.ContainsFunc(d.Correct, func(r rt.ExampleRef) bool { return passes[r.File] })
		incorrect := slices.ContainsFunc(d.Incorrect, func(r rt.ExampleRef) bool { return passes[r.File] })
		if d.Query != "" {
			if len(d.Checks) > 0 {
				t.Errorf("%s is a query and has checks %v", d.Name, d.Checks)
			}
			incorrect = true // nothing is wrong at the call
		}
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
