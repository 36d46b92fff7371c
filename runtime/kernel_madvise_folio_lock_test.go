package runtime

import (
	"fmt"
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestMadviseVMABehaviorSkipsLockedFolio: the step madvise_vma_behavior
// walks MADV_FREE, MADV_COLD and MADV_PAGEOUT in one piece (mmcore's
// madviseWalk), and where the kernel tries the folio lock it asks the
// folio locks of the script's tasks: a large folio another task holds
// locked is not split and its entries are left as they were, as
// folio_trylock() failing makes the kernel skip it (mm/madvise.c:
// madvise_free_pte_range(), madvise_cold_or_pageout_pte_range();
// mm/huge_memory.c: madvise_free_huge_pmd()). The same walk with the
// folio unlocked splits it. Before the query (mmcore.MM.SetFolioLocked)
// the walk split the locked folio under its holder.
func TestMadviseVMABehaviorSkipsLockedFolio(t *testing.T) {
	const addr = 0x200000
	for _, tc := range []struct {
		advice mmcore.Advice
		ptes   bool // the THP mapped by PTEs (the PTE loop), else by its PMD
	}{
		{mmcore.MADV_FREE, false}, {mmcore.MADV_FREE, true},
		{mmcore.MADV_COLD, true}, {mmcore.MADV_PAGEOUT, true},
		{mmcore.MADV_PAGEOUT, false},
	} {
		for _, locked := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v/ptes=%v/locked=%v", tc.advice, tc.ptes, locked), func(t *testing.T) {
				k, m, v := thpMM(t, addr)
				if tc.ptes {
					m.Core.SplitHugePMD(addr) // PTE-mapped, still one large folio
					v = m.Core.FindVMA(addr)
				}
				head := m.Core.Memory().Page(m.Core.Walk(addr).Entry.PFN()).Folio()
				holder := k.NewTask("holder")
				if locked {
					do(t, k, holder, "folio_lock", pageV(head))
				}
				tk := k.NewTask("madvise")
				do(t, k, tk, "mmap_read_lock", mmV(m))
				// two pages of the folio's 512: the range maps it in part
				got := do(t, k, tk, "madvise_vma_behavior", mmV(m), Nil, vmaV(v), vmaV(v), addrV(addr), addrV(addr+2*mmcore.PageSize), Int(int64(tc.advice)))
				do(t, k, tk, "mmap_read_unlock", mmV(m))
				if got.Int != 0 {
					t.Fatalf("madvise_vma_behavior = %d", got.Int)
				}
				split := head.Order() == 0
				if split == locked {
					t.Errorf("folio split %v (order %d), want %v: the kernel splits only a folio it could trylock", split, head.Order(), !locked)
				}
				if locked {
					w := m.Core.Walk(addr)
					if tc.ptes == w.Huge() {
						t.Errorf("the mapping changed shape: huge PMD %v", w.Huge())
					}
					if w.Entry&(mmcore.PTEAccessed|mmcore.PTEDirty) != mmcore.PTEAccessed|mmcore.PTEDirty {
						t.Errorf("the locked folio's entry at %#x changed (%v): the kernel skips the folio", uint64(addr), w.Entry)
					}
					do(t, k, holder, "folio_unlock", pageV(head))
				}
				wantRules(t, k)
			})
		}
	}
}
