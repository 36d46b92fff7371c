package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestBatchedFlushSteps runs reclaim's batched unmap step by step
// (kernel/rmap.mms try_to_unmap_one() with TTU_BATCH_FLUSH: the entry's
// value, ptep_get_and_clear, set_tlb_ubc_flush_pending under the PTE
// lock) while CPU of user caches the page, then another thread's change
// of the table under its lock (change_pte_range()'s
// modify_prot_commit_ptes), with or without the flushes that meet the
// batch's obligation.
func TestBatchedFlushSteps(t *testing.T) {
	const addr = 0x100000
	for _, tc := range []struct {
		name        string
		batch       bool // set_tlb_ubc_flush_pending after the clear
		reclaimDone bool // try_to_unmap_flush before the change
		flushUnder  bool // flush_tlb_batched_pending under the change's PTE lock
		want        []string
	}{
		{"clear without a batch: flush owed before the PTL drops", false, false, true,
			[]string{ruleTLBFlushBeforePTLDrop.ID}},
		{"batched clear, change without flush_tlb_batched_pending", true, false, false,
			[]string{ruleBatchedFlushPending.ID}},
		{"batched clear, flush_tlb_batched_pending under the PTL", true, false, true, nil},
		{"batched clear, try_to_unmap_flush before the change", true, true, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, addr, 1)
			user := k.NewTask("user")
			populateCached(t, m, v, user, addr)

			r := k.NewTask("reclaim")
			do(t, k, r, "mmap_read_lock", mmV(m))
			if !do(t, k, r, "arch_tlbbatch_should_defer", mmV(m)).Truth() {
				t.Fatal("should_defer_flush: another CPU holds the mm, yet no defer")
			}
			pte := do(t, k, r, "pte_offset_map_lock", mmV(m), addrV(addr))
			pteval := Int(int64(m.Core.Walk(addr).Entry))
			do(t, k, r, "ptep_get_and_clear", pte)
			if tc.batch {
				do(t, k, r, "set_tlb_ubc_flush_pending", mmV(m), pteval, addrV(addr))
			}
			do(t, k, r, "pte_unmap_unlock", pte)
			do(t, k, r, "mmap_read_unlock", mmV(m))
			if tc.batch {
				if p, f := m.Core.TLBFlushBatched(); p != 1 || f != 0 || !r.tlbUBC.FlushRequired {
					t.Fatalf("after set_tlb_ubc_flush_pending: tlb_flush_batched %d/%d, flush_required %v", p, f, r.tlbUBC.FlushRequired)
				}
			}
			if tc.reclaimDone {
				do(t, k, r, "try_to_unmap_flush")
			}

			p := k.NewTask("prot")
			do(t, k, p, "mmap_write_lock", mmV(m))
			pte = do(t, k, p, "pte_offset_map_lock", mmV(m), addrV(addr))
			if tc.flushUnder {
				do(t, k, p, "flush_tlb_batched_pending", mmV(m))
			}
			do(t, k, p, "modify_prot_commit_ptes", Nil, vmaV(v), pte, addrV(addr+mmcore.PageSize))
			do(t, k, p, "pte_unmap_unlock", pte)
			do(t, k, p, "mmap_write_unlock", mmV(m))
			wantRules(t, k, tc.want...)
			if tc.batch && (tc.flushUnder || tc.reclaimDone) && m.Core.TLB.Cached(user.CPU, addr) {
				t.Error("the batched unmap's stale translation survived the flush")
			}
		})
	}
}

// TestFlushTLBBatchedPendingNeedsPTL: called without a PTE lock of the
// mm, flush_tlb_batched_pending() is flush_tlb_batched_pending/needs-ptl;
// with one, nothing.
func TestFlushTLBBatchedPendingNeedsPTL(t *testing.T) {
	const addr = 0x100000
	for _, locked := range []bool{false, true} {
		k, m := newMM(t)
		mapAnon(t, k, m, addr, 1)
		a := k.NewTask("a")
		do(t, k, a, "mmap_read_lock", mmV(m))
		if err := m.Core.Populate(m.Core.VMALookup(addr), addr, addr+mmcore.PageSize); err != nil {
			t.Fatal(err)
		}
		var pte Value
		if locked {
			pte = do(t, k, a, "pte_offset_map_lock", mmV(m), addrV(addr))
		}
		do(t, k, a, "flush_tlb_batched_pending", mmV(m))
		if locked {
			do(t, k, a, "pte_unmap_unlock", pte)
		}
		do(t, k, a, "mmap_read_unlock", mmV(m))
		if locked {
			wantRules(t, k)
		} else {
			wantRules(t, k, ruleBatchedNeedsPTL.ID)
		}
	}
}

// TestTryToUnmapFlushDirty: try_to_unmap_flush_dirty() flushes only when
// the batch cleared a dirty entry (tlb_ubc->writable).
func TestTryToUnmapFlushDirty(t *testing.T) {
	const addr = 0x100000
	for _, dirty := range []bool{false, true} {
		k, m := newMM(t)
		v := mapAnon(t, k, m, addr, 1)
		user := k.NewTask("user")
		populateCached(t, m, v, user, addr)
		r := k.NewTask("reclaim")
		do(t, k, r, "mmap_read_lock", mmV(m))
		pte := do(t, k, r, "pte_offset_map_lock", mmV(m), addrV(addr))
		e := m.Core.Walk(addr).Entry
		if !dirty {
			e = e.Without(mmcore.PTEDirty)
		}
		do(t, k, r, "ptep_get_and_clear", pte)
		do(t, k, r, "set_tlb_ubc_flush_pending", mmV(m), Int(int64(e)), addrV(addr))
		do(t, k, r, "pte_unmap_unlock", pte)
		do(t, k, r, "mmap_read_unlock", mmV(m))
		do(t, k, r, "try_to_unmap_flush_dirty")
		if got := !m.Core.TLB.Cached(user.CPU, addr); got != dirty {
			t.Errorf("dirty %v: try_to_unmap_flush_dirty flushed %v", dirty, got)
		}
		if r.tlbUBC.FlushRequired == dirty {
			t.Errorf("dirty %v: flush_required %v after try_to_unmap_flush_dirty", dirty, r.tlbUBC.FlushRequired)
		}
	}
}
