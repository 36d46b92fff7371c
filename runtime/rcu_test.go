package runtime

import (
	"testing"

	"github.com/mmscript/mmscript/mmcore"
)

// TestGracePeriods drives synchronize_rcu and tlb_remove_table_sync_one
// against readers of each kind: a grace period waits for the read-side
// sections open when it began (rcu_read_lock, a spinlock, IRQs off), not
// for those begun later; the IPI waits for IRQs-off regions only.
func TestGracePeriods(t *testing.T) {
	spin := map[*Task]*Lock{}
	spinOf := func(r *Task) Value {
		if spin[r] == nil {
			spin[r] = NewLock(ClassPageTableLock, Spin, r.Name+"->page_table_lock")
		}
		return Obj(TLock, spin[r])
	}
	enter := map[string]func(k *Kernel, r *Task, m *MM){
		"rcu_read_lock": func(k *Kernel, r *Task, m *MM) { do(t, k, r, "rcu_read_lock") },
		"spinlock":      func(k *Kernel, r *Task, m *MM) { do(t, k, r, "spin_lock", spinOf(r)) },
		"irqs off":      func(k *Kernel, r *Task, m *MM) { do(t, k, r, "local_irq_disable") },
	}
	exit := map[string]func(k *Kernel, r *Task, m *MM){
		"rcu_read_lock": func(k *Kernel, r *Task, m *MM) { do(t, k, r, "rcu_read_unlock") },
		"spinlock":      func(k *Kernel, r *Task, m *MM) { do(t, k, r, "spin_unlock", spinOf(r)) },
		"irqs off":      func(k *Kernel, r *Task, m *MM) { do(t, k, r, "local_irq_enable") },
	}
	tests := []struct {
		op, reader string
		waits      bool // the op waits for a reader of this kind that began before it
	}{
		{"synchronize_rcu", "rcu_read_lock", true},
		{"synchronize_rcu", "spinlock", true},
		{"synchronize_rcu", "irqs off", true},
		{"tlb_remove_table_sync_one", "irqs off", true},
		{"tlb_remove_table_sync_one", "rcu_read_lock", false},
		{"tlb_remove_table_sync_one", "spinlock", false},
	}
	for _, tc := range tests {
		t.Run(tc.op+"/"+tc.reader, func(t *testing.T) {
			k, m := newMM(t)
			r, w, late := k.NewTask("reader"), k.NewTask("updater"), k.NewTask("late")
			enter[tc.reader](k, r, m)
			gp := start(t, k, w, tc.op)
			if gp.blocked() != tc.waits {
				t.Fatalf("blocked %v, want %v", gp.blocked(), tc.waits)
			}
			if !tc.waits {
				return
			}
			enter[tc.reader](k, late, m) // begins after: not waited for
			if !gp.blocked() {
				t.Fatal("a later reader ended the grace period")
			}
			exit[tc.reader](k, r, m)
			if gp.c.T.Blocked() {
				t.Fatal("still waiting after the old reader left")
			}
			gp.resume(t)
			gp.value(t)
			exit[tc.reader](k, late, m)
			wantRules(t, k)
		})
	}
}

// TestDeferredTableFree: a PTE table detached by pmdp_collapse_flush and
// given to pte_free_defer stays readable by a walker whose read-side
// section began before, is freed when that section ends, and a read
// through a pointer kept past it is reported with where the free was
// queued.
func TestDeferredTableFree(t *testing.T) {
	k, m := newMM(t)
	v := mapAnon(t, k, m, 0x200000, 1)
	walker, khug := k.NewTask("walker"), k.NewTask("khugepaged")
	// The user's write fault, as mmcore runs it under the PTE lock (touch
	// is a kernel-library path, which needs interp).
	m.Core.PrepareAnonVMA(v)
	if _, _, err := m.Core.AllocTables(0x200000); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Core.HandleFault(v, 0x200000, true); err != nil {
		t.Fatal(err)
	}
	at(walker, 10)
	pt := do(t, k, walker, "pte_offset_map", mmV(m), addrV(0x200000))
	if pt.T != TPTE {
		t.Fatal("no PTE table")
	}
	table := pt.Obj.(*PTE).Table
	// collapse_huge_page's locks: every lock a walk may start under, for write
	do(t, k, khug, "mmap_write_lock", mmV(m))
	do(t, k, khug, "vma_start_write", vmaV(v))
	do(t, k, khug, "anon_vma_lock_write", vmaV(v))
	l := do(t, k, khug, "pmd_lock", mmV(m), addrV(0x200000))
	old := do(t, k, khug, "pmdp_collapse_flush", vmaV(v), addrV(0x200000))
	do(t, k, khug, "spin_unlock", l)
	do(t, k, khug, "anon_vma_unlock_write", vmaV(v))
	at(khug, 20)
	do(t, k, khug, "pte_free_defer", mmV(m), old)
	if table.Freed() {
		t.Fatal("freed while a reader that began before may still read it")
	}
	if m.Core.Walk(0x200000).PTETable() != nil {
		t.Fatal("the PMD still points to the table")
	}
	if pfn := do(t, k, walker, "ptep_get", pt).Int; pfn < 0 {
		t.Fatal("the detached table lost its entry")
	}
	do(t, k, walker, "pte_unmap", pt)
	if !table.Freed() {
		t.Fatal("not freed at the end of the grace period")
	}
	wantRules(t, k)
	at(walker, 30)
	do(t, k, walker, "ptep_get", pt)
	wantRules(t, k, ruleRCUUseAfterFree.ID)
	d := lastDiag(t, k)
	if d.Pos.Line != 30 || len(d.Related) == 0 || d.Related[0].Pos.Line != 20 {
		t.Errorf("report at %v with related %v, want line 30 pointing at the free at line 20", d.Pos, d.Related)
	}
	do(t, k, khug, "mmap_write_unlock", mmV(m))
}

