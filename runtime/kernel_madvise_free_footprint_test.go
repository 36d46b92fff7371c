package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestMadviseHugePMDSplitFootprint: MADV_FREE's and MADV_COLD's huge-PMD
// steps split a THP covered only in part, and the folio split reaches
// past the range (every entry of the folio, the zero page, TLB flushes):
// their footprint is the world then, and only then. Without it the
// explorer took such a step as independent of a read of another entry of
// the folio or of a CPU's TLB (the review of 2026-12-04).
func TestMadviseHugePMDSplitFootprint(t *testing.T) {
	const addr = 0x200000
	for _, op := range []string{"madvise_free_huge_pmd", "madvise_cold_huge_pmd_locked"} {
		for _, tc := range []struct {
			name      string
			next      uint64
			wantWorld bool
		}{
			{"the whole PMD", addr + mmcore.PMD_SIZE, false},
			{"one page of it", addr + mmcore.PageSize, true},
		} {
			t.Run(op+"/"+tc.name, func(t *testing.T) {
				k, m := newMM(t)
				v := mapVMA(t, k, m, addr, mmcore.HPAGE_PMD_NR, mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS, nil, "hugepage")
				if _, _, err := m.Core.HugePMDFault(v, addr, true); err != nil || !m.Core.Walk(addr).Huge() {
					t.Fatalf("no THP at %#x: %v", addr, err)
				}
				tk := k.NewTask("madvise")
				do(t, k, tk, "mmap_read_lock", mmV(m))
				g := do(t, k, tk, "tlb_gather_mmu", mmV(m))
				args := []Value{g, vmaV(v), addrV(addr), addrV(tc.next)}
				if op == "madvise_cold_huge_pmd_locked" {
					do(t, k, tk, "pmd_lock", mmV(m), addrV(addr))
					args = append(args, Bool(false))
				}
				rec := NewFootprint()
				k.SetFootprint(rec)
				defer k.SetFootprint(nil)
				rec.ResetOwn(tk.ID)
				do(t, k, tk, op, args...)
				if got := len(ofKind(rec.Acc, AWorld)) > 0; got != tc.wantWorld {
					t.Errorf("%s over [%#x, %#x): world in the footprint %v, want %v", op, addr, tc.next, got, tc.wantWorld)
				}
			})
		}
	}
}
