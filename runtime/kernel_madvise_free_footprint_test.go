package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// thpMM maps one PMD-aligned anonymous VMA of a THP's size at addr and
// faults a THP in it by a write.
func thpMM(t *testing.T, addr uint64) (*Kernel, *MM, *mmcore.VMA) {
	t.Helper()
	k, m := newMM(t)
	v := mapVMA(t, k, m, addr, mmcore.HPAGE_PMD_NR, mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS, nil, "hugepage")
	if _, _, err := m.Core.HugePMDFault(v, mmcore.Addr(addr), true); err != nil || !m.Core.Walk(mmcore.Addr(addr)).Huge() {
		t.Fatalf("no THP at %#x: %v", addr, err)
	}
	return k, m, v
}

// TestMadviseHugePMDSplitFootprint: the split of a large folio mapped in
// part reaches past the range it was found in (every entry of the folio,
// the zero page, TLB flushes, shmem unmaps from every mapping), and it is
// the step split_folio, whose footprint is every page table, page and TLB
// (splitFolioTouches). MADV_FREE's and
// MADV_COLD's steps on a huge PMD covered whole and their PTE loop, which
// stops at a large folio mapped in part instead of splitting it, are not
// the world (the review of 2026-12-04 found the split inside the huge-PMD
// steps and the loop; the kernel splits with the lock dropped, mm/madvise.c
// madvise_free_pte_range(), mm/huge_memory.c madvise_free_huge_pmd()).
func TestMadviseHugePMDSplitFootprint(t *testing.T) {
	const addr = 0x200000
	footprint := func(k *Kernel, tk *Task, op string, args ...Value) (world bool, v Value) {
		rec := NewFootprint()
		k.SetFootprint(rec)
		defer k.SetFootprint(nil)
		rec.ResetOwn(tk.ID)
		v = do(t, k, tk, op, args...)
		return len(ofKind(rec.Acc, AWorld)) > 0, v
	}
	for _, op := range []string{"madvise_free_huge_pmd_locked", "madvise_cold_huge_pmd_locked"} {
		t.Run(op+"/the whole PMD", func(t *testing.T) {
			k, m, v := thpMM(t, addr)
			tk := k.NewTask("madvise")
			do(t, k, tk, "mmap_read_lock", mmV(m))
			g := do(t, k, tk, "tlb_gather_mmu", mmV(m))
			do(t, k, tk, "pmd_lock", mmV(m), addrV(addr))
			args := []Value{g, vmaV(v), addrV(addr)}
			if op == "madvise_cold_huge_pmd_locked" {
				args = append(args, Bool(false))
			}
			if world, _ := footprint(k, tk, op, args...); world {
				t.Errorf("%s of the whole PMD at %#x declares the world", op, addr)
			}
			if !m.Core.Walk(addr).Huge() {
				t.Errorf("%s split the huge PMD at %#x", op, addr)
			}
		})
	}
	// split_folio changes every mapping of the folio in any mm (here a
	// fork child's too) and every page of it, but no lock: it names all
	// page tables, pages and TLBs (splitFolioTouches), not the world.
	t.Run("split_folio", func(t *testing.T) {
		k, m, _ := thpMM(t, addr)
		child, _, err := m.Core.Fork()
		if err != nil {
			t.Fatal(err)
		}
		folio := pageV(m.Core.Memory().Page(m.Core.Walk(addr).Entry.PFN()))
		if w := child.Walk(addr); !w.Huge() || w.Entry.PFN() != folio.Obj.(*mmcore.Page).PFN {
			t.Fatal("the fork child does not map the THP")
		}
		tk := k.NewTask("madvise")
		do(t, k, tk, "mmap_read_lock", mmV(m))
		do(t, k, tk, "folio_lock", folio)
		do(t, k, tk, "folio_get", folio)
		before := pageStates(k)
		acc := stepAcc(t, k, tk, "split_folio", folio)
		if rc := folio.Obj.(*mmcore.Page).Order(); rc != 0 || m.Core.Walk(addr).Huge() || child.Walk(addr).Huge() {
			t.Fatalf("after split_folio the folio has order %d, the PMD at %#x huge %v, the child's %v; want 0 and split",
				rc, addr, m.Core.Walk(addr).Huge(), child.Walk(addr).Huge())
		}
		requireWritesOfChangedPages(t, k, acc, before, pageStates(k))
		if len(ofKind(acc, AWorld)) > 0 {
			t.Error("split_folio declares the world")
		}
		entry, tlb, lock := NewFootprint(), NewFootprint(), NewFootprint()
		entry.PTEAt(child, addr+mmcore.PageSize, true)
		tlb.TLB(child, true)
		lock.Object(ALock, NewLock(k.NewLockClass("other"), Spin, "other"), true)
		if !Dependent(acc, entry.Acc) || !Dependent(acc, tlb.Acc) {
			t.Errorf("split_folio is independent of the child's entry or TLB, which it changes: %v", acc)
		}
		if Dependent(acc, lock.Acc) {
			t.Errorf("split_folio depends on another lock: %v", acc)
		}
	})
	for _, cydp := range []int64{cydpClearYoung | cydpClearDirty, cydpClearYoung, 0} {
		t.Run("clear_young_dirty_ptes over part of a PTE-mapped THP", func(t *testing.T) {
			k, m, _ := thpMM(t, addr)
			m.Core.SplitHugePMD(addr) // PTE-mapped, still one large folio
			v := m.Core.FindVMA(addr)
			head := m.Core.Memory().Page(m.Core.Walk(addr).Entry.PFN())
			tk := k.NewTask("madvise")
			do(t, k, tk, "mmap_read_lock", mmV(m))
			g := do(t, k, tk, "tlb_gather_mmu", mmV(m))
			pte := do(t, k, tk, "pte_offset_map_lock", mmV(m), addrV(addr))
			do(t, k, tk, "flush_tlb_batched_pending", mmV(m))
			world, folio := footprint(k, tk, "clear_young_dirty_ptes", g, vmaV(v), pte, addrV(addr+2*mmcore.PageSize), Int(cydp))
			if world {
				t.Error("the loop declares the world")
			}
			if folio.Obj != head || head.Order() == 0 {
				t.Errorf("the loop returned %v, want the large folio %v unsplit (order %d)", folio, head, head.Order())
			}
			if got := g.Obj.(*MMUGather).addr; got != addr {
				t.Errorf("tlb.addr = %#x, want %#x, where the folio is mapped in part", uint64(got), uint64(addr))
			}
		})
	}
}
