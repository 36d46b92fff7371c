package runtime

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestZapFinishLeavesNoStaleEntry drives two MADV_DONTNEED zaps of one
// page under the mmap read lock (each in its own mmu_gather) against a
// CPU that cached the page's translation: when a zap's gather is flushed
// at the end, a stale translation it found (cleared by the other zap,
// whose flush is deferred) must be gone, which the fixed tlb_finish_mmu
// ensures with flush_tlb_mm() when mm_tlb_flush_nested() (commit
// 99baac21e458); one the other zap made after this zap walked the page is
// the other's to flush.
func TestZapFinishLeavesNoStaleEntry(t *testing.T) {
	const addr = 0x100000
	tests := []struct {
		name string
		// otherFirst: the other zap clears the entry before this zap
		// walks the page; else this zap walks it while it is not mapped
		// yet and the other clears it afterwards.
		otherFirst bool
		flushMM    bool // the finish flushes the mm when nested (the fix)
		want       []string
	}{
		{"found cleared by a pending gather, flushed as nested", true, true, nil},
		{"found cleared by a pending gather, v4.12 finish", true, false, []string{ruleStaleAfterZap.ID}},
		{"cleared by the other after this zap walked it", false, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, addr, 1)
			user, other, this := k.NewTask("user"), k.NewTask("other"), k.NewTask("this")
			populate := func() {
				populateCached(t, m, v, user, addr)
			}
			zap := func(task *Task) Value {
				do(t, k, task, "mmap_read_lock", mmV(m))
				g := do(t, k, task, "tlb_gather_mmu", mmV(m))
				do(t, k, task, "madvise_vma_behavior", mmV(m), g, vmaV(v), vmaV(v), addrV(addr), addrV(addr+mmcore.PageSize),
					Int(int64(mmcore.MADV_DONTNEED)))
				return g
			}
			finish := func(task *Task, g Value) {
				if do(t, k, task, "mm_tlb_flush_nested", mmV(m)).Truth() && tc.flushMM {
					do(t, k, task, "flush_tlb_mm", mmV(m))
				}
				do(t, k, task, "tlb_flush_mmu", g)
				do(t, k, task, "dec_tlb_flush_pending", mmV(m))
				do(t, k, task, "mmap_read_unlock", mmV(m))
			}
			var g Value
			if tc.otherFirst {
				populate()
				p := k.Mem.Page(m.Core.Walk(addr).Entry.PFN())
				og := zap(other)
				// the gather holds the page until its flush
				// (tlb_remove_page, tlb_batch_pages_flush)
				if p == nil || p.Freed() {
					t.Fatal("the zapped page was freed before the other zap's flush")
				}
				g = zap(this)
				finish(this, g)
				finish(other, og)
				if !p.Freed() {
					t.Fatal("the zapped page is still allocated after the other zap's flush")
				}
			} else {
				g = zap(this)
				populate()
				og := zap(other)
				finish(this, g)
				finish(other, og)
			}
			wantRules(t, k, tc.want...)
		})
	}
}