// TestKfreeRCUPage: a page given to kfree_rcu keeps its reference until
// the readers that began before have left; using it afterwards is
// reported, using it before is not.
func TestKfreeRCUPage(t *testing.T) {
	k, _ := newMM(t)
	r, w := k.NewTask("reader"), k.NewTask("writer")
	p := do(t, k, w, "alloc_page").Obj.(*mmcore.Page)
	do(t, k, r, "rcu_read_lock")
	do(t, k, w, "kfree_rcu", pageV(p))
	if p.Freed() {
		t.Fatal("freed inside the grace period")
	}
	do(t, k, r, "rcu_read_unlock")
	if !p.Freed() {
		t.Fatal("not freed after the grace period")
	}
	do(t, k, w, "kfree_rcu", pageV(p))
	wantRules(t, k, ruleRCUUseAfterFree.ID)
}

// TestIRQFlags: local_irq_disable() does not nest (the first
// local_irq_enable() turns interrupts on), local_irq_save() and
// local_irq_restore() do; a restore of enabled flags with interrupts
// already on is irq/unbalanced, as an enable without a disable is.
func TestIRQFlags(t *testing.T) {
	tests := []struct {
		name       string
		run        func(k *Kernel, r *Task)
		off        bool // interrupts off at the end
		unbalanced bool
	}{
		{"disable twice, enable once", func(k *Kernel, r *Task) {
			do(t, k, r, "local_irq_disable")
			do(t, k, r, "local_irq_disable")
			do(t, k, r, "local_irq_enable")
		}, false, false},
		{"save inside disable, restore", func(k *Kernel, r *Task) {
			do(t, k, r, "local_irq_disable")
			f := do(t, k, r, "local_irq_save")
			do(t, k, r, "local_irq_restore", f)
		}, true, false},
		{"save, save, restore inner", func(k *Kernel, r *Task) {
			outer := do(t, k, r, "local_irq_save")
			inner := do(t, k, r, "local_irq_save")
			do(t, k, r, "local_irq_restore", inner)
			_ = outer
		}, true, false},
		{"save, save, restore both", func(k *Kernel, r *Task) {
			outer := do(t, k, r, "local_irq_save")
			inner := do(t, k, r, "local_irq_save")
			do(t, k, r, "local_irq_restore", inner)
			do(t, k, r, "local_irq_restore", outer)
		}, false, false},
		{"restore enabled flags twice", func(k *Kernel, r *Task) {
			f := do(t, k, r, "local_irq_save")
			do(t, k, r, "local_irq_restore", f)
			do(t, k, r, "local_irq_restore", f)
		}, false, true},
		{"enable without disable", func(k *Kernel, r *Task) {
			do(t, k, r, "local_irq_enable")
		}, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, _ := newMM(t)
			r := k.NewTask("r")
			tc.run(k, r)
			if got := r.Atomic(); got != tc.off {
				t.Errorf("interrupts off = %v, want %v", got, tc.off)
			}
			unbalanced := false
			for _, d := range k.Diagnostics() {
				unbalanced = unbalanced || d.Rule == ruleIRQUnbalanced.ID
			}
			if unbalanced != tc.unbalanced {
				t.Errorf("irq/unbalanced reported = %v, want %v (%v)", unbalanced, tc.unbalanced, k.Diagnostics())
			}
		})
	}
}
