package runtime

import (
	"strings"
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestZapHugePMDSteps runs zap_huge_pmd()'s steps (mm/huge_memory.c) on a
// PMD-mapped THP under the mmap read lock, as the kernel library's
// zap_huge_pmd() calls them: under the PMD lock the zap is clean, the
// entry is none, the folio unmapped and kept by the gather until its
// flush; under mm->page_table_lock instead (not the lock of a split PMD
// table) the clear is pgtable/change-needs-ptl and the withdrawal of the
// deposited table the BUG of pgtable_trans_huge_withdraw()'s
// assert_spin_locked(); after a split (the PMD now a PTE table) the
// clear finds no huge PMD and leaves the table alone.
func TestZapHugePMDSteps(t *testing.T) {
	const addr = 0x200000
	tests := []struct {
		name       string
		lock       string // "pmd", "page_table_lock"
		splitFirst bool
		want       []string
	}{
		{"under the PMD lock", "pmd", false, nil},
		{"under mm->page_table_lock", "page_table_lock", false, []string{rulePTEChangeLock.ID, ruleWithdrawPMDLock.ID}},
		{"split before the PMD lock", "pmd", true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapVMA(t, k, m, addr, mmcore.HPAGE_PMD_NR, mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS, nil, "hugepage")
			if _, _, err := m.Core.HugePMDFault(v, addr, true); err != nil || !m.Core.Walk(addr).Huge() {
				t.Fatalf("no THP at %#x: %v", addr, err)
			}
			folio := k.Mem.Page(m.Core.Walk(addr).Entry.PFN()).Folio()
			zapper := k.NewTask("zapper")
			do(t, k, zapper, "mmap_read_lock", mmV(m))
			g := do(t, k, zapper, "tlb_gather_mmu", mmV(m))
			if tc.splitFirst {
				do(t, k, zapper, "split_huge_pmd", vmaV(v), addrV(addr))
			}
			var l Value
			if tc.lock == "pmd" {
				l = do(t, k, zapper, "pmd_lock", mmV(m), addrV(addr))
			} else {
				l = Obj(TLock, m.PageTableLock)
				do(t, k, zapper, "spin_lock", l)
			}
			orig := do(t, k, zapper, "pmdp_huge_get_and_clear_full", vmaV(v), addrV(addr), g)
			if tc.splitFirst {
				if orig.Int != 0 || m.Core.Walk(addr).PTETable() == nil {
					t.Fatalf("the clear after a split returned %#x; the PTE table is %v", orig.Int, m.Core.Walk(addr).PTETable())
				}
				do(t, k, zapper, "spin_unlock", l)
				wantRules(t, k, tc.want...)
				return
			}
			if orig.Int&pmdHugeBit == 0 || m.Core.Walk(addr).Huge() || !folio.FolioMapped() {
				t.Fatalf("pmdp_huge_get_and_clear_full returned %#x, huge after it %v, folio mapped %v: want the huge entry, none left, the rmap kept",
					orig.Int, m.Core.Walk(addr).Huge(), folio.FolioMapped())
			}
			do(t, k, zapper, "tlb_remove_pmd_tlb_entry", g, addrV(addr))
			f := do(t, k, zapper, "vm_normal_folio_pmd", vmaV(v), addrV(addr), orig)
			if f.Obj != folio {
				t.Fatalf("vm_normal_folio_pmd = %v, want the THP %v", f.Obj, folio)
			}
			do(t, k, zapper, "zap_huge_pmd_folio", vmaV(v), orig, f)
			if folio.FolioMapped() {
				t.Fatal("the folio is still mapped after zap_huge_pmd_folio (folio_remove_rmap_pmd)")
			}
			do(t, k, zapper, "zap_deposited_table", mmV(m), addrV(addr))
			if zapper.dead {
				wantRules(t, k, tc.want...)
				return
			}
			do(t, k, zapper, "spin_unlock", l)
			do(t, k, zapper, "tlb_remove_page_size", g, f, Int(int64(mmcore.PMD_SIZE)))
			if folio.Freed() {
				t.Fatal("the THP was freed before the gather's TLB flush")
			}
			do(t, k, zapper, "tlb_flush_mmu", g)
			if !folio.Freed() {
				t.Fatal("the THP is still allocated after the gather's flush")
			}
			wantRules(t, k, tc.want...)
		})
	}
}

// TestWithdrawAssertSpinLocked: pgtable_trans_huge_withdraw()'s
// assert_spin_locked() is BUG_ON(!spin_is_locked()): it BUGs when nobody
// holds the PMD lock, and passes when any task does. A withdrawal while
// another task holds the lock is the same locking bug, but the kernel
// does not catch it: unchecked, and the task lives on.
func TestWithdrawAssertSpinLocked(t *testing.T) {
	const addr = 0x200000
	for _, tc := range []struct {
		name   string
		holder string // who holds the PMD lock: "", "self", "other"
		want   Reaction
	}{
		{"nobody holds the PMD lock", "", BUG},
		{"another task holds it", "other", Unchecked},
		{"the caller holds it", "self", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapVMA(t, k, m, addr, mmcore.HPAGE_PMD_NR, mmcore.MAP_PRIVATE|mmcore.MAP_ANONYMOUS, nil, "hugepage")
			if _, _, err := m.Core.HugePMDFault(v, addr, true); err != nil || !m.Core.Walk(addr).Huge() {
				t.Fatalf("no THP at %#x: %v", addr, err)
			}
			zapper, other := k.NewTask("zapper"), k.NewTask("other")
			do(t, k, zapper, "mmap_read_lock", mmV(m))
			switch tc.holder {
			case "self":
				do(t, k, zapper, "pmd_lock", mmV(m), addrV(addr))
			case "other":
				do(t, k, other, "mmap_read_lock", mmV(m))
				do(t, k, other, "pmd_lock", mmV(m), addrV(addr))
			}
			do(t, k, zapper, "zap_deposited_table", mmV(m), addrV(addr))
			if tc.want == 0 {
				wantRules(t, k)
				return
			}
			wantRules(t, k, ruleWithdrawPMDLock.ID)
			d := lastDiag(t, k)
			if d.Kernel != tc.want || d.Fatal != (tc.want == BUG) || zapper.dead != (tc.want == BUG) {
				t.Errorf("kernel %v, fatal %v, zapper dead %v; want %v\n%s", d.Kernel, d.Fatal, zapper.dead, tc.want, d)
			}
			if tc.holder == "other" && (len(d.Related) == 0 || !strings.Contains(d.Msg, "another task holds it")) {
				t.Errorf("want the holder named: %s", d)
			}
		})
	}
}
