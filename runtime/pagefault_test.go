package runtime

import (
	"strings"
	"testing"
)

// TestPagefaultCounter: pagefault_disable() nests, pagefault_enable()
// undoes one level; an enable without its disable leaves the count at
// -1, which pagefault_disabled() (!= 0) reads as disabled, and is
// reported; a thread ending with the count raised is reported where it
// left 0.
func TestPagefaultCounter(t *testing.T) {
	type step struct {
		op       string
		count    int  // current->pagefault_disabled after it
		disabled bool // pagefault_disabled() after it
	}
	for _, tc := range []struct {
		name  string
		steps []step
		rules []string // after the steps and the thread's exit
	}{
		{"balanced", []step{{"pagefault_disable", 1, true}, {"pagefault_enable", 0, false}}, nil},
		{"nested", []step{{"pagefault_disable", 1, true}, {"pagefault_disable", 2, true}, {"pagefault_enable", 1, true}, {"pagefault_enable", 0, false}}, nil},
		{"unbalanced enable", []step{{"pagefault_enable", -1, true}},
			[]string{"pagefault/unbalanced-enable", "pagefault/disabled-at-user-return"}},
		{"one enable too many", []step{{"pagefault_disable", 1, true}, {"pagefault_enable", 0, false}, {"pagefault_enable", -1, true}, {"pagefault_disable", 0, false}},
			[]string{"pagefault/unbalanced-enable"}},
		{"exit disabled", []step{{"pagefault_disable", 1, true}, {"pagefault_disable", 2, true}, {"pagefault_enable", 1, true}},
			[]string{"pagefault/disabled-at-user-return"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := NewKernel()
			tk := k.NewTask("T")
			for i, s := range tc.steps {
				do(t, k, at(tk, i+1), s.op)
				if tk.pagefaultDisabled != s.count {
					t.Fatalf("after %s (line %d): count %d, want %d", s.op, i+1, tk.pagefaultDisabled, s.count)
				}
				if got := do(t, k, tk, "pagefault_disabled"); (got.Int != 0) != s.disabled {
					t.Fatalf("after %s (line %d): pagefault_disabled() %v, want %v", s.op, i+1, (got.Int != 0), s.disabled)
				}
				if got := do(t, k, tk, "faulthandler_disabled"); (got.Int != 0) != s.disabled {
					t.Fatalf("after %s (line %d): faulthandler_disabled() %v, want %v (no spinlock held)", s.op, i+1, (got.Int != 0), s.disabled)
				}
			}
			k.ExitTask(tk, at(tk, 99).Pos)
			wantRules(t, k, tc.rules...)
			for _, d := range k.Diagnostics() {
				if d.Rule == "pagefault/disabled-at-user-return" {
					if d.Pos.Line != 99 || len(d.Related) != 1 || d.Related[0].Pos.Line != 1 {
						t.Errorf("exit report at line %d, related %+v: want line 99, disabled at line 1", d.Pos.Line, d.Related)
					}
				}
				if d.Kernel != Unchecked {
					t.Errorf("%s: reaction %v, want unchecked (the kernel checks neither)", d.Rule, d.Kernel)
				}
			}
		})
	}
}

// TestFaulthandlerDisabled: faulthandler_disabled() is
// pagefault_disabled() || in_atomic(), and mmscript's in_atomic() is a
// spinlock held: rcu_read_lock() (CONFIG_PREEMPT_RCU) and IRQs off leave
// preempt_count alone. pagefault_disable() is no atomic context: a
// might_sleep() under it is silent, as __might_resched() is.
func TestFaulthandlerDisabled(t *testing.T) {
	for _, tc := range []struct {
		name   string
		enter  []string
		want   bool // faulthandler_disabled()
		atomic bool // might_sleep() reports
	}{
		{"nothing", nil, false, false},
		{"pagefault_disable", []string{"pagefault_disable"}, true, false},
		{"spinlock", []string{"spin_lock"}, true, true},
		{"spinlock and pagefault_disable", []string{"spin_lock", "pagefault_disable"}, true, true},
		{"rcu_read_lock", []string{"rcu_read_lock"}, false, true},
		{"local_irq_disable", []string{"local_irq_disable"}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			tk := k.NewTask("T")
			for _, op := range tc.enter {
				if op == "spin_lock" {
					do(t, k, at(tk, 1), op, Obj(TLock, m.PageTableLock))
					continue
				}
				do(t, k, at(tk, 1), op)
			}
			if got := do(t, k, at(tk, 2), "faulthandler_disabled").Int != 0; got != tc.want {
				t.Errorf("faulthandler_disabled() = %v, want %v", got, tc.want)
			}
			do(t, k, at(tk, 3), "might_sleep")
			if got := len(k.Diagnostics()) > 0; got != tc.atomic {
				t.Errorf("might_sleep reported %v, want %v: %v", got, tc.atomic, rules(k))
			}
		})
	}
}

// TestMightFaultUnderPagefaultDisable: __might_fault() returns at once
// under pagefault_disable(): neither the sleep check nor the mmap lock's
// lockdep annotation runs. Without it both do.
func TestMightFaultUnderPagefaultDisable(t *testing.T) {
	for _, tc := range []struct {
		name     string
		disable  bool
		mmapLock bool // hold the mmap read lock
		spin     bool // hold the page_table_lock
		want     []string
	}{
		{"plain", false, false, false, nil},
		{"mmap lock", false, true, false, []string{"uaccess/might-fault-under-mmap-lock"}},
		{"mmap lock, disabled", true, true, false, nil},
		{"spinlock", false, false, true, []string{"lock/sleep-in-atomic", "lockdep/circular"}},
		{"spinlock, disabled", true, false, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, m := newMM(t)
			tk := k.NewTask("T")
			if tc.spin {
				// the order mmap_lock -> page_table_lock, as a fault records it
				do(t, k, at(tk, 1), "mmap_read_lock", mmV(m))
				do(t, k, at(tk, 1), "spin_lock", Obj(TLock, m.PageTableLock))
				do(t, k, at(tk, 1), "spin_unlock", Obj(TLock, m.PageTableLock))
				do(t, k, at(tk, 1), "mmap_read_unlock", mmV(m))
				do(t, k, at(tk, 2), "spin_lock", Obj(TLock, m.PageTableLock))
			}
			if tc.mmapLock {
				do(t, k, at(tk, 2), "mmap_read_lock", mmV(m))
			}
			if tc.disable {
				do(t, k, at(tk, 3), "pagefault_disable")
			}
			do(t, k, at(tk, 4), "might_fault", mmV(m))
			wantRules(t, k, tc.want...)
			for _, d := range k.Diagnostics() {
				if d.Pos.Line != 4 {
					t.Errorf("%s at line %d, want 4", d.Rule, d.Pos.Line)
				}
			}
		})
	}
}

// TestPagefaultOpsTouchOnlyTheirTask: the count is the task's own state,
// so the four operations commute with every step of another thread (the
// explorer may take them as independent).
func TestPagefaultOpsTouchOnlyTheirTask(t *testing.T) {
	for _, op := range []string{"pagefault_disable", "pagefault_enable", "pagefault_disabled", "faulthandler_disabled"} {
		k := NewKernel()
		tk := k.NewTask("T")
		f := NewFootprint()
		k.SetFootprint(f)
		f.ResetOwn(tk.ID)
		do(t, k, tk, op)
		if !f.OwnOnly() {
			var b strings.Builder
			for _, a := range f.Acc {
				b.WriteString(" " + a.Kind.String())
			}
			t.Errorf("%s touches more than its task:%s", op, b.String())
		}
	}
}
