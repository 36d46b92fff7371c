package mmcore

import "testing"

// TestBatchedUnmapFlush drives reclaim's batched flush (tlb_batch.go): an
// entry cleared with its flush batched leaves CPU 1's translation stale,
// and marked as the batch's, until try_to_unmap_flush() or
// flush_tlb_batched_pending() flushes it; the tlb_flush_batched counts
// move as mm/rmap.c moves them.
func TestBatchedUnmapFlush(t *testing.T) {
	type step func(m *MM, b *TLBFlushUnmapBatch)
	clear0 := func(m *MM, b *TLBFlushUnmapBatch) {
		pte := m.ClearPTE(pg(0)) // ptep_get_and_clear() under the PTL
		b.SetFlushPending(m, pte, pte.Accessible(), pg(0))
	}
	tests := []struct {
		name                  string
		steps                 []step
		stale, batched        bool // CPU 1's translation of page 0 afterwards
		pending, flushed      int
		required, writable    bool
		flushedByBatchPending bool // the last FlushTLBBatchedPending flushed
	}{
		{name: "cleared, batched", steps: []step{clear0},
			stale: true, batched: true, pending: 1, required: true, writable: true},
		{name: "try_to_unmap_flush", steps: []step{clear0, func(_ *MM, b *TLBFlushUnmapBatch) { b.Flush() }},
			pending: 1},
		{name: "try_to_unmap_flush_dirty of a dirty entry", steps: []step{clear0, func(_ *MM, b *TLBFlushUnmapBatch) { b.FlushDirty() }},
			pending: 1},
		{name: "flush_tlb_batched_pending", steps: []step{clear0, func(m *MM, _ *TLBFlushUnmapBatch) { m.FlushTLBBatchedPending() }},
			pending: 1, flushed: 1, required: true, writable: true, flushedByBatchPending: true},
		{name: "flush_tlb_batched_pending after the batch's flush still flushes",
			steps: []step{clear0, func(_ *MM, b *TLBFlushUnmapBatch) { b.Flush() },
				func(m *MM, _ *TLBFlushUnmapBatch) { m.FlushTLBBatchedPending() }},
			pending: 1, flushed: 1, flushedByBatchPending: true},
		{name: "flush_tlb_batched_pending twice: the second has nothing to do",
			steps: []step{clear0, func(m *MM, _ *TLBFlushUnmapBatch) { m.FlushTLBBatchedPending() },
				func(m *MM, _ *TLBFlushUnmapBatch) { m.FlushTLBBatchedPending() }},
			pending: 1, flushed: 1, required: true, writable: true},
		{name: "a range flush of another page leaves the batched one",
			steps: []step{clear0, func(m *MM, _ *TLBFlushUnmapBatch) { m.TLB.FlushRange(pg(1), pg(2)) }},
			stale: true, batched: true, pending: 1, required: true, writable: true},
		{name: "an inaccessible entry owes nothing",
			steps: []step{func(m *MM, b *TLBFlushUnmapBatch) {
				pte := m.ClearPTE(pg(0))
				b.SetFlushPending(m, pte, false, pg(0))
			}},
			stale: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newMM(t, 4)
			v := mustMmap(t, m, pg(0), 4, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
			mustFault(t, m, v, pg(0), true)
			mustFault(t, m, v, pg(1), true)
			if _, ok := m.TLB.TranslateWrite(1, pg(0)); !ok {
				t.Fatal("CPU 1 could not write page 0")
			}
			m.TLB.Translate(1, pg(1))
			var b TLBFlushUnmapBatch
			var flushed bool
			for _, s := range tc.steps {
				s(m, &b)
			}
			if tc.flushedByBatchPending {
				// the last step was FlushTLBBatchedPending: it flushed
				// every CPU, so CPU 1 no longer holds page 1 either
				flushed = !m.TLB.Cached(1, pg(1))
			}
			if got := m.TLB.IsStale(1, pg(0)); got != tc.stale {
				t.Errorf("stale = %v, want %v", got, tc.stale)
			}
			if got := len(m.TLB.StaleBatchedIn(pg(0), pg(4))) == 1; got != tc.batched {
				t.Errorf("StaleBatchedIn has page 0: %v, want %v", got, tc.batched)
			}
			if p, f := m.TLBFlushBatched(); p != tc.pending || f != tc.flushed {
				t.Errorf("tlb_flush_batched = pending %d flushed %d, want %d %d", p, f, tc.pending, tc.flushed)
			}
			if b.FlushRequired != tc.required || b.Writable != tc.writable {
				t.Errorf("tlb_ubc flush_required %v writable %v, want %v %v", b.FlushRequired, b.Writable, tc.required, tc.writable)
			}
			if flushed != tc.flushedByBatchPending {
				t.Errorf("flush_tlb_batched_pending flushed = %v, want %v", flushed, tc.flushedByBatchPending)
			}
		})
	}
}

// TestTLBFlushBatchedOverflow: set_tlb_ubc_flush_pending() resets the
// counts to pending 1, flushed 0 when pending grows large, so that it
// never catches up with flushed by wrapping; the next
// flush_tlb_batched_pending() flushes again.
func TestTLBFlushBatchedOverflow(t *testing.T) {
	m := newMM(t, 4)
	v := mustMmap(t, m, pg(0), 1, PROT_READ|PROT_WRITE, anonPriv|MAP_FIXED, nil, 0)
	var b TLBFlushUnmapBatch
	for i := 0; i <= tlbFlushBatchPendingLarge; i++ {
		mustFault(t, m, v, pg(0), true)
		pte := m.ClearPTE(pg(0))
		b.SetFlushPending(m, pte, true, pg(0))
		if i%1000 == 0 {
			m.FlushTLBBatchedPending()
		}
	}
	if p, f := m.TLBFlushBatched(); p != tlbFlushBatchPendingLarge+1 {
		t.Fatalf("pending %d flushed %d before the reset", p, f)
	}
	mustFault(t, m, v, pg(0), true)
	b.SetFlushPending(m, m.ClearPTE(pg(0)), true, pg(0))
	if p, f := m.TLBFlushBatched(); p != 1 || f != 0 {
		t.Fatalf("after the reset: pending %d flushed %d, want 1 0", p, f)
	}
	if !m.FlushTLBBatchedPending() {
		t.Fatal("flush_tlb_batched_pending did not flush after the reset")
	}
}
