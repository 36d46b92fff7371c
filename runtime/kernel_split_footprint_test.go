package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// split_huge_pmd() and split_huge_pmd_locked() turn a PMD-mapped THP into
// 512 PTEs: every page of the folio changes (each subpage gains a PTE
// mapping, the folio loses its entire mapping), so the footprint taken
// before the step must write each of them.
func TestSplitHugePMDTouchesTheFolioPages(t *testing.T) {
	for _, op := range []string{"split_huge_pmd", "split_huge_pmd_locked"} {
		t.Run(op, func(t *testing.T) {
			k, m := newMM(t)
			v := mapVMA(t, k, m, 0x200000, mmcore.HPAGE_PMD_NR, mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS, nil, "hugepage")
			tk := k.NewTask("a")
			do(t, k, tk, "mmap_read_lock", mmV(m))
			if _, err := m.Core.HandleFault(v, 0x200000, true); err != nil {
				t.Fatal(err)
			}
			if !m.Core.Walk(0x200000).Huge() {
				t.Fatal("no THP: the case tests nothing")
			}
			if op == "split_huge_pmd_locked" {
				do(t, k, tk, "pmd_lock", mmV(m), addrV(0x200000))
			}
			outside, err := k.Mem.AllocPage()
			if err != nil {
				t.Fatal(err)
			}
			before := pageStates(k)
			acc := stepAcc(t, k, tk, op, vmaV(v), addrV(0x200000))
			after := pageStates(k)
			if m.Core.Walk(0x200000).Huge() {
				t.Fatal("the step did not split the PMD")
			}
			if requireWritesOfChangedPages(t, k, acc, before, after) == 0 {
				t.Fatal("no page changed: the case tests nothing")
			}
			// Split, the PMD is a table: a second split is the
			// lockless pre-check alone (split_huge_pmd) or a no-op
			// under the lock, and leaves every page alone.
			acc = stepAcc(t, k, tk, op, vmaV(v), addrV(0x200000))
			page := NewFootprint()
			page.Page(outside, true)
			if Dependent(acc, page.Acc) {
				t.Errorf("a split of a PTE table depends on a change of a page: %v", acc)
			}
		})
	}
}
