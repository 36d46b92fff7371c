package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestDirtyFileZapDelaysRmap drives zap_pte_range()'s steps on a shared
// file page against writeback's folio_mkclean() check and a CPU that
// cached the page's translation. With the rmap kept until the flush
// (5df397dec7c4), writeback finds the folio mapped, so its rmap walk
// waits for the PTE lock, which the zap drops only after
// tlb_flush_mmu_tlbonly() and tlb_flush_rmaps(): the later store faults.
// With the rmap removed at once (v6.1), writeback finds the folio
// unmapped and cleans it before the flush, and the store through the
// stale dirty entry is lost (tlb/write-after-mkclean). A clean entry sets
// no force_flush and keeps nothing.
func TestDirtyFileZapDelaysRmap(t *testing.T) {
	const addr = 0x400000
	for _, tc := range []struct {
		name       string
		write      bool // the user's first access is a store: the entry and its TLB copy are dirty
		delayRmap  bool // zap_present_ptes' delay_rmap (tlb_delay_rmap())
		wantForce  bool
		wantMapped bool // folio_mapped() right after zap_present_ptes
		want       []string
	}{
		{"dirty, rmap kept until the flush", true, true, true, true, nil},
		{"dirty, v6.1: rmap removed before the flush", true, false, true, false, []string{ruleLostWrite.ID}},
		{"clean: no force_flush", false, true, false, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			f := k.NewFile("f", 16)
			v := mapVMA(t, k, m, addr, 1, mmcore.MAP_SHARED, f, "")
			user, zapper, wb := k.NewTask("user"), k.NewTask("zapper"), k.NewTask("writeback")
			if _, err := m.Core.HandleFault(v, addr, tc.write); err != nil {
				t.Fatal(err)
			}
			load, store := Int(X86_PF_USER), Int(X86_PF_USER|X86_PF_WRITE)
			first := load
			if tc.write {
				first = store
			}
			if !do(t, k, user, "cpu_access", mmV(m), addrV(addr), first).Truth() {
				t.Fatal("no translation after the fault")
			}
			pg := k.Mem.Page(m.Core.Walk(addr).Entry.PFN())
			do(t, k, zapper, "mmap_read_lock", mmV(m)) // MADV_DONTNEED's lock
			g := do(t, k, zapper, "tlb_gather_mmu", mmV(m))
			pte := do(t, k, zapper, "pte_offset_map_lock", mmV(m), addrV(addr))
			force := do(t, k, zapper, "zap_present_ptes", g, vmaV(v), pte, addrV(addr+mmcore.PageSize), Bool(tc.delayRmap)).Truth()
			mapped := do(t, k, wb, "folio_mapped", pageV(pg)).Truth()
			if force != tc.wantForce || mapped != tc.wantMapped {
				t.Fatalf("force_flush %v, folio_mapped %v; want %v, %v", force, mapped, tc.wantForce, tc.wantMapped)
			}
			if !mapped {
				// folio_mkclean() returns 0 at once: writeback cleans
				// the folio before the zap's flush
				do(t, k, wb, "folio_test_clear_dirty", pageV(pg))
				do(t, k, user, "cpu_access", mmV(m), addrV(addr), store)
			}
			if force {
				do(t, k, zapper, "tlb_flush_mmu_tlbonly", g)
				do(t, k, zapper, "tlb_flush_rmaps", g, vmaV(v))
			}
			do(t, k, zapper, "pte_unmap_unlock", pte)
			if mapped {
				// the rmap walk gets the PTE lock only now
				if do(t, k, wb, "folio_mapped", pageV(pg)).Truth() {
					t.Fatal("the rmap outlived tlb_flush_rmaps")
				}
				if !do(t, k, wb, "folio_test_clear_dirty", pageV(pg)).Truth() {
					t.Fatal("the zap did not move the entry's dirty bit to the folio")
				}
				if do(t, k, user, "cpu_access", mmV(m), addrV(addr), store).Truth() {
					t.Fatal("a store went through after the flush")
				}
			}
			do(t, k, zapper, "tlb_flush_mmu", g)
			do(t, k, zapper, "dec_tlb_flush_pending", mmV(m))
			do(t, k, zapper, "mmap_read_unlock", mmV(m))
			wantRules(t, k, tc.want...)
			if pg.Mapcount() != 0 {
				t.Errorf("mapcount %d after the zap", pg.Mapcount())
			}
		})
	}
}
