package runtime

import (
	"fmt"
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

// TestBatchedFlushAtEachSite: reclaim's batched unmap clears the entry
// (try_to_unmap_one() with TTU_BATCH_FLUSH) while the user's CPU caches
// it; then each path that changes entries under the PTE lock runs its
// step there, with or without flush_tlb_batched_pending() first: the
// zap's loop (zap_pte_range()'s zap_present_ptes, mm/memory.c), mremap's
// move (move_ptes()'s get_and_clear_full_ptes, mm/mremap.c), mprotect's
// (change_pte_range()'s modify_prot_commit_ptes), MADV_FREE's
// (madvise_free_pte_range()'s clear_young_dirty_ptes, mm/madvise.c) and
// MADV_COLD's (madvise_cold_or_pageout_pte_range()'s, CYDP_CLEAR_YOUNG).
// Without the flush the step is tlb/batched-flush-pending and the stale
// translation survives; with it nothing is reported and the translation
// is gone.
func TestBatchedFlushAtEachSite(t *testing.T) {
	const addr = 0x100000
	sites := []struct {
		name string
		step func(k *Kernel, m *MM, v *mmcore.VMA, task *Task, pte Value)
	}{
		{"zap_present_ptes", func(k *Kernel, m *MM, v *mmcore.VMA, task *Task, pte Value) {
			g := do(t, k, task, "tlb_gather_mmu", mmV(m))
			do(t, k, task, "zap_present_ptes", g, vmaV(v), pte, addrV(addr+mmcore.PageSize))
		}},
		{"get_and_clear_full_ptes", func(k *Kernel, m *MM, v *mmcore.VMA, task *Task, pte Value) {
			do(t, k, task, "get_and_clear_full_ptes", pte, Int(1))
		}},
		{"modify_prot_commit_ptes", func(k *Kernel, m *MM, v *mmcore.VMA, task *Task, pte Value) {
			do(t, k, task, "modify_prot_commit_ptes", Nil, vmaV(v), pte, addrV(addr+mmcore.PageSize))
		}},
		{"clear_young_dirty_ptes", func(k *Kernel, m *MM, v *mmcore.VMA, task *Task, pte Value) {
			g := do(t, k, task, "tlb_gather_mmu", mmV(m))
			do(t, k, task, "clear_young_dirty_ptes", g, vmaV(v), pte, addrV(addr+mmcore.PageSize))
		}},
		{"clear_young_dirty_ptes(CYDP_CLEAR_YOUNG)", func(k *Kernel, m *MM, v *mmcore.VMA, task *Task, pte Value) {
			g := do(t, k, task, "tlb_gather_mmu", mmV(m))
			do(t, k, task, "clear_young_dirty_ptes", g, vmaV(v), pte, addrV(addr+mmcore.PageSize), Int(cydpClearYoung))
		}},
	}
	for _, site := range sites {
		for _, flush := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/flush_tlb_batched_pending=%v", site.name, flush), func(t *testing.T) {
				k, m := newMM(t)
				v := mapAnon(t, k, m, addr, 1)
				user := k.NewTask("user")
				populateCached(t, m, v, user, addr)

				batchedUnmapByReclaim(t, k, m, addr)

				p := k.NewTask("path")
				do(t, k, p, "mmap_write_lock", mmV(m))
				pte := do(t, k, p, "pte_offset_map_lock", mmV(m), addrV(addr))
				if flush {
					do(t, k, p, "flush_tlb_batched_pending", mmV(m))
				}
				site.step(k, m, v, p, pte)
				stale := m.Core.TLB.Cached(user.CPU, addr)
				do(t, k, p, "pte_unmap_unlock", pte)
				do(t, k, p, "mmap_write_unlock", mmV(m))
				if flush {
					wantRules(t, k)
					if stale {
						t.Error("flush_tlb_batched_pending left the batched unmap's stale translation")
					}
				} else {
					wantRules(t, k, ruleBatchedFlushPending.ID)
					if !stale {
						t.Error("no stale translation without flush_tlb_batched_pending: the site did not race")
					}
				}
			})
		}
	}
}

// TestZapGatherHoldsFolio: zap_present_ptes hands the mapping's reference
// to the gather (tlb_remove_page()), so a folio whose other holder (here
// reclaim's isolation reference) puts it before the gather's flush is
// freed only by tlb_flush_mmu() after the flush: until then a CPU still
// translating the zapped entry reaches a live page, as in the kernel.
func TestZapGatherHoldsFolio(t *testing.T) {
	const addr = 0x100000
	k, m := newMM(t)
	v := mapAnon(t, k, m, addr, 1)
	user := k.NewTask("user")
	populateCached(t, m, v, user, addr)
	pg := m.Core.Memory().Page(m.Core.Walk(addr).Entry.PFN())
	if err := pg.Get(); err != nil { // folio_isolate_lru()'s reference
		t.Fatal(err)
	}
	z := k.NewTask("zap")
	do(t, k, z, "mmap_read_lock", mmV(m))
	g := do(t, k, z, "tlb_gather_mmu", mmV(m))
	pte := do(t, k, z, "pte_offset_map_lock", mmV(m), addrV(addr))
	do(t, k, z, "zap_present_ptes", g, vmaV(v), pte, addrV(addr+mmcore.PageSize))
	do(t, k, z, "pte_unmap_unlock", pte)
	do(t, k, z, "put_page", Obj(TPage, pg)) // the other holder's put
	if pg.Folio().Freed() {
		t.Fatal("the folio was freed before the gather's TLB flush")
	}
	if !m.Core.TLB.Cached(user.CPU, addr) {
		t.Fatal("the user's translation is gone before the flush: the test does not race")
	}
	do(t, k, z, "tlb_flush_mmu", g) // tlb_finish_mmu()'s flush and free
	do(t, k, z, "dec_tlb_flush_pending", mmV(m))
	do(t, k, z, "mmap_read_unlock", mmV(m))
	if !pg.Folio().Freed() {
		t.Error("tlb_flush_mmu did not free the zapped folio after its flush")
	}
	if m.Core.TLB.Cached(user.CPU, addr) {
		t.Error("tlb_flush_mmu left the zapped translation")
	}
	wantRules(t, k)
}