// TestFlushPendingBlamesTheChanger drives two threads on one mm: guilty
// clears a PTE another CPU still translates and orders its
// inc_tlb_flush_pending()/dec_tlb_flush_pending() wrongly around that
// change, innocent raises and drops the count with no change of its own
// (a gather or batched flush elsewhere). The kernel's ordering
// (include/linux/mm_inline.h: inc_tlb_flush_pending(): "atomic_inc;
// spin_lock(ptl); set_pte_at(); spin_unlock(ptl); ... flush_tlb_range();
// atomic_dec") is each caller's about its own changes: only guilty's
// increment or decrement is reported, whichever thread brings the count to
// or from zero.
func TestFlushPendingBlamesTheChanger(t *testing.T) {
	const addr = 0x100000
	type step struct{ task, op string }
	tests := []struct {
		name  string
		steps []step
		want  []string // rule@thread of each finding, in order
	}{
		{"early decrement, the innocent one drops the count to zero", []step{
			{"guilty", "inc"}, {"guilty", "clear"}, {"innocent", "inc"}, {"guilty", "dec"}, {"innocent", "dec"}, {"guilty", "flush"},
		}, []string{ruleDecBeforeFlush.ID + "@guilty"}},
		{"early decrement, the innocent one raises the count after it", []step{
			{"guilty", "inc"}, {"guilty", "clear"}, {"guilty", "dec"}, {"innocent", "inc"}, {"innocent", "dec"}, {"guilty", "flush"},
		}, []string{ruleDecBeforeFlush.ID + "@guilty"}},
		{"late increment, the innocent one raises the count first", []step{
			{"guilty", "clear"}, {"innocent", "inc"}, {"guilty", "inc"}, {"innocent", "dec"}, {"guilty", "flush"}, {"guilty", "dec"},
		}, []string{ruleTLBFlushBeforePTLDrop.ID + "@guilty", ruleIncAfterChange.ID + "@guilty"}},
		{"late increment, the innocent one raises and drops it in between", []step{
			{"guilty", "clear"}, {"innocent", "inc"}, {"innocent", "dec"}, {"guilty", "inc"}, {"guilty", "flush"}, {"guilty", "dec"},
		}, []string{ruleTLBFlushBeforePTLDrop.ID + "@guilty", ruleIncAfterChange.ID + "@guilty"}},
		{"ordered change, the innocent one raises and drops around it", []step{
			{"guilty", "inc"}, {"innocent", "inc"}, {"guilty", "clear"}, {"innocent", "dec"}, {"guilty", "flush"}, {"guilty", "dec"},
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, addr, 1)
			user := k.NewTask("user")
			tasks := map[string]*Task{"guilty": k.NewTask("guilty"), "innocent": k.NewTask("innocent")}
			populateCached(t, m, v, user, addr)
			do(t, k, tasks["guilty"], "mmap_read_lock", mmV(m))
			var page Value
			for _, s := range tc.steps {
				task := tasks[s.task]
				switch s.op {
				case "inc":
					do(t, k, task, "inc_tlb_flush_pending", mmV(m))
				case "dec":
					do(t, k, task, "dec_tlb_flush_pending", mmV(m))
				case "clear":
					pte := do(t, k, task, "pte_offset_map_lock", mmV(m), addrV(addr))
					page = do(t, k, task, "ptep_get_and_clear", pte)
					do(t, k, task, "pte_unmap_unlock", pte)
				case "flush":
					do(t, k, task, "flush_tlb_range", vmaV(v), addrV(addr), addrV(addr+mmcore.PageSize))
					do(t, k, task, "put_page", page)
				}
			}
			do(t, k, tasks["guilty"], "mmap_read_unlock", mmV(m))
			var got []string
			for _, d := range k.Diagnostics() {
				got = append(got, d.Rule+"@"+d.Thread)
			}
			if !slices.Equal(got, tc.want) {
				for _, d := range k.Diagnostics() {
					t.Log(d.String())
				}
				t.Fatalf("findings %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPendingNeedsPTLByIdentity: mm_tlb_flush_pending() counts as read
// under a PTL only when the held lock is a page-table lock of that mm by
// identity: the lock living in one of its page-table pages (the kernel
// finds it from the table, pte_lockptr()/pmd_lockptr(): ptlock_ptr()) or
// its page_table_lock. A lock of the PTE-lock class merely named like
// one, or the PTL of another mm's table, orders nothing against this
// mm's PTL releases.
func TestPendingNeedsPTLByIdentity(t *testing.T) {
	const addr = 0x100000
	tests := []struct {
		name string
		lock func(k *Kernel, m, other *MM) *Lock
		want []string
	}{
		{"the PTE lock of its table", func(k *Kernel, m, _ *MM) *Lock { return entryPTL(m, addr) }, nil},
		{"the PMD lock of its table", func(k *Kernel, m, _ *MM) *Lock { return ptl(m, m.Core.Walk(addr).PMD()) }, nil},
		{"its page_table_lock", func(k *Kernel, m, _ *MM) *Lock { return m.PageTableLock }, nil},
		{"a lock named like its PTE lock", func(k *Kernel, m, _ *MM) *Lock {
			return NewLock(ClassPTELock, Spin, entryPTL(m, addr).Name)
		}, []string{rulePendingNeedsPTL.ID}},
		{"the PTE lock of another mm's table", func(k *Kernel, _, other *MM) *Lock { return entryPTL(other, addr) }, []string{rulePendingNeedsPTL.ID}},
		{"no lock", nil, []string{rulePendingNeedsPTL.ID}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			other, err := k.NewMM("m2")
			if err != nil {
				t.Fatal(err)
			}
			for _, mm := range []*MM{m, other} {
				v := mapAnon(t, k, mm, addr, 1)
				if err := mm.Core.Populate(v, addr, addr+mmcore.PageSize); err != nil {
					t.Fatal(err)
				}
			}
			task := k.NewTask("t")
			var l *Lock
			if tc.lock != nil {
				l = tc.lock(k, m, other)
				if !task.Acquire(l, Write) {
					t.Fatalf("%s not granted", l.Name)
				}
			}
			do(t, k, task, "mm_tlb_flush_pending", mmV(m))
			if l != nil {
				task.Release(l, Write)
			}
			wantRules(t, k, tc.want...)
		})
	}
}

// TestFlushPendingCheckOrderedAgainstOtherFlush: thread a clears a PTE
// another CPU still translates and drops the PTL; thread f flushes that
// range (flush_tlb_range); a's inc_tlb_flush_pending() (the change came
// first: after-pte-change) or dec_tlb_flush_pending() (the change came
// inside its window: before-flush) reports the change when it runs before
// f's flush and nothing after it. The two steps do not commute, so their
// footprints must conflict in both orders: f's flush ends a's record of
// the change (NoteChanges writes a's records), and a's check reads them
// whether it finds the record or not. The check's footprint was only the
// count's before, when the record was gone, and the explorer took the two
// orders for one.
func TestFlushPendingCheckOrderedAgainstOtherFlush(t *testing.T) {
	const addr = 0x100000
	for _, tc := range []struct {
		op       string
		inWindow bool // a raised the count before its change
		finding  string
	}{
		{"inc_tlb_flush_pending", false, ruleIncAfterChange.ID},
		{"dec_tlb_flush_pending", true, ruleDecBeforeFlush.ID},
	} {
		var found [2][]string
		for i, checkFirst := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/check first %v", tc.op, checkFirst), func(t *testing.T) {
				k, m := newMM(t)
				v := mapAnon(t, k, m, addr, 1)
				a, f, user := k.NewTask("a"), k.NewTask("f"), k.NewTask("user")
				populateCached(t, m, v, user, addr)
				do(t, k, a, "mmap_read_lock", mmV(m))
				if tc.inWindow {
					do(t, k, a, "inc_tlb_flush_pending", mmV(m))
				}
				pte := do(t, k, a, "pte_offset_map_lock", mmV(m), addrV(addr))
				do(t, k, a, "ptep_get_and_clear", pte)
				do(t, k, a, "pte_unmap_unlock", pte)
				check := func() []Access { return stepAcc(t, k, a, tc.op, mmV(m)) }
				flush := func() []Access {
					return stepAcc(t, k, f, "flush_tlb_range", vmaV(v), addrV(addr), addrV(addr+mmcore.PageSize))
				}
				var first, second []Access
				if checkFirst {
					first, second = check(), flush()
				} else {
					first, second = flush(), check()
				}
				if !Dependent(first, second) {
					t.Errorf("%s and another thread's flush_tlb_range commute by their footprints, but the finding depends on their order:\n\t%v\n\t%v",
						tc.op, first, second)
				}
				for _, d := range k.Diagnostics() {
					if d.Rule == tc.finding {
						found[i] = append(found[i], d.Rule+"@"+d.Thread)
					}
				}
			})
		}
		if want := []string{tc.finding + "@a"}; !slices.Equal(found[0], want) || len(found[1]) != 0 {
			t.Errorf("%s: findings %q with the check first, %q with the flush first; want %q, none", tc.op, found[0], found[1], want)
		}
	}
}

// TestPTEChangeOrderedAgainstOtherFlush: a's clear of an entry another CPU
// caches leaves a record of a's change (NoteChanges) only when f's flush
// has not run yet, and a's inc_tlb_flush_pending() between the two reports
// it. The clear writes the entry and the flush the TLB, so only the TLB
// read NoteChanges declares after a step that wrote an entry orders them:
// without it, the explorer took the flush before the clear and the one
// after it for one order and never ran the check in between.
func TestPTEChangeOrderedAgainstOtherFlush(t *testing.T) {
	const addr = 0x100000
	var records [2]bool
	for i, clearFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("clear first %v", clearFirst), func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, addr, 1)
			a, f, user := k.NewTask("a"), k.NewTask("f"), k.NewTask("user")
			populateCached(t, m, v, user, addr)
			pte := do(t, k, a, "pte_offset_map_lock", mmV(m), addrV(addr))
			clear := func() []Access { return stepAcc(t, k, a, "ptep_get_and_clear", pte) }
			flush := func() []Access {
				return stepAcc(t, k, f, "flush_tlb_range", vmaV(v), addrV(addr), addrV(addr+mmcore.PageSize))
			}
			var first, second []Access
			if clearFirst {
				first = clear()
				records[i] = k.changedBy(m, a, false)
				second = flush()
			} else {
				first, second = flush(), clear()
				records[i] = k.changedBy(m, a, false)
			}
			if !Dependent(first, second) {
				t.Errorf("ptep_get_and_clear and another thread's flush_tlb_range commute by their footprints, but whether the change is on record "+
					"depends on their order:\n\t%v\n\t%v", first, second)
			}
		})
	}
	if !records[0] || records[1] {
		t.Errorf("a's change on record after the clear: %v with the clear first, %v with the flush first; want true, false", records[0], records[1])
	}
}

