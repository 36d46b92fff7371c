package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestZapPresentPTEsForceBreak runs zap_pte_range()'s loop
// (zap_present_ptes) over 10 mapped pages of one PTE table, with
// fail_page_alloc() making tlb_next_batch()'s GFP_NOWAIT allocation fail
// or not: the gather's own batch (MMU_GATHER_BUNDLE, full at 7 entries)
// then has no successor, the loop stops past the 7th page with
// force_flush and force_break (mm/memory.c: zap_present_folio_ptes(),
// zap_pte_range()), the last 3 entries still mapped; after the flush
// (tlb_flush_mmu: tlb_batch_pages_flush() makes the local batch active
// again) the next hold of the PTE lock zaps them. Without the failure the
// loop takes the 10 at once.
func TestZapPresentPTEsForceBreak(t *testing.T) {
	const addr, n = 0x400000, 10
	tests := []struct {
		name      string
		fail      int64 // fail_page_alloc(times)
		wantBreak bool
	}{
		{"GFP_NOWAIT allocation fails", 1, true},
		{"no failure", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, addr, n)
			if err := m.Core.Populate(v, addr, addr+n*mmcore.PageSize); err != nil {
				t.Fatal(err)
			}
			zapper := k.NewTask("zapper")
			do(t, k, zapper, "fail_page_alloc", Int(tc.fail))
			do(t, k, zapper, "mmap_read_lock", mmV(m))
			gv := do(t, k, zapper, "tlb_gather_mmu", mmV(m))
			g := gv.Obj.(*MMUGather)
			end := addrV(addr + n*mmcore.PageSize)
			pte := do(t, k, zapper, "pte_offset_map_lock", mmV(m), addrV(addr))
			force := do(t, k, zapper, "zap_present_ptes", gv, vmaV(v), pte, end).Truth()
			stop := mmcore.Addr(addr + n*mmcore.PageSize)
			if tc.wantBreak {
				stop = addr + 7*mmcore.PageSize
			}
			if force != tc.wantBreak || g.forceBreak != tc.wantBreak || g.addr != stop {
				t.Fatalf("force_flush %v, force_break %v, addr %#x; want %v, %v, %#x", force, g.forceBreak, uint64(g.addr), tc.wantBreak, tc.wantBreak, uint64(stop))
			}
			for a := mmcore.Addr(addr); a < addr+n*mmcore.PageSize; a += mmcore.PageSize {
				if mapped, want := m.Core.Walk(a).Present(), a >= stop; mapped != want {
					t.Fatalf("%#x mapped %v after the first hold of the PTE lock, want %v", uint64(a), mapped, want)
				}
			}
			if force {
				do(t, k, zapper, "tlb_flush_mmu_tlbonly", gv)
				do(t, k, zapper, "tlb_flush_rmaps", gv, vmaV(v))
			}
			do(t, k, zapper, "pte_unmap_unlock", pte)
			if force {
				do(t, k, zapper, "tlb_flush_mmu_free", gv)
			}
			if tc.wantBreak {
				pte = do(t, k, zapper, "pte_offset_map_lock", mmV(m), addrV(uint64(stop)))
				if do(t, k, zapper, "zap_present_ptes", gv, vmaV(v), pte, end).Truth() || g.forceBreak || g.addr != addr+n*mmcore.PageSize {
					t.Fatalf("the second hold broke again: force_break %v, addr %#x", g.forceBreak, uint64(g.addr))
				}
				do(t, k, zapper, "pte_unmap_unlock", pte)
			}
			for a := mmcore.Addr(addr); a < addr+n*mmcore.PageSize; a += mmcore.PageSize {
				if m.Core.Walk(a).Present() {
					t.Fatalf("%#x still mapped after the zap", uint64(a))
				}
			}
			do(t, k, zapper, "tlb_flush_mmu", gv)
			do(t, k, zapper, "dec_tlb_flush_pending", mmV(m))
			do(t, k, zapper, "mmap_read_unlock", mmV(m))
			wantRules(t, k)
		})
	}
}