// TestMadviseVMABehaviorFlushesBatched: the step madvise_vma_behavior
// (MADV_DONTNEED and MADV_FREE, inside the madvise mmu_gather or not;
// MADV_COLD and MADV_PAGEOUT, in a gather of their own) walks each PTE
// table under its lock as zap_pte_range(), madvise_free_pte_range() and
// madvise_cold_or_pageout_pte_range() do, and so flushes the mm's batched unmaps
// there first (flush_tlb_batched_pending(), 3ea277194daa): after reclaim
// cleared the entry with its flush batched, the user's CPU no longer
// translates the address once the step is done, and the gather's finish
// finds no stale translation it leaves behind.
func TestMadviseVMABehaviorFlushesBatched(t *testing.T) {
	const addr = 0x100000
	for _, advice := range []mmcore.Advice{mmcore.MADV_DONTNEED, mmcore.MADV_FREE, mmcore.MADV_COLD, mmcore.MADV_PAGEOUT} {
		for _, gather := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/gather=%v", advice, gather), func(t *testing.T) {
				k, m := newMM(t)
				v := mapAnon(t, k, m, addr, 1)
				user := k.NewTask("user")
				populateCached(t, m, v, user, addr)

				batchedUnmapByReclaim(t, k, m, addr)

				p := k.NewTask("madvise")
				do(t, k, p, "mmap_read_lock", mmV(m))
				g := Nil
				if gather {
					g = do(t, k, p, "tlb_gather_mmu", mmV(m))
				}
				do(t, k, p, "madvise_vma_behavior", mmV(m), g, vmaV(v), vmaV(v), addrV(addr), addrV(addr+mmcore.PageSize), Int(int64(advice)))
				if m.Core.TLB.Cached(user.CPU, addr) {
					t.Error("the user's CPU still translates the address a batched unmap cleared after the madvise walk")
				}
				if gather { // tlb_finish_mmu()
					do(t, k, p, "tlb_flush_mmu", g)
					do(t, k, p, "dec_tlb_flush_pending", mmV(m))
				}
				do(t, k, p, "mmap_read_unlock", mmV(m))
				wantRules(t, k)
			})
		}
	}
}

// TestMadviseVMABehaviorColdTakesPTL: madvise_vma_behavior called by a
// script with MADV_COLD or MADV_PAGEOUT walks the page table under the
// PTE lock, as the kernel library's madvise_cold_or_pageout_pte_range()
// does (mm/madvise.c): it waits while another thread holds the lock, and
// makes the young entry old once it has it. It took no lock before (the
// review of 2026-12-04).
func TestMadviseVMABehaviorColdTakesPTL(t *testing.T) {
	const addr = 0x100000
	for _, advice := range []mmcore.Advice{mmcore.MADV_COLD, mmcore.MADV_PAGEOUT} {
		t.Run(advice.String(), func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, addr, 1)
			populateCached(t, m, v, k.NewTask("user"), addr)
			holder := k.NewTask("holder")
			do(t, k, holder, "mmap_read_lock", mmV(m))
			pte := do(t, k, holder, "pte_offset_map_lock", mmV(m), addrV(addr))
			p := k.NewTask("madvise")
			do(t, k, p, "mmap_read_lock", mmV(m))
			oc := start(t, k, p, "madvise_vma_behavior", mmV(m), Nil, vmaV(v), vmaV(v), addrV(addr), addrV(addr+mmcore.PageSize), Int(int64(advice)))
			if !oc.blocked() {
				t.Fatalf("madvise_vma_behavior(%v) went on while another thread held the PTE lock", advice)
			}
			do(t, k, holder, "pte_unmap_unlock", pte)
			oc.resume(t)
			if got := oc.value(t); got.Int != 0 {
				t.Errorf("madvise_vma_behavior(%v) = %d", advice, got.Int)
			}
			if young := m.Core.Walk(addr).Entry&mmcore.PTEAccessed != 0; young != (advice == mmcore.MADV_PAGEOUT) {
				t.Errorf("%v: the entry young %v after the walk", advice, young)
			}
			wantRules(t, k)
		})
	}
}

// batchedUnmapByReclaim: a reclaim task clears the entry at addr under its
// PTE lock and defers the TLB flush (try_to_unmap_one() with
// TTU_BATCH_FLUSH: set_tlb_ubc_flush_pending()), leaving another CPU's
// cached translation for flush_tlb_batched_pending() to flush.
func batchedUnmapByReclaim(t *testing.T, k *Kernel, m *MM, addr uint64) {
	t.Helper()
	r := k.NewTask("reclaim")
	do(t, k, r, "mmap_read_lock", mmV(m))
	pte := do(t, k, r, "pte_offset_map_lock", mmV(m), addrV(addr))
	pteval := Int(int64(m.Core.Walk(mmcore.Addr(addr)).Entry))
	do(t, k, r, "ptep_get_and_clear", pte)
	do(t, k, r, "set_tlb_ubc_flush_pending", mmV(m), pteval, addrV(addr))
	do(t, k, r, "pte_unmap_unlock", pte)
	do(t, k, r, "mmap_read_unlock", mmV(m))
}