// populateCached maps addr's page in v and has user's CPU cache a writable
// translation of it: the entry another task's change leaves stale.
func populateCached(t *testing.T, m *MM, v *mmcore.VMA, user *Task, addr mmcore.Addr) {
	t.Helper()
	if err := m.Core.Populate(v, addr, addr+mmcore.PageSize); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Core.TLB.TranslateWrite(user.CPU, addr); !ok {
		t.Fatal("no translation after populate")
	}
}

// TestStaleAfterZapNamesTheWalk: MADV_FREE's and MADV_COLD's walks batch
// their flushes in an mmu_gather as a zap does, and miss an entry another
// zap cleared and has not flushed alike; the report of what the gather
// left stale names the walk that found it, not "the zap" of each.
func TestStaleAfterZapNamesTheWalk(t *testing.T) {
	const addr = 0x100000
	end := addrV(addr + mmcore.PageSize)
	for _, tc := range []struct{ name, want string }{
		{"MADV_DONTNEED", "tlb_flush_mmu: the zap of [0x100000, 0x101000) is finished while CPU"},
		{"MADV_FREE", "tlb_flush_mmu: the MADV_FREE walk of [0x100000, 0x101000) is finished while CPU"},
		{"MADV_COLD", "tlb_flush_mmu: the MADV_COLD walk of [0x100000, 0x101000) is finished while CPU"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			v := mapAnon(t, k, m, addr, 1)
			user, other, this := k.NewTask("user"), k.NewTask("other"), k.NewTask("this")
			populateCached(t, m, v, user, addr)
			// the other zap clears the entry and defers its flush
			do(t, k, other, "mmap_read_lock", mmV(m))
			og := do(t, k, other, "tlb_gather_mmu", mmV(m))
			do(t, k, other, "madvise_vma_behavior", mmV(m), og, vmaV(v), vmaV(v), addrV(addr), end, Int(int64(mmcore.MADV_DONTNEED)))
			// this walk finds the entry none and gathers nothing for it
			do(t, k, this, "mmap_read_lock", mmV(m))
			g := do(t, k, this, "tlb_gather_mmu", mmV(m))
			switch tc.name {
			case "MADV_COLD":
				pte := do(t, k, this, "pte_offset_map_lock", mmV(m), addrV(addr))
				do(t, k, this, "clear_young_dirty_ptes", g, vmaV(v), pte, end, Int(cydpClearYoung))
				do(t, k, this, "pte_unmap_unlock", pte)
			default:
				advice := mmcore.MADV_DONTNEED
				if tc.name == "MADV_FREE" {
					advice = mmcore.MADV_FREE
				}
				do(t, k, this, "madvise_vma_behavior", mmV(m), g, vmaV(v), vmaV(v), addrV(addr), end, Int(int64(advice)))
			}
			do(t, k, this, "tlb_flush_mmu", g) // the v4.12 finish: no flush_tlb_mm() when nested
			wantRules(t, k, ruleStaleAfterZap.ID)
			if d := lastDiag(t, k); !strings.HasPrefix(d.Msg, tc.want) {
				t.Errorf("got %q\nwant it to begin %q", d.Msg, tc.want)
			}
		})
	}
}
